/* global Node */
// A histogram of two series with a threshold line, as hand-written SVG: a few rects, a line and
// some text do not need a charting library to ship, audit and keep up to date. s() and round()
// are the panel's SVG helpers (charts.js draws the dashboard with them).

const NS = 'http://www.w3.org/2000/svg';
const W = 320;
const H = 140;
const LEFT = 26;
const RIGHT = 12;
const TOP = 18;
const BOTTOM = 18;

/** Like dom.js's h(), in the SVG namespace (document.createElement would make unknown HTML elements). */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

export const round = (x) => Math.round(x * 10) / 10;

/** One bar: a rect.bar of class `cls` at the box (rounded to 0.1), with data-* attributes and a title. */
export function bar(cls, data, box, title) {
  const attrs = Object.fromEntries(Object.entries(data).map(([k, v]) => [`data-${k}`, v]));
  const rounded = Object.fromEntries(Object.entries(box).map(([k, v]) => [k, round(v)]));
  return s('rect', { class: `bar ${cls}`, ...attrs, ...rounded }, s('title', {}, title));
}

/** The default axis: scores over [0, 1]. `range` words what a bar from..to holds. */
export const SCORE_AXIS = {
  max: 1,
  ticks: [0, 0.2, 0.4, 0.6, 0.8, 1],
  tick: (v) => v.toFixed(1),
  range: (from, to) => `scored ${from.toFixed(2)}–${to.toFixed(2)}`,
};

/**
 * `series`: [{ name, label, cls, bins }] with bins over [0, axis.max]; each bin shows the series
 * side by side. Bars carry data-series, data-bin and data-count; the threshold line (drawn when a
 * threshold is given) data-threshold.
 */
export function histogram({ label, threshold = null, thresholdLabel, series, axis = SCORE_AXIS }) {
  const n = series[0].bins.length;
  const max = Math.max(1, ...series.flatMap((x) => x.bins));
  const plotW = W - LEFT - RIGHT;
  const plotH = H - TOP - BOTTOM;
  const base = TOP + plotH;
  const at = (v) => round(LEFT + Math.min(1, Math.max(0, v / axis.max)) * plotW);
  const slot = plotW / n / series.length;
  const bars = series.flatMap((ser, k) =>
    ser.bins.map((count, i) => {
      if (count === 0) return null;
      const height = Math.max(1, (count / max) * plotH);
      return bar(
        ser.cls,
        { series: ser.name, bin: i, count },
        { x: LEFT + (i * series.length + k) * slot + 0.5, y: base - height, width: slot - 1, height },
        `${ser.label}: ${count} ${axis.range((i / n) * axis.max, ((i + 1) / n) * axis.max)}`,
      );
    }),
  );
  const tick = (v) => [
    s('line', { class: 'axis', x1: at(v), x2: at(v), y1: base, y2: base + 4 }),
    s('text', { class: 'tick', x: at(v), y: H - 3, 'text-anchor': 'middle' }, axis.tick(v)),
  ];
  return s(
    'svg',
    { class: 'histogram', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label },
    s('title', {}, label),
    s('line', { class: 'axis', x1: LEFT, x2: W - RIGHT, y1: base, y2: base }),
    s('text', { class: 'tick', x: LEFT - 4, y: TOP + 4, 'text-anchor': 'end' }, max),
    s('text', { class: 'tick', x: LEFT - 4, y: base, 'text-anchor': 'end' }, 0),
    axis.ticks.flatMap(tick),
    bars,
    threshold === null
      ? null
      : [
          s('line', { class: 'threshold', 'data-threshold': threshold, x1: at(threshold), x2: at(threshold), y1: TOP - 4, y2: base }),
          s(
            'text',
            { class: 'threshold-label', x: at(threshold), y: TOP - 7, 'text-anchor': threshold / axis.max > 0.7 ? 'end' : 'middle' },
            `${thresholdLabel} ${threshold.toFixed(2)}`,
          ),
        ],
  );
}
