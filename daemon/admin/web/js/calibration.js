// The calibration report of a door (GET /api/doors/:door/calibration): where the recent match and
// PAD scores sit against the thresholds in force, drawn as two histograms with the verdicts. The
// report holds only numbers and counts, so nothing here is about a person.
import { get } from './api.js';
import { errorLine, guarded, h } from './dom.js';
import { histogram } from './histogram.js';

export const VERDICT_CLASS = { ok: 'ok', close: 'warn', crossed: 'bad', none: 'muted' };
const PERIODS = [1, 7, 30];

function part(kind, title, threshold, thresholdLabel, series, verdict) {
  return h(
    'div',
    { class: 'calibration-part', 'data-part': kind },
    h('h3', {}, title),
    histogram({
      label: `${title}: ${series.map((x) => `${x.label} ${x.count}`).join(', ')}, ${thresholdLabel} ${threshold.toFixed(2)}`,
      threshold,
      thresholdLabel,
      series,
    }),
    h(
      'p',
      { class: 'legend' },
      series.map((x) => h('span', { class: `key ${x.cls}`, 'data-series': x.name, 'data-count': x.count }, `${x.label}: ${x.count}`)),
    ),
    h('p', { class: `verdict ${VERDICT_CLASS[verdict.status] ?? ''}`, 'data-verdict': verdict.status }, verdict.text),
  );
}

function render(r) {
  const m = r.match;
  const p = r.pad;
  return [
    part(
      'match',
      'Match scores',
      m.threshold,
      m.level ? `threshold (${m.level})` : 'threshold',
      [
        { name: 'granted', label: 'granted', cls: 'series-a', bins: m.granted.bins, count: m.granted.count },
        { name: 'unknown', label: 'unknown (best score)', cls: 'series-b', bins: m.unknown.bins, count: m.unknown.count },
      ],
      m.verdict,
    ),
    part(
      'pad',
      'Liveness (PAD) scores',
      p.threshold,
      'PAD threshold',
      [
        { name: 'live', label: 'live', cls: 'series-a', bins: p.live.bins, count: p.live.count },
        { name: 'spoof', label: 'spoof suspected', cls: 'series-b', bins: p.spoof.bins, count: p.spoof.count },
      ],
      p.verdict,
    ),
  ];
}

/** A card with the door's report over a chosen period; loads at once and again on each change. */
export function calibrationCard(door) {
  const days = h(
    'select',
    { name: 'days' },
    PERIODS.map((d) => h('option', { value: d, selected: d === 7 }, d === 1 ? 'last day' : `last ${d} days`)),
  );
  const body = h('div', { class: 'calibration-body' }, h('p', { class: 'muted' }, 'Loading…'));
  const err = errorLine();
  const card = h(
    'section',
    { class: 'card calibration', 'data-calibration': door },
    h('h2', {}, `Calibration: ${door}`),
    h('label', {}, 'Period', days),
    body,
    err,
  );
  const load = async () => {
    card.removeAttribute('data-loaded');
    const r = await get(`/api/doors/${encodeURIComponent(door)}/calibration?days=${days.value}`);
    body.replaceChildren(...render(r));
    card.setAttribute('data-loaded', String(r.days));
  };
  days.addEventListener('change', () => guarded(null, err, load));
  void guarded(null, err, load);
  return card;
}
