/**
 * One person's figures over a period, from their own face decisions (the events of their
 * pseudonym): how often they were let in, how long that took, when they were last refused and
 * why, and whether their scores sit so close to the threshold that their enrollment needs a
 * better photo. Lockouts and unknown faces carry no subject, so they never count here.
 */
import { BINS, finite, histogram, lowestOf, round3, type Histogram, type Verdict } from './calibration.ts';

/** The decisions that can carry a subject (an unknown face has none). */
export const PERSON_DECISION_TYPES = ['access_granted', 'access_denied', 'spoof_suspected'] as const;

/** One of the person's face decisions as the figures see it. */
export interface PersonDecision {
  ts: string;
  type: (typeof PERSON_DECISION_TYPES)[number];
  score: number | null;
  reason: string | null;
  /** First sight to decision (access.ts); null for events stored before it was recorded. */
  decision_ms: number | null;
}

/**
 * A median margin over the threshold under CLOSE_MEDIAN: half of the person's passages scored
 * within 0.1 of it, so one step to a stricter level (0.07 for the default embedder) or a worse day
 * (light, glasses, a hat) refuses many of them. A sharper photo lifts the scores.
 */
export const CLOSE_MEDIAN = 0.1;

/** Decision times are counted in BINS bins of DECISION_BIN_MS; a slower one counts in the last. */
export const DECISION_BIN_MS = 100;

/** What a refusal reason means, in the words the person page shows. */
export const REFUSAL_WORDS: Record<string, string> = {
  spoof_suspected: 'suspected spoof: the liveness check took the face for a photo, a screen or a mask',
  liveness_unknown: 'liveness could not be judged (the face was too small, turned or badly lit)',
  outside_schedule: 'outside their schedule',
  not_yet_valid: 'before their access starts (validity window)',
  expired: 'after their access ended (validity window)',
  disabled: 'their access is disabled',
  quality: 'the face was not clear enough to decide',
  lockdown: 'the door was in lockdown',
};

export interface PersonStats {
  days: number;
  from: string;
  to: string;
  /** The match threshold that applies to them now (their own, or the security level's). */
  threshold: number;
  grants: { count: number };
  /** Of granted passages, first sight to unlock, in ms; null while none recorded one. */
  decision_ms: { count: number; p50: number | null; p90: number | null; max: number | null; bin_ms: number; bins: number[] };
  refusals: {
    count: number;
    /** Each reason with its count, most frequent first. */
    reasons: { reason: string; count: number }[];
    last: { ts: string; reason: string; text: string } | null;
  };
  /** Match scores of their granted passages and of their refusals that carried one, over [0, 1]. */
  scores: {
    granted: Histogram;
    refused: Histogram;
    /** Median of (granted score − threshold now), rounded to 3 places. */
    median_margin: number | null;
    lowest: number | null;
  };
  /** ok, close (scores near the threshold: enrollment likely poor), crossed (under today's threshold) or none (no passage to judge). */
  enrollment: Verdict;
}

/** The value at quantile q (nearest rank) of ascending `sorted`. */
function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

function median(sorted: number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const ascending = (values: number[]): number[] => [...values].sort((a, b) => a - b);

export const refusalText = (reason: string): string => REFUSAL_WORDS[reason] ?? reason.replaceAll('_', ' ');

function enrollmentVerdict(margin: number | null, threshold: number, refusals: number): Verdict {
  if (margin === null) {
    const why = refusals > 0 ? 'only refusals in this period' : 'no passage in this period';
    return { status: 'none', text: `${why}: nothing to judge their enrollment by yet` };
  }
  const m = Math.abs(margin).toFixed(2);
  // Passages granted under an easier threshold (before a change) can sit under today's.
  if (margin < 0)
    return {
      status: 'crossed',
      text: `scores under today's threshold (median ${m} below ${threshold.toFixed(2)}): they would be refused now; add a sharper photo`,
    };
  if (margin < CLOSE_MEDIAN)
    return {
      status: 'close',
      text: `scores close to the threshold (median ${m} above ${threshold.toFixed(2)}): add a sharper photo, taken facing the camera in good light`,
    };
  return { status: 'ok', text: `scores well above the threshold (median ${m} above ${threshold.toFixed(2)}): enrollment ok` };
}

/** The figures from the person's decisions of the period (any order). */
export function personStats(rows: PersonDecision[], threshold: number, window: { days: number; from: string; to: string }): PersonStats {
  const grants = rows.filter((r) => r.type === 'access_granted');
  const refusals = rows.filter((r) => r.type !== 'access_granted').sort((a, b) => a.ts.localeCompare(b.ts));
  const grantScores = grants.map((r) => r.score).filter(finite);
  const times = ascending(grants.map((r) => r.decision_ms).filter(finite));
  const reasons = refusals.map((r) => r.reason ?? 'unknown');
  const counts = new Map<string, number>();
  for (const reason of reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  const last = refusals[refusals.length - 1];
  const lastReason = reasons[reasons.length - 1] ?? 'unknown';
  const margin = median(ascending(grantScores.map((s) => s - threshold)));
  const p50 = median(times);
  return {
    ...window,
    threshold,
    grants: { count: grants.length },
    decision_ms: {
      count: times.length,
      p50: p50 === null ? null : Math.round(p50),
      p90: quantile(times, 0.9),
      max: times[times.length - 1] ?? null,
      bin_ms: DECISION_BIN_MS,
      bins: histogram(times.map((t) => t / (DECISION_BIN_MS * BINS))).bins,
    },
    refusals: {
      count: refusals.length,
      reasons: [...counts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
      last: last ? { ts: last.ts, reason: lastReason, text: refusalText(lastReason) } : null,
    },
    scores: {
      granted: histogram(grantScores),
      refused: histogram(refusals.map((r) => r.score).filter(finite)),
      median_margin: round3(margin),
      lowest: round3(lowestOf(grantScores)),
    },
    enrollment: enrollmentVerdict(margin, threshold, refusals.length),
  };
}
