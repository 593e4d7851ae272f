// The dashboard's charts as hand-written SVG, with histogram.js's helpers: stacked bars of counts
// per time bucket and lines of sampled figures. uPlot (the small library that would fit) draws on
// a canvas and would have to be vendored and kept up to date; here a few dozen rects and
// polylines are DOM elements whose titles a pointer or a screen reader can read and a test can
// check, in about 120 lines that ship with the panel.
import { bar, round, s } from './histogram.js';

const W = 640;
const H = 180;
const LEFT = 38;
const RIGHT = 10;
const TOP = 12;
const BOTTOM = 22;
const PLOT_W = W - LEFT - RIGHT;
const PLOT_H = H - TOP - BOTTOM;
const BASE = TOP + PLOT_H;

/** x of an instant in [from, to]. */
const xOf = (t, from, to) => round(LEFT + ((t - from) / (to - from)) * PLOT_W);

/** The frame both charts share: the base line, the y labels and the time ticks under the plot. */
function frame(label, yTicks, ticks, from, to) {
  return [
    s('title', {}, label),
    s('line', { class: 'axis', x1: LEFT, x2: W - RIGHT, y1: BASE, y2: BASE }),
    yTicks.map(({ y, text }) => [
      s('line', { class: 'grid-line', x1: LEFT, x2: W - RIGHT, y1: y, y2: y }),
      s('text', { class: 'tick', x: LEFT - 4, y: y + 3, 'text-anchor': 'end' }, text),
    ]),
    ticks.map(({ at, text }) => [
      s('line', { class: 'axis', x1: xOf(at, from, to), x2: xOf(at, from, to), y1: BASE, y2: BASE + 4 }),
      s('text', { class: 'tick', x: xOf(at, from, to), y: H - 5, 'text-anchor': 'middle' }, text),
    ]),
  ];
}

/**
 * `buckets`: [{ from (ms), counts: { <outcome>: n } }] of `bucketMs` each; `outcomes`: [{ name,
 * label, cls }] in stacking order, bottom first. Each non-zero count is a rect.bar with
 * data-outcome, data-bucket and data-count, titled with its count and time.
 */
export function stackedBars({ label, buckets, bucketMs, outcomes, ticks, timeText }) {
  const from = buckets[0].from;
  const to = buckets[buckets.length - 1].from + bucketMs;
  const total = (b) => outcomes.reduce((n, o) => n + b.counts[o.name], 0);
  const max = Math.max(1, ...buckets.map(total));
  const slot = PLOT_W / buckets.length;
  const bars = buckets.flatMap((b, i) => {
    let y = BASE;
    return outcomes.map((o) => {
      const count = b.counts[o.name];
      if (count === 0) return null;
      const height = (count / max) * PLOT_H;
      y -= height;
      return bar(
        o.cls,
        { outcome: o.name, bucket: i, count },
        { x: LEFT + i * slot + 1, y, width: Math.max(1, slot - 2), height: Math.max(0.5, height) },
        `${o.label}: ${count}, ${timeText(b.from)}–${timeText(b.from + bucketMs)}`,
      );
    });
  });
  const yTicks = [
    { y: BASE, text: 0 },
    { y: TOP, text: max },
  ];
  return s('svg', { class: 'chart bars', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label }, frame(label, yTicks, ticks, from, to), bars);
}

/** Runs of consecutive points with a value, broken where a value is missing or samples are more than `maxGap` apart. */
function runs(points, maxGap) {
  const out = [];
  let run = [];
  let last = null;
  for (const p of points) {
    if (p.v === null || (last !== null && p.t - last > maxGap)) {
      if (run.length) out.push(run);
      run = [];
    }
    if (p.v !== null) run.push(p);
    last = p.t;
  }
  if (run.length) out.push(run);
  return out;
}

/**
 * `series`: [{ name, label, cls, points: [{ t (ms), v (number or null) }] }] over [from, to]. Each
 * run of values is a polyline.line with data-series and data-points (how many points it joins);
 * a lone point is also a circle so that it shows.
 */
export function lineChart({ label, from, to, series, unit, ticks, maxGap, digits = 1 }) {
  const values = series.flatMap((x) => x.points.map((p) => p.v)).filter((v) => v !== null);
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  // A flat line sits in the middle of a band one unit either side of its value.
  if (hi - lo < 1e-9) [lo, hi] = [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.1;
  [lo, hi] = [lo - pad, hi + pad];
  const yOf = (v) => round(BASE - ((v - lo) / (hi - lo)) * PLOT_H);
  const lines = series.flatMap((x) =>
    runs(x.points, maxGap).map((run) => {
      const points = run.map((p) => `${xOf(p.t, from, to)},${yOf(p.v)}`).join(' ');
      const last = run[run.length - 1];
      return s(
        'g',
        { class: x.cls },
        s(
          'polyline',
          { class: 'line', 'data-series': x.name, 'data-points': run.length, points },
          s('title', {}, `${x.label}: latest ${last.v.toFixed(digits)} ${unit}`),
        ),
        run.length === 1 ? s('circle', { class: 'dot', cx: xOf(last.t, from, to), cy: yOf(last.v), r: 2.5 }) : null,
      );
    }),
  );
  const yTicks = [
    { y: yOf(hi - pad), text: (hi - pad).toFixed(digits) },
    { y: yOf(lo + pad), text: (lo + pad).toFixed(digits) },
  ];
  return s('svg', { class: 'chart lines', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label }, frame(label, yTicks, ticks, from, to), lines);
}
