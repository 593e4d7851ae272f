// The dashboard's activity card (GET /api/dashboard): the door decisions of the last day or week
// by outcome as stacked bars, and the camera fps, analysis rate and board temperature sampled over
// the same time as lines. The report holds counts and the board's figures only: nothing about who.
import { get } from './api.js';
import { errorLine, guarded, h } from './dom.js';
import { lineChart, stackedBars } from './charts.js';

const OUTCOMES = [
  { name: 'granted', label: 'granted', cls: 'outcome-granted' },
  { name: 'unknown', label: 'unknown face', cls: 'outcome-unknown' },
  { name: 'spoof_suspected', label: 'spoof suspected', cls: 'outcome-spoof' },
  { name: 'schedule', label: 'outside schedule or validity', cls: 'outcome-schedule' },
  { name: 'lockout', label: 'lockout', cls: 'outcome-lockout' },
  { name: 'other_denied', label: 'other refusal', cls: 'outcome-other' },
];
const RANGES = [
  { value: '24h', text: 'last 24 hours', tickEvery: 6, tick: { hour: '2-digit', minute: '2-digit' } },
  { value: '7d', text: 'last 7 days', tickEvery: 4, tick: { weekday: 'short', hour: '2-digit' } },
];

const timeText = (ms) => new Date(ms).toLocaleString([], { weekday: 'short', hour: '2-digit', minute: '2-digit' });

function empty(kind, text) {
  return h('p', { class: 'muted empty', 'data-empty': kind }, text);
}

function legend(items) {
  return h(
    'p',
    { class: 'legend' },
    items.map((x) => h('span', { class: `key ${x.cls}`, 'data-key': x.name, ...(x.count !== undefined ? { 'data-count': x.count } : {}) }, x.text)),
  );
}

function decisionsPart(r, buckets, ticks, range) {
  const total = OUTCOMES.reduce((n, o) => n + r.totals[o.name], 0);
  const title = h('h3', {}, 'Door decisions by outcome');
  if (total === 0) return h('div', { 'data-part': 'decisions' }, title, empty('decisions', `No face was decided at a door in the ${range.text}.`));
  const shown = OUTCOMES.filter((o) => r.totals[o.name] > 0);
  return h(
    'div',
    { 'data-part': 'decisions' },
    title,
    stackedBars({
      label: `Door decisions, ${range.text}: ${shown.map((o) => `${o.label} ${r.totals[o.name]}`).join(', ')}`,
      buckets,
      bucketMs: r.bucket_s * 1000,
      outcomes: OUTCOMES,
      ticks,
      timeText,
    }),
    legend(OUTCOMES.map((o) => ({ name: o.name, cls: o.cls, count: r.totals[o.name], text: `${o.label}: ${r.totals[o.name]}` }))),
  );
}

function linesPart(kind, title, series, unit, window) {
  const head = h('h3', {}, title);
  if (!series.some((x) => x.points.some((p) => p.v !== null)))
    return h('div', { 'data-part': kind }, head, empty(kind, 'No sample in this period yet (one is taken every minute by default).'));
  return h(
    'div',
    { 'data-part': kind },
    head,
    lineChart({ label: `${title}, ${series.map((x) => x.label).join(' and ')}`, ...window, series, unit }),
    legend(series.map((x) => ({ name: x.name, cls: x.cls, text: x.label }))),
  );
}

function render(r, range) {
  const buckets = r.buckets.map((b) => ({ from: Date.parse(b.from), counts: b.counts }));
  const ticks = buckets.filter((_, i) => i % range.tickEvery === 0).map((b) => ({ at: b.from, text: new Date(b.from).toLocaleString([], range.tick) }));
  const points = (key) => r.samples.map((x) => ({ t: Date.parse(x.at), v: x[key] }));
  // Two missed samples in a row break a line: the daemon was not running there.
  const window = { from: Date.parse(r.from), to: Date.parse(r.to), ticks, maxGap: 2.5 * r.step_s * 1000 };
  return [
    decisionsPart(r, buckets, ticks, range),
    linesPart(
      'rates',
      'Camera and analysis',
      [
        { name: 'camera_fps', label: 'camera fps', cls: 'line-a', points: points('camera_fps') },
        { name: 'analysis_fps', label: 'frames analysed per second', cls: 'line-b', points: points('analysis_fps') },
      ],
      'fps',
      window,
    ),
    linesPart(
      'temperature',
      'Board temperature',
      [{ name: 'temperature_c', label: 'temperature °C', cls: 'line-c', points: points('temperature_c') }],
      '°C',
      window,
    ),
  ];
}

/** The card, loaded at once and again on each change of range or a refresh. */
export function dashboardCharts() {
  const select = h(
    'select',
    { name: 'range' },
    RANGES.map((x) => h('option', { value: x.value }, x.text)),
  );
  const refresh = h('button', { type: 'button', class: 'secondary' }, 'Refresh');
  const body = h('div', { class: 'activity-body' }, h('p', { class: 'muted' }, 'Loading…'));
  const err = errorLine();
  const card = h(
    'section',
    { class: 'card activity', id: 'activity' },
    h('h2', {}, 'Activity'),
    h('div', { class: 'controls' }, h('label', {}, 'Period ', select), refresh),
    body,
    err,
  );
  const load = async () => {
    card.removeAttribute('data-loaded');
    const range = RANGES.find((x) => x.value === select.value) ?? RANGES[0];
    const r = await get(`/api/dashboard?range=${range.value}`);
    body.replaceChildren(...render(r, range));
    card.setAttribute('data-loaded', r.range);
  };
  select.addEventListener('change', () => guarded(null, err, load));
  refresh.addEventListener('click', () => guarded(refresh, err, load));
  void guarded(null, err, load);
  return card;
}
