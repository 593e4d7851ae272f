// Verification metrics over scored pairs: k-fold accuracy, EER, TAR at a FAR, FAR thresholds.

export interface ScoredPair {
  fold: string;
  same: boolean;
  /** Cosine similarity; -Infinity when either image gave no embedding (counts as "different"). */
  score: number;
}

function accuracyAt(pairs: readonly ScoredPair[], t: number): number {
  if (pairs.length === 0) return 0;
  let ok = 0;
  for (const p of pairs) if (p.score >= t === p.same) ok++;
  return ok / pairs.length;
}

/** The threshold with the best accuracy on `pairs` (midpoint between neighbouring scores). */
export function bestThreshold(pairs: readonly ScoredPair[]): number {
  const scores = [...new Set(pairs.map((p) => p.score).filter(Number.isFinite))].sort((a, b) => a - b);
  if (scores.length === 0) return 0;
  const candidates = [scores[0]! - 1e-6, ...scores.slice(1).map((s, i) => (s + scores[i]!) / 2), scores[scores.length - 1]! + 1e-6];
  let best = candidates[0]!,
    bestAcc = -1;
  for (const t of candidates) {
    const acc = accuracyAt(pairs, t);
    if (acc > bestAcc) {
      bestAcc = acc;
      best = t;
    }
  }
  return best;
}

/**
 * Cross-validated accuracy: each fold is scored with the threshold chosen on the other folds
 * (LFW's protocol). With a single fold, the threshold is chosen on that fold (optimistic; said so).
 */
export function crossValidated(pairs: readonly ScoredPair[]): { accuracy: number; std: number; threshold: number; folds: number; optimistic: boolean } {
  const folds = [...new Set(pairs.map((p) => p.fold))].sort();
  if (folds.length < 2) {
    const t = bestThreshold(pairs);
    return { accuracy: accuracyAt(pairs, t), std: 0, threshold: t, folds: folds.length, optimistic: true };
  }
  const accs: number[] = [];
  const ts: number[] = [];
  for (const f of folds) {
    const t = bestThreshold(pairs.filter((p) => p.fold !== f));
    ts.push(t);
    accs.push(
      accuracyAt(
        pairs.filter((p) => p.fold === f),
        t,
      ),
    );
  }
  const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
  const std = Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / accs.length);
  return { accuracy: mean, std, threshold: ts.reduce((a, b) => a + b, 0) / ts.length, folds: folds.length, optimistic: false };
}

/** Equal error rate: where the false-accept and false-reject rates cross. */
export function equalErrorRate(genuine: readonly number[], impostor: readonly number[]): number {
  const g = [...genuine].sort((a, b) => a - b);
  const im = [...impostor].sort((a, b) => a - b);
  if (g.length === 0 || im.length === 0) return NaN;
  let best = 1,
    bestGap = Infinity;
  for (const t of [...new Set([...g, ...im])].filter(Number.isFinite)) {
    const frr = lowerCount(g, t) / g.length; // genuine below t are rejected
    const far = (im.length - lowerCount(im, t)) / im.length; // impostors at or above t are accepted
    const gap = Math.abs(far - frr);
    if (gap < bestGap) {
      bestGap = gap;
      best = (far + frr) / 2;
    }
  }
  return best;
}

/** How many of the sorted values are < t. */
function lowerCount(sorted: readonly number[], t: number): number {
  let lo = 0,
    hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The lowest threshold at which at most `far` of the impostor scores are accepted (score >= t). */
export function thresholdAtFar(impostor: readonly number[], far: number): number {
  const im = impostor.filter(Number.isFinite).sort((a, b) => b - a);
  const allowed = Math.floor(far * impostor.length);
  // Accepting the top `allowed` impostors at most: put the threshold just above the next one.
  const next = im[allowed];
  return next === undefined ? -1 : next + 1e-6;
}

export function tarAtFar(genuine: readonly number[], impostor: readonly number[], far: number): { tar: number; threshold: number } {
  const t = thresholdAtFar(impostor, far);
  const accepted = genuine.filter((s) => s >= t).length;
  return { tar: genuine.length ? accepted / genuine.length : NaN, threshold: t };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
