// ISO/IEC 30107-3 error rates for a liveness score (higher = more live).
// APCER: share of attack presentations accepted as live (score >= threshold).
// BPCER: share of bona fide (live) presentations rejected (score < threshold).

export interface Scored {
  score: number;
  live: boolean;
}

export interface PadRates {
  apcer: number;
  bpcer: number;
  acer: number;
  threshold: number;
}

export function ratesAt(items: readonly Scored[], threshold: number): PadRates {
  let attacks = 0;
  let attacksAccepted = 0;
  let bona = 0;
  let bonaRejected = 0;
  for (const { score, live } of items) {
    if (live) {
      bona++;
      if (!(score >= threshold)) bonaRejected++;
    } else {
      attacks++;
      if (score >= threshold) attacksAccepted++;
    }
  }
  const apcer = attacks > 0 ? attacksAccepted / attacks : 0;
  const bpcer = bona > 0 ? bonaRejected / bona : 0;
  return { apcer, bpcer, acer: (apcer + bpcer) / 2, threshold };
}

/** Candidate thresholds: every distinct score, plus one above the highest. */
function candidates(items: readonly Scored[]): number[] {
  const s = [...new Set(items.map((i) => i.score))].sort((a, b) => a - b);
  const top = s.length > 0 ? (s[s.length - 1] ?? 0) : 0;
  return [...s, top + 1e-6];
}

/**
 * The strictest threshold (fewest attacks accepted) whose BPCER stays at or under `maxBpcer`:
 * the operating point "APCER at BPCER = x" that the target is stated in.
 */
export function thresholdForBpcer(items: readonly Scored[], maxBpcer: number): PadRates {
  let best: PadRates | null = null;
  for (const t of candidates(items)) {
    const r = ratesAt(items, t);
    if (r.bpcer <= maxBpcer + 1e-12 && (best === null || t > best.threshold)) best = r;
  }
  return best ?? ratesAt(items, Number.NEGATIVE_INFINITY);
}

/** The threshold where APCER and BPCER are closest (equal error rate), ties to the lower ACER. */
export function equalErrorPoint(items: readonly Scored[]): PadRates {
  let best: PadRates | null = null;
  let bestGap = Infinity;
  for (const t of candidates(items)) {
    const r = ratesAt(items, t);
    const gap = Math.abs(r.apcer - r.bpcer);
    if (gap < bestGap - 1e-12 || (Math.abs(gap - bestGap) <= 1e-12 && best !== null && r.acer < best.acer)) {
      best = r;
      bestGap = gap;
    }
  }
  return best ?? ratesAt(items, 0.5);
}
