// Where the security levels put the PAD threshold, from scores of presentations the model did not
// learn from (subject-disjoint out-of-fold scores). Where the attacks and the live faces do not
// overlap, the threshold sits in the gap between the highest attack and the live face at BPCER 1 %
// (in log-odds): a quarter of the way up for convenience, halfway for balanced, three quarters for
// strict. A threshold at the edge of the training live scores (the old "BPCER 2 %" rule) is where
// live faces of other people and cameras fall below it; the middle of the gap keeps a margin on
// both sides. Where they overlap, the levels fall back to BPCER 1 / 2 / 5 % of the pool.
import { logit, sigmoid, type PadSecurityLevel } from './model.ts';
import { thresholdForBpcer, type Scored } from './rates.ts';

export const GAP_POSITION: Record<PadSecurityLevel, number> = { convenience: 0.25, balanced: 0.5, strict: 0.75 };
const OVERLAP_BPCER: Record<PadSecurityLevel, number> = { convenience: 0.01, balanced: 0.02, strict: 0.05 };

export interface LevelRule {
  rule: 'gap' | 'bpcer';
  thresholds: Record<PadSecurityLevel, number>;
  /** Log-odds of the highest attack and of the live face at BPCER 1 %. */
  attackEdge: number;
  liveEdge: number;
}

export function levelThresholds(scores: readonly Scored[]): LevelRule {
  const attacks = scores.filter((s) => !s.live).map((s) => logit(s.score));
  const live = scores
    .filter((s) => s.live)
    .map((s) => logit(s.score))
    .sort((a, b) => a - b);
  const attackEdge = attacks.length > 0 ? Math.max(...attacks) : -Infinity;
  const liveEdge = live[Math.floor(0.01 * live.length)] ?? Infinity;
  const levels = Object.keys(GAP_POSITION) as PadSecurityLevel[];
  if (Number.isFinite(attackEdge) && Number.isFinite(liveEdge) && liveEdge > attackEdge) {
    const thresholds = Object.fromEntries(levels.map((l) => [l, sigmoid(attackEdge + GAP_POSITION[l] * (liveEdge - attackEdge))])) as Record<
      PadSecurityLevel,
      number
    >;
    return { rule: 'gap', thresholds, attackEdge, liveEdge };
  }
  const thresholds = Object.fromEntries(levels.map((l) => [l, thresholdForBpcer(scores, OVERLAP_BPCER[l]).threshold])) as Record<PadSecurityLevel, number>;
  return { rule: 'bpcer', thresholds, attackEdge, liveEdge };
}
