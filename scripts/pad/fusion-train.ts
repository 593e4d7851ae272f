// Training and subject-disjoint evaluation of the fused PAD score: the texture model's weights and
// the stack over the evidence log-odds are fitted without the held-out subject, and so is the
// threshold; the CNN is pretrained (fixed), so only its score enters. Used by scripts/train-pad.ts
// (to write the shipped files) and by `npm run eval:pad -- --loso` (to report on any folder).
import { join } from 'node:path';
import type { PadEvidenceName, PadSecurityLevel } from '../../daemon/vision/pad/index.ts';
import { CnnLiveness, extractFeatures, logit, sigmoid, type FeatureSpec } from '../../daemon/vision/pad/index.ts';
import { createFaceFinder, type PadRow } from './dataset.ts';
import {
  fitLogistic,
  levelThresholds,
  predictLogistic,
  ratesAt,
  type FitOptions,
  type LevelRule,
  type PadRates,
  type Scored,
} from '../../daemon/vision/pad/index.ts';

export interface EvidenceSample {
  relpath: string;
  subject: string;
  /** Frames of one presentation (subject, label, session): consecutive ones make a track. */
  track: string;
  /** Position in images.csv: frames of a track are consecutive in file order, whatever the training order. */
  order: number;
  live: boolean;
  cnn: number;
  texture: Float32Array;
}

export interface Stack {
  inputs: PadEvidenceName[];
  weights: number[];
  bias: number;
}

/** Finds each image's largest face with the daemon's detector and computes both models' inputs. */
export async function collectEvidence(
  dir: string,
  rows: readonly PadRow[],
  features: FeatureSpec,
  minFacePx: number,
): Promise<{ samples: EvidenceSample[]; noFace: number; detector: string }> {
  const finder = await createFaceFinder();
  const cnn = await CnnLiveness.load();
  const samples: EvidenceSample[] = [];
  let noFace = 0;
  try {
    for (const [order, row] of rows.entries()) {
      const f = await finder.find(join(dir, row.relpath));
      if (!f || Math.min(f.box.width, f.box.height) < minFacePx) {
        noFace++;
        continue;
      }
      samples.push({
        relpath: row.relpath,
        subject: row.subject,
        track: row.track,
        order,
        live: row.live,
        cnn: await cnn.probability(f.image.data, f.image.width, f.image.height, f.box),
        texture: extractFeatures(features, f.image.data, f.image.width, f.image.height, f.box),
      });
    }
  } finally {
    cnn.dispose();
  }
  return { samples, noFace, detector: finder.detector };
}

const subjectsOf = (s: readonly { subject: string }[]): string[] => [...new Set(s.map((x) => x.subject))].sort();

/** Texture P(live) of every sample from a texture model that did not see the sample's subject. */
export function textureOutOfFold(samples: readonly EvidenceSample[], fit: FitOptions): number[] {
  const out = new Array<number>(samples.length).fill(Number.NaN);
  for (const g of subjectsOf(samples)) {
    const train = samples.filter((s) => s.subject !== g);
    const model = fitLogistic(
      train.map((s) => s.texture),
      train.map((s) => s.live),
      fit,
    );
    samples.forEach((s, i) => {
      if (s.subject === g) out[i] = predictLogistic(model, s.texture);
    });
  }
  return out;
}

const STACK_FIT: FitOptions = { l2: 0.05, steps: 1500, learningRate: 0.5 };

function evidenceLogits(inputs: readonly PadEvidenceName[], cnn: number, texture: number): Float32Array {
  return Float32Array.from(inputs, (name) => logit(name === 'cnn' ? cnn : texture));
}

/** Fits the logistic stack on evidence log-odds; its weights are folded back onto raw log-odds. */
export function fitStack(inputs: PadEvidenceName[], rows: readonly { cnn: number; texture: number; live: boolean }[]): Stack {
  const xs = rows.map((r) => evidenceLogits(inputs, r.cnn, r.texture));
  const m = fitLogistic(
    xs,
    rows.map((r) => r.live),
    STACK_FIT,
  );
  const weights = m.weights.map((w, j) => w * (m.scale[j] ?? 0));
  const bias = m.bias - weights.reduce((s, w, j) => s + w * (m.mean[j] ?? 0), 0);
  return { inputs, weights, bias };
}

export function applyStack(stack: Stack, cnn: number, texture: number): number {
  const z = evidenceLogits(stack.inputs, cnn, texture);
  return sigmoid(stack.weights.reduce((s, w, j) => s + w * (z[j] ?? 0), stack.bias));
}

/** Fused scores of `samples`, each from a stack (and texture model) that did not see its subject. */
function stackOutOfFold(inputs: PadEvidenceName[], samples: readonly EvidenceSample[], textureOof: readonly number[]): Scored[] {
  const scores = new Array<Scored>(samples.length);
  for (const g of subjectsOf(samples)) {
    const train = samples
      .map((s, i) => ({ cnn: s.cnn, texture: textureOof[i] ?? Number.NaN, live: s.live, subject: s.subject }))
      .filter((r) => r.subject !== g);
    const stack = fitStack(inputs, train);
    samples.forEach((s, i) => {
      if (s.subject === g) scores[i] = { score: applyStack(stack, s.cnn, textureOof[i] ?? Number.NaN), live: s.live };
    });
  }
  return scores;
}

/** Everything that is shipped, fitted on all of `samples`: texture model, stack, level thresholds. */
export function fitAll(inputs: PadEvidenceName[], samples: readonly EvidenceSample[], fit: FitOptions): { stack: Stack; levels: LevelRule; oof: Scored[] } {
  const texOof = inputs.includes('texture') ? textureOutOfFold(samples, fit) : samples.map(() => Number.NaN);
  const stack = fitStack(
    inputs,
    samples.map((s, i) => ({ cnn: s.cnn, texture: texOof[i] ?? Number.NaN, live: s.live })),
  );
  const oof = stackOutOfFold(inputs, samples, texOof);
  return { stack, levels: levelThresholds(oof), oof };
}

export interface LosoReport {
  inputs: PadEvidenceName[];
  folds: { subject: string; live: number; spoof: number; thresholds: Record<PadSecurityLevel, number>; apcer: number; bpcer: number }[];
  /** Per level: every held-out frame at its own fold's threshold. */
  frame: Record<PadSecurityLevel, PadRates>;
  /** Per level: tracks of `trackFrames` consecutive frames, accepted only when every frame is. */
  track: Record<PadSecurityLevel, PadRates & { tracks: number }>;
  trackFrames: number;
  /** The held-out scores, each from models and a threshold chosen without its subject. */
  scores: (Scored & { subject: string; relpath: string })[];
}

const LEVELS: PadSecurityLevel[] = ['convenience', 'balanced', 'strict'];

function pooled(items: readonly { live: boolean; accepted: boolean }[]): PadRates {
  const att = items.filter((i) => !i.live);
  const bona = items.filter((i) => i.live);
  const apcer = att.length ? att.filter((i) => i.accepted).length / att.length : 0;
  const bpcer = bona.length ? bona.filter((i) => !i.accepted).length / bona.length : 0;
  return { apcer, bpcer, acer: (apcer + bpcer) / 2, threshold: Number.NaN };
}

/** Tracks: runs of `n` consecutive frames of one presentation, in file order. */
function tracksOf<T extends { track: string; order: number }>(items: readonly T[], n: number): T[][] {
  const by = new Map<string, T[]>();
  for (const it of [...items].sort((a, b) => a.order - b.order)) by.set(it.track, [...(by.get(it.track) ?? []), it]);
  const out: T[][] = [];
  for (const frames of by.values()) for (let i = 0; i + n <= frames.length; i += n) out.push(frames.slice(i, i + n));
  return out;
}

/** Leave-one-subject-out: for each subject, fit everything on the others, score and threshold the subject. */
export function leaveOneSubjectOut(inputs: PadEvidenceName[], samples: readonly EvidenceSample[], fit: FitOptions, trackFrames = 2): LosoReport {
  const folds: LosoReport['folds'] = [];
  const held: { s: EvidenceSample; score: number; thresholds: Record<PadSecurityLevel, number> }[] = [];
  for (const g of subjectsOf(samples)) {
    const train = samples.filter((s) => s.subject !== g);
    const test = samples.filter((s) => s.subject === g);
    const { stack, levels } = fitAll(inputs, train, fit);
    const texModel = inputs.includes('texture')
      ? fitLogistic(
          train.map((s) => s.texture),
          train.map((s) => s.live),
          fit,
        )
      : null;
    const scored = test.map((s) => ({
      s,
      score: applyStack(stack, s.cnn, texModel ? predictLogistic(texModel, s.texture) : Number.NaN),
      thresholds: levels.thresholds,
    }));
    held.push(...scored);
    const r = ratesAt(
      scored.map((x) => ({ score: x.score, live: x.s.live })),
      levels.thresholds.balanced,
    );
    folds.push({
      subject: g,
      live: test.filter((s) => s.live).length,
      spoof: test.filter((s) => !s.live).length,
      thresholds: levels.thresholds,
      apcer: r.apcer,
      bpcer: r.bpcer,
    });
  }
  const frame = {} as LosoReport['frame'];
  const track = {} as LosoReport['track'];
  for (const level of LEVELS) {
    const items = held.map((h) => ({ live: h.s.live, accepted: h.score >= h.thresholds[level], track: h.s.track, order: h.s.order }));
    frame[level] = pooled(items);
    const tracks = tracksOf(items, trackFrames).map((t) => ({ live: t[0]!.live, accepted: t.every((f) => f.accepted) }));
    track[level] = { ...pooled(tracks), tracks: tracks.length };
  }
  return {
    inputs,
    folds,
    frame,
    track,
    trackFrames,
    scores: held.map((h) => ({ score: h.score, live: h.s.live, subject: h.s.subject, relpath: h.s.relpath })),
  };
}
