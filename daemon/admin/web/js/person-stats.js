// A person's figures on their page (GET /api/people/:id/stats, admin only): how often they were
// let in, how long that took (drawn by decision time), when they were last refused and why, and
// their match scores drawn against the threshold, with the hint when their enrollment photos are
// too weak.
import { get } from './api.js';
import { VERDICT_CLASS } from './calibration.js';
import { errorLine, fmtTime, guarded, h } from './dom.js';
import { histogram } from './histogram.js';

const PERIODS = [7, 30, 90];

const ms = (x) => (x === null ? '—' : `${x} ms`);

function figures(s) {
  const t = s.decision_ms;
  const last = s.refusals.last;
  const row = (name, label, value) => [h('dt', {}, label), h('dd', { 'data-figure': name }, value)];
  return h(
    'dl',
    { class: 'kv' },
    row('grants', 'Granted', String(s.grants.count)),
    row('decision', 'Decision time (first sight to unlock)', t.count ? `median ${ms(t.p50)}, 90 % within ${ms(t.p90)}, slowest ${ms(t.max)}` : '—'),
    row(
      'refusals',
      'Refused while recognised',
      s.refusals.count ? `${s.refusals.count} (${s.refusals.reasons.map((r) => `${r.reason.replaceAll('_', ' ')} ${r.count}`).join(', ')})` : '0',
    ),
    row('last-refusal', 'Last refused', last ? `${fmtTime(last.ts)}: ${last.text}` : 'not in this period'),
  );
}

/** Their granted passages by decision time, in the store's bins; the last bin holds every slower one. */
function decisionChart(t) {
  const max = t.bin_ms * t.bins.length;
  const axis = {
    max,
    ticks: [0, max / 4, max / 2, (3 * max) / 4, max],
    tick: (v) => `${v / 1000} s`,
    range: (from, to) => (to >= max ? `took ${Math.round(from)} ms or more` : `took ${Math.round(from)}–${Math.round(to)} ms`),
  };
  return h(
    'div',
    { class: 'person-decisions' },
    h('h3', {}, 'Decision time'),
    histogram({
      label: `Decision time of ${t.count} granted passages, first sight to unlock`,
      series: [{ name: 'decision', label: 'granted', cls: 'series-a', bins: t.bins }],
      axis,
    }),
  );
}

function scoresChart(s) {
  const series = [
    { name: 'granted', label: 'granted', cls: 'series-a', bins: s.scores.granted.bins, count: s.scores.granted.count },
    { name: 'refused', label: 'refused (recognised)', cls: 'series-b', bins: s.scores.refused.bins, count: s.scores.refused.count },
  ];
  return h(
    'div',
    { class: 'person-scores' },
    h('h3', {}, 'Match scores'),
    histogram({
      label: `Match scores: ${series.map((x) => `${x.label} ${x.count}`).join(', ')}, threshold ${s.threshold.toFixed(2)}`,
      threshold: s.threshold,
      thresholdLabel: 'threshold',
      series,
    }),
    h(
      'p',
      { class: 'legend' },
      series.map((x) => h('span', { class: `key ${x.cls}`, 'data-series': x.name, 'data-count': x.count }, `${x.label}: ${x.count}`)),
    ),
    h('p', { class: `verdict ${VERDICT_CLASS[s.enrollment.status] ?? ''}`, 'data-verdict': s.enrollment.status }, s.enrollment.text),
  );
}

/** A card with the person's figures over a chosen period; loads at once and again on each change. */
export function personStatsCard(person) {
  // The route refuses a viewer (a name joined to its comings is for admins): say so instead of asking.
  if (document.body.dataset.role !== 'admin')
    return h(
      'section',
      { class: 'person-stats', 'data-person-stats': person.id },
      h('h3', {}, 'At the door'),
      h('p', { class: 'muted' }, "Only an administrator sees a person's figures at the door."),
    );
  const days = h(
    'select',
    { name: 'days' },
    PERIODS.map((d) => h('option', { value: d, selected: d === 30 }, `last ${d} days`)),
  );
  const body = h('div', { class: 'person-stats-body' }, h('p', { class: 'muted' }, 'Loading…'));
  const err = errorLine();
  const card = h('section', { class: 'person-stats', 'data-person-stats': person.id }, h('h3', {}, 'At the door'), h('label', {}, 'Period', days), body, err);
  const load = async () => {
    card.removeAttribute('data-loaded');
    const s = await get(`/api/people/${encodeURIComponent(person.id)}/stats?days=${days.value}`);
    body.replaceChildren(figures(s), h('div', { class: 'grid' }, decisionChart(s.decision_ms), scoresChart(s)));
    card.setAttribute('data-loaded', String(s.days));
  };
  days.addEventListener('change', () => guarded(null, err, load));
  void guarded(null, err, load);
  return card;
}
