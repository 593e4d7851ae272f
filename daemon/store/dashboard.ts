/**
 * The dashboard: the door decisions of the last day or week counted by outcome in time buckets,
 * beside the board's sampled figures. Built from event types, reasons and times only: the subject
 * of an event is never read.
 */
import type { MetricSample } from './metric-samples.ts';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/**
 * Each range: its decision buckets (hourly over a day; 6-hourly over a week, which keeps 28 bars
 * readable and spares the panel from choosing whose midnight a daily bar starts at) and the step
 * its samples are averaged over (about 300 points a line either way).
 */
export const RANGES = {
  '24h': { bucketMs: HOUR_MS, buckets: 24, stepMs: 5 * MINUTE_MS },
  '7d': { bucketMs: 6 * HOUR_MS, buckets: 28, stepMs: 30 * MINUTE_MS },
} as const;
export type DashboardRange = keyof typeof RANGES;

/** Outcomes in the order the bars stack. A denial of an enrolled person outside their schedule or validity window is `schedule`. */
export const OUTCOMES = ['granted', 'unknown', 'spoof_suspected', 'schedule', 'lockout', 'other_denied'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The event types that are door decisions (access.ts raises exactly one per decision). */
export const DECISION_EVENT_TYPES = ['access_granted', 'unknown_face', 'spoof_suspected', 'access_denied'] as const;

/** One decision as the dashboard sees it: when, its event type and the access reason. */
export interface DecisionOutcome {
  ts: string;
  type: string;
  reason: string | null;
}

const SCHEDULE_REASONS = new Set(['outside_schedule', 'expired', 'not_yet_valid']);

/** The outcome a decision counts under; access_denied's other reasons (disabled, lockdown, liveness not judged…) are other_denied. */
export function outcomeOf(d: Pick<DecisionOutcome, 'type' | 'reason'>): Outcome {
  if (d.type === 'access_granted') return 'granted';
  if (d.type === 'unknown_face') return 'unknown';
  if (d.type === 'spoof_suspected') return 'spoof_suspected';
  if (d.reason === 'lockout') return 'lockout';
  if (d.reason !== null && SCHEDULE_REASONS.has(d.reason)) return 'schedule';
  return 'other_denied';
}

export type OutcomeCounts = Record<Outcome, number>;

export interface DecisionBucket {
  /** Epoch ms: the bucket is [from, from + bucketMs). */
  from: number;
  counts: OutcomeCounts;
}

export interface DashboardReport {
  range: DashboardRange;
  /** Epoch ms: the report covers [from, to); `to` is the end of the bucket holding now. */
  from: number;
  to: number;
  bucketMs: number;
  stepMs: number;
  buckets: DecisionBucket[];
  totals: OutcomeCounts;
  samples: MetricSample[];
}

const zero = (): OutcomeCounts => Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as OutcomeCounts;

/** The window of a range at `now`: whole buckets, aligned to bucket boundaries (UTC), the last one holding now. */
export function rangeWindow(range: DashboardRange, now: number): { from: number; to: number } {
  const { bucketMs, buckets } = RANGES[range];
  const to = (Math.floor(now / bucketMs) + 1) * bucketMs;
  return { from: to - buckets * bucketMs, to };
}

/** Counts decisions into the range's buckets; one outside [from, to) is not counted. */
export function decisionBuckets(rows: DecisionOutcome[], range: DashboardRange, window: { from: number; to: number }): DecisionBucket[] {
  const { bucketMs, buckets } = RANGES[range];
  const out = Array.from({ length: buckets }, (_, i) => ({ from: window.from + i * bucketMs, counts: zero() }));
  for (const row of rows) {
    const at = Date.parse(row.ts);
    if (!(at >= window.from && at < window.to)) continue;
    out[Math.floor((at - window.from) / bucketMs)]!.counts[outcomeOf(row)] += 1;
  }
  return out;
}

/** The report from the decisions and samples read for `window` (see EventStore.dashboard). */
export function dashboardReport(
  range: DashboardRange,
  window: { from: number; to: number },
  rows: DecisionOutcome[],
  samples: MetricSample[],
): DashboardReport {
  const buckets = decisionBuckets(rows, range, window);
  const totals = zero();
  for (const b of buckets) for (const o of OUTCOMES) totals[o] += b.counts[o];
  return { range, ...window, bucketMs: RANGES[range].bucketMs, stepMs: RANGES[range].stepMs, buckets, totals, samples };
}

/** Where the dashboard reads from: EventStore and MetricSamples on one connection. */
export interface DashboardSources {
  events: { decisionOutcomes(from: string, to: string): DecisionOutcome[] };
  samples: { averaged(from: number, to: number, stepMs: number): MetricSample[] };
}

/** The dashboard of `range` at `now`, read from the store. */
export function readDashboard({ events, samples }: DashboardSources, range: DashboardRange, now: number = Date.now()): DashboardReport {
  const window = rangeWindow(range, now);
  const rows = events.decisionOutcomes(new Date(window.from).toISOString(), new Date(window.to).toISOString());
  return dashboardReport(range, window, rows, samples.averaged(window.from, window.to, RANGES[range].stepMs));
}
