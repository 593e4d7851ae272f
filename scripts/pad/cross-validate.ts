// Subject-disjoint cross-validation for PAD: each fold holds out one subject's frames (live and
// spoof) and trains on the others, so the figures are for people the model has never seen.
// The per-fold threshold is chosen without the held-out subject (an inner leave-one-subject-out
// on the training subjects), which is how a shipped model meets a new person.
import { equalErrorPoint, fitLogistic, predictLogistic, ratesAt, thresholdForBpcer } from '../../daemon/vision/pad/index.ts';
import type { FitOptions, LinearModel, PadRates, Scored } from '../../daemon/vision/pad/index.ts';

export interface Sample {
  x: Float32Array;
  live: boolean;
  subject: string;
}

export interface FoldReport {
  subject: string;
  live: number;
  spoof: number;
  /** Threshold from the inner cross-validation on the training subjects (BPCER target there). */
  threshold: number;
  apcer: number;
  bpcer: number;
}

export interface CvReport {
  folds: FoldReport[];
  /** Out-of-fold scores of every sample (each from the model that did not see its subject). */
  scores: (Scored & { subject: string })[];
  /** Pooled out-of-fold scores at the threshold giving BPCER ≤ target on that pool. */
  pooledAtTarget: PadRates;
  pooledEer: PadRates;
  /** Every fold at its own inner-CV threshold, errors counted over all samples. */
  nested: { apcer: number; bpcer: number; acer: number };
}

export function outOfFold(samples: readonly Sample[], fit: FitOptions, holdOut: (s: Sample) => string = (s) => s.subject): (Scored & { subject: string })[] {
  const groups = [...new Set(samples.map(holdOut))].sort();
  const out: (Scored & { subject: string })[] = [];
  for (const g of groups) {
    const train = samples.filter((s) => holdOut(s) !== g);
    const test = samples.filter((s) => holdOut(s) === g);
    const model = fitLogistic(
      train.map((s) => s.x),
      train.map((s) => s.live),
      fit,
    );
    for (const s of test) out.push({ score: predictLogistic(model, s.x), live: s.live, subject: s.subject });
  }
  return out;
}

export function crossValidate(samples: readonly Sample[], fit: FitOptions, bpcerTarget: number): CvReport {
  const subjects = [...new Set(samples.map((s) => s.subject))].sort();
  const folds: FoldReport[] = [];
  const scores: (Scored & { subject: string })[] = [];
  let attacks = 0,
    attacksAccepted = 0,
    bona = 0,
    bonaRejected = 0;
  for (const subject of subjects) {
    const train = samples.filter((s) => s.subject !== subject);
    const test = samples.filter((s) => s.subject === subject);
    const model: LinearModel = fitLogistic(
      train.map((s) => s.x),
      train.map((s) => s.live),
      fit,
    );
    const threshold = thresholdForBpcer(outOfFold(train, fit), bpcerTarget).threshold;
    const scored = test.map((s) => ({ score: predictLogistic(model, s.x), live: s.live, subject }));
    scores.push(...scored);
    const r = ratesAt(scored, threshold);
    const nLive = test.filter((s) => s.live).length;
    const nSpoof = test.length - nLive;
    attacks += nSpoof;
    bona += nLive;
    attacksAccepted += Math.round(r.apcer * nSpoof);
    bonaRejected += Math.round(r.bpcer * nLive);
    folds.push({ subject, live: nLive, spoof: nSpoof, threshold, apcer: r.apcer, bpcer: r.bpcer });
  }
  const apcer = attacks ? attacksAccepted / attacks : 0;
  const bpcer = bona ? bonaRejected / bona : 0;
  return {
    folds,
    scores,
    pooledAtTarget: thresholdForBpcer(scores, bpcerTarget),
    pooledEer: equalErrorPoint(scores),
    nested: { apcer, bpcer, acer: (apcer + bpcer) / 2 },
  };
}
