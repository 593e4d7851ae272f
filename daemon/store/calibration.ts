/**
 * The calibration report of one door: how the scores of its recent face decisions sit against the
 * thresholds now in force. Built from numbers and counts only; the subject of an event is never read.
 */

/** The face decisions the report counts. */
export const DECISION_TYPES = ['access_granted', 'access_denied', 'unknown_face', 'spoof_suspected'] as const;

/** One face decision as the report sees it: its outcome and two numbers, nothing about who. */
export interface DecisionScores {
  type: (typeof DECISION_TYPES)[number];
  score: number | null;
  liveness: number | null;
}

export interface CalibrationThresholds {
  /** The match threshold for everyone without their own (identity's level threshold). */
  match: number;
  /** The security level it comes from; null when identity.match_threshold overrides the levels. */
  level: string | null;
  /** Every level's match threshold, least strict first: what a stricter level would ask. */
  levels: { level: string; threshold: number }[];
  /** The PAD score a face needs to count as live (access.liveness_min). */
  pad: number;
}

/** Scores in [0, 1] counted in BINS equal bins; a score below 0 counts in the first, 1 in the last. */
export const BINS = 20;

/**
 * The margin rule: a stranger within MARGIN under the match threshold (or a PAD score within MARGIN
 * of the PAD threshold) is too close. 0.05 is under the step between adjacent security levels
 * (0.07 for the default embedder, docs/admin.md): one such face already eats most of a level.
 */
export const MARGIN = 0.05;

export interface Histogram {
  count: number;
  /** BINS counts, bin i holding scores in [i/BINS, (i+1)/BINS). */
  bins: number[];
}

export interface Verdict {
  /** ok: margin kept; close: within MARGIN; crossed: on the wrong side of the threshold; none: nothing to judge. */
  status: 'ok' | 'close' | 'crossed' | 'none';
  text: string;
}

export interface CalibrationReport {
  door: string;
  days: number;
  from: string;
  to: string;
  match: {
    threshold: number;
    level: string | null;
    granted: Histogram & { lowest: number | null };
    unknown: Histogram & { highest: number | null };
    verdict: Verdict;
  };
  pad: {
    threshold: number;
    live: Histogram & { lowest: number | null };
    spoof: Histogram & { highest: number | null };
    verdict: Verdict;
  };
}

export const finite = (x: number | null): x is number => typeof x === 'number' && Number.isFinite(x);
const two = (x: number): string => x.toFixed(2);
export const round3 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1000) / 1000);

export function histogram(values: number[]): Histogram {
  const bins = new Array<number>(BINS).fill(0);
  // The epsilon keeps 0.35 (0.35 * 20 = 6.9999…) in the bin that starts at 0.35.
  for (const v of values) bins[Math.min(BINS - 1, Math.max(0, Math.floor(v * BINS + 1e-9)))]! += 1;
  return { count: values.length, bins };
}

// A loop, not Math.max(...values): a busy door's months of passages exceed the argument limit.
export const lowestOf = (values: number[]): number | null => values.reduce<number | null>((m, v) => (m === null || v < m ? v : m), null);
const highestOf = (values: number[]): number | null => values.reduce<number | null>((m, v) => (m === null || v > m ? v : m), null);
const inLast = (days: number): string => (days === 1 ? 'the last day' : `the last ${days} days`);

/** The advice for a stranger at `highest`: the first stricter level that keeps MARGIN, else the strictest. */
function stricter(t: CalibrationThresholds, highest: number, granted: number[]): string {
  const at = t.levels.findIndex((l) => l.level === t.level);
  const candidates = at < 0 ? [] : t.levels.slice(at + 1);
  const next = candidates.find((l) => l.threshold - highest >= MARGIN) ?? candidates[candidates.length - 1];
  if (!next) return 'consider a higher identity.match_threshold';
  const below = granted.filter((s) => s < next.threshold).length;
  const cost = below > 0 ? ` (${below} of ${granted.length} granted passages scored under its ${two(next.threshold)})` : '';
  return `consider a stricter security level: ${next.level}${cost}`;
}

function matchVerdict(granted: number[], unknown: number[], t: CalibrationThresholds, days: number): Verdict {
  const highest = highestOf(unknown);
  if (highest === null)
    return { status: 'none', text: `no unknown face at this door in ${inLast(days)}: nothing to judge the threshold ${two(t.match)} by yet` };
  const gap = t.match - highest;
  if (gap <= 0)
    return {
      status: 'crossed',
      text: `a stranger scored ${two(highest)}, at or over the threshold ${two(t.match)} (refused only by another rule): ${stricter(t, highest, granted)}`,
    };
  if (gap < MARGIN) return { status: 'close', text: `a stranger came within ${two(gap)} of the threshold ${two(t.match)}: ${stricter(t, highest, granted)}` };
  return { status: 'ok', text: `the closest stranger scored ${two(highest)}, threshold ${two(t.match)}: margin ok` };
}

function padVerdict(live: number[], spoof: number[], pad: number, days: number): Verdict {
  const lowest = lowestOf(live);
  const highest = highestOf(spoof);
  if (lowest === null && highest === null) return { status: 'none', text: `no face was judged for liveness at this door in ${inLast(days)}` };
  // Scores decided under another PAD setting (before a restart) may sit on the wrong side of today's threshold.
  if ((lowest !== null && lowest < pad) || (highest !== null && highest >= pad))
    return { status: 'crossed', text: `some faces were decided under another PAD setting: their scores cross today's PAD threshold ${two(pad)}` };
  if (highest !== null && pad - highest < MARGIN)
    return {
      status: 'close',
      text: `a face refused as a spoof came within ${two(pad - highest)} of the PAD threshold ${two(pad)}: an attack nearly passed, or a person was narrowly refused; run the PAD self-test`,
    };
  if (lowest !== null && lowest - pad < MARGIN)
    return {
      status: 'close',
      text: `a live face passed within ${two(lowest - pad)} of the PAD threshold ${two(pad)}: people may soon be refused as spoofs; check the light and run the PAD self-test`,
    };
  const parts = [
    highest !== null ? `the highest suspected spoof scored ${two(highest)}` : null,
    lowest !== null ? `the lowest live face ${two(lowest)}` : null,
  ];
  return { status: 'ok', text: `${parts.filter(Boolean).join(' and ')}, PAD threshold ${two(pad)}: margin ok` };
}

/**
 * Granted passages and unknown faces give the match side (an unknown face's score is its best
 * match in the gallery); every face that passed the PAD check (granted, unknown or denied later)
 * and every suspected spoof give the PAD side. Lockouts carry no scores and count nowhere.
 */
export function calibrationReport(
  rows: DecisionScores[],
  t: CalibrationThresholds,
  window: { door: string; days: number; from: string; to: string },
): CalibrationReport {
  const granted = rows.filter((r) => r.type === 'access_granted' && finite(r.score)).map((r) => r.score as number);
  const unknown = rows.filter((r) => r.type === 'unknown_face' && finite(r.score)).map((r) => r.score as number);
  const live = rows.filter((r) => r.type !== 'spoof_suspected' && finite(r.liveness)).map((r) => r.liveness as number);
  const spoof = rows.filter((r) => r.type === 'spoof_suspected' && finite(r.liveness)).map((r) => r.liveness as number);
  return {
    ...window,
    match: {
      threshold: t.match,
      level: t.level,
      granted: { ...histogram(granted), lowest: round3(lowestOf(granted)) },
      unknown: { ...histogram(unknown), highest: round3(highestOf(unknown)) },
      verdict: matchVerdict(granted, unknown, t, window.days),
    },
    pad: {
      threshold: t.pad,
      live: { ...histogram(live), lowest: round3(lowestOf(live)) },
      spoof: { ...histogram(spoof), highest: round3(highestOf(spoof)) },
      verdict: padVerdict(live, spoof, t.pad, window.days),
    },
  };
}
