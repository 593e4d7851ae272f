// Fits a door's own PAD model from the installer's presentations and decides whether it may be
// proposed. Pure: frames in, a proposal or a refusal out, both with the before/after figures.
// Every figure reported for the adapted model is cross-validated across presenters: each
// presenter's frames are judged by a model and thresholds fitted without them.
import type { FeatureSpec } from './features.ts';
import { fitLogistic, type FitOptions, type LinearModel } from './logistic.ts';
import type { PadSecurityLevel } from './model.ts';
import { levelThresholds } from './operating-points.ts';
import type { Scored } from './rates.ts';
import { LIVE_PHASE, selftestReport, type SelftestReport, type SelftestSample } from './selftest-report.ts';
import {
  CLEAR_SPOOF_CNN,
  PAD_ADAPTATION_FORMAT,
  adaptationInput,
  adaptedScore,
  unvetoedScore,
  type AdaptationFigures,
  type PadAdaptationFile,
  type PadModelVersions,
} from './adaptation.ts';

/** One presented frame's evidence; cnn/texture null when the shipped gate did not judge the face. */
export interface AdaptFrame {
  /** Who was presented: the live person, or the person whose photo or screen was shown. */
  presenter: string;
  /** 'live' or the attack type (print, screen…). */
  phase: string;
  cnn: number | null;
  texture: Float32Array | null;
  /** The shipped model's raw P(live), for the "before" figures. */
  shippedRaw: number | null;
}

export interface AdaptOptions {
  level: PadSecurityLevel;
  /** The shipped model's thresholds (its security levels). */
  shippedThresholds: Record<PadSecurityLevel, number>;
  features: FeatureSpec;
  models: PadModelVersions;
  camera: string;
  now: Date;
  /** Fewest judged frames of live faces and of each attack type. */
  minFrames?: number;
  /** Fewest different live presenters (the thresholds are chosen across them). */
  minLivePresenters?: number;
  fit?: FitOptions;
}

export type AdaptRefusal = 'too_few_frames' | 'too_few_presenters' | 'worse_apcer' | 'loosens_cnn';

export interface AdaptOutcome {
  status: 'proposed' | 'refused';
  reasons: { code: AdaptRefusal; message: string }[];
  level: PadSecurityLevel;
  before: SelftestReport;
  /** Cross-validated across presenters; null when there were too few presenters to do it. */
  after: SelftestReport | null;
  /** The file to write when proposed (weights, thresholds, numbers: no frame). */
  adaptation: PadAdaptationFile | null;
  ms: number;
}

export const MIN_ADAPT_FRAMES = 20;
export const MIN_LIVE_PRESENTERS = 2;
/**
 * The shipped texture model's fit (scripts/pad/texture-recipe.ts): ridge strong enough for a few
 * hundred frames of 381 texture features; the CNN's log-odds go unpenalized, so the model leans on
 * the CNN where it separates this door's frames and on texture where it does not.
 */
export const ADAPT_FIT: FitOptions = { l2: 0.1, steps: 800, learningRate: 0.5, unpenalized: 1 };

type Judged = AdaptFrame & { cnn: number; texture: Float32Array };
const judged = (f: AdaptFrame): f is Judged => f.cnn !== null && f.texture !== null && Number.isFinite(f.cnn);
const presentersOf = (fs: readonly AdaptFrame[]): string[] => [...new Set(fs.map((f) => f.presenter))].sort();

/**
 * Cross-validation folds: one presenter each, or, past MAX_FOLDS presenters, presenters dealt
 * round-robin into that many (bounds the fitting time: a fit per fold, nested). Dealt only when
 * every fold still leaves live faces and attacks to learn from; else one presenter a fold.
 */
export const MAX_FOLDS = 5;
function folds(fs: readonly AdaptFrame[]): Set<string>[] {
  const presenters = presentersOf(fs);
  const single = presenters.map((p) => new Set([p]));
  if (presenters.length <= MAX_FOLDS) return single;
  const dealt = Array.from({ length: MAX_FOLDS }, () => new Set<string>());
  presenters.forEach((p, i) => dealt[i % MAX_FOLDS]!.add(p));
  const leavesBoth = (g: Set<string>): boolean => {
    const rest = fs.filter((f) => !g.has(f.presenter));
    return rest.some((f) => f.phase === LIVE_PHASE) && rest.some((f) => f.phase !== LIVE_PHASE);
  };
  return dealt.every(leavesBoth) ? dealt : single;
}

function fit(frames: readonly Judged[], options: FitOptions): LinearModel {
  return fitLogistic(
    frames.map((f) => adaptationInput(f.cnn, f.texture)),
    frames.map((f) => f.phase === LIVE_PHASE),
    options,
  );
}

/** Level thresholds from scores by the shipped levels' rule, kept inside (0, 1) so every level is a real cut. */
function levelsOf(scored: readonly Scored[]): Record<PadSecurityLevel, number> {
  const t = levelThresholds(scored).thresholds;
  const clamp = (v: number): number => Math.min(1 - 1e-6, Math.max(1e-6, Number.isFinite(v) ? v : 0.5));
  return { convenience: clamp(t.convenience), balanced: clamp(t.balanced), strict: clamp(t.strict) };
}

const scoredBy = (m: LinearModel, f: Judged): Scored => ({ score: unvetoedScore(m, f.cnn, f.texture), live: f.phase === LIVE_PHASE });

/**
 * Level thresholds for a model fitted on `frames`, from scores of frames it did not learn from
 * (each fold scored by a model fitted on the others); with a single presenter there is no such
 * score, and the model's own scores stand in.
 */
function thresholdsFor(frames: readonly Judged[], model: LinearModel, options: FitOptions): Record<PadSecurityLevel, number> {
  const groups = folds(frames);
  if (groups.length < 2) return levelsOf(frames.map((f) => scoredBy(model, f)));
  return levelsOf(
    groups.flatMap((g) => {
      const m = fit(
        frames.filter((f) => !g.has(f.presenter)),
        options,
      );
      return frames.filter((f) => g.has(f.presenter)).map((f) => scoredBy(m, f));
    }),
  );
}

const figuresAt = (r: SelftestReport, level: PadSecurityLevel): AdaptationFigures => {
  const l = r.levels.find((x) => x.level === level);
  return { bpcer: l?.bpcer ?? null, apcer: Object.fromEntries(Object.entries(l?.apcer ?? {}).map(([a, f]) => [a, f.apcer])) };
};

export function fitAdaptation(frames: readonly AdaptFrame[], o: AdaptOptions): AdaptOutcome {
  const t0 = performance.now();
  const options = o.fit ?? ADAPT_FIT;
  const minFrames = o.minFrames ?? MIN_ADAPT_FRAMES;
  const minPresenters = o.minLivePresenters ?? MIN_LIVE_PRESENTERS;
  const attacks = [...new Set(frames.map((f) => f.phase))].filter((p) => p !== LIVE_PHASE).sort();
  const before = selftestReport({ samples: frames.map((f) => ({ phase: f.phase, raw: f.shippedRaw })), thresholds: o.shippedThresholds, attacks });
  const reasons: AdaptOutcome['reasons'] = [];
  const ok = frames.filter(judged);

  for (const phase of [LIVE_PHASE, ...(attacks.length > 0 ? attacks : ['an attack'])]) {
    const n = ok.filter((f) => f.phase === phase).length;
    if (n < minFrames) reasons.push({ code: 'too_few_frames', message: `${phase}: ${n} judged frames, at least ${minFrames} are needed` });
  }
  const livePresenters = presentersOf(ok.filter((f) => f.phase === LIVE_PHASE));
  if (livePresenters.length < minPresenters)
    reasons.push({
      code: 'too_few_presenters',
      message: `live faces of ${livePresenters.length} ${livePresenters.length === 1 ? 'person' : 'people'}: at least ${minPresenters} are needed, so that thresholds are chosen on people the model did not learn from`,
    });
  const attackPresenters = presentersOf(ok.filter((f) => f.phase !== LIVE_PHASE));
  if (attackPresenters.length < 2)
    reasons.push({
      code: 'too_few_presenters',
      message: `attacks showing ${attackPresenters.length} ${attackPresenters.length === 1 ? 'person' : 'people'}: photos or screens of at least 2 people are needed, so that every presenter left out still leaves attacks to learn from`,
    });
  const refused = (after: SelftestReport | null): AdaptOutcome => ({
    status: 'refused',
    reasons,
    level: o.level,
    before,
    after,
    adaptation: null,
    ms: performance.now() - t0,
  });
  if (reasons.length > 0) return refused(null);

  // After: each presenter judged by a model and thresholds that never saw them. The same fold
  // models' scores choose the proposed model's thresholds (one pass of fits serves both).
  const samples: SelftestSample[] = frames.filter((f) => !judged(f)).map((f) => ({ phase: f.phase, raw: null }));
  const outOfFold: Scored[] = [];
  // Attack frames the CNN calls clear spoofs that the adapted model, left to itself, would accept:
  // judged out of fold (by a model that did not learn them, as a door meets new frames) and by the
  // model to be proposed. The veto refuses them at the door anyway; a model that needs it is not proposed.
  const loosens = new Set<AdaptFrame>();
  const contradicts = (f: Judged, unvetoed: number, t: Record<PadSecurityLevel, number>): boolean =>
    f.phase !== LIVE_PHASE && f.cnn < CLEAR_SPOOF_CNN && unvetoed >= t[o.level];
  for (const g of folds(ok)) {
    const train = ok.filter((f) => !g.has(f.presenter));
    const model = fit(train, options);
    const thresholds = thresholdsFor(train, model, options);
    for (const f of ok.filter((x) => g.has(x.presenter))) {
      const s = scoredBy(model, f);
      outOfFold.push(s);
      samples.push({ phase: f.phase, raw: adaptedScore({ model, clearSpoofCnn: CLEAR_SPOOF_CNN }, f.cnn, f.texture), thresholds });
      if (contradicts(f, s.score, thresholds)) loosens.add(f);
    }
  }
  // The rails above leave at least two presenters, so these are out-of-fold scores.
  const model = fit(ok, options);
  const thresholds = levelsOf(outOfFold);
  const after = selftestReport({ samples, thresholds, attacks });

  const b = figuresAt(before, o.level);
  const a = figuresAt(after, o.level);
  for (const attack of attacks) {
    const was = b.apcer[attack] ?? 0;
    const now = a.apcer[attack] ?? 0;
    if (now > was)
      reasons.push({
        code: 'worse_apcer',
        message: `${attack}: the adapted model accepts ${(100 * now).toFixed(1)} % of attack frames (cross-validated) against the shipped model's ${(100 * was).toFixed(1)} %`,
      });
  }
  for (const f of ok) if (contradicts(f, unvetoedScore(model, f.cnn, f.texture), thresholds)) loosens.add(f);
  const loosened = loosens.size;
  if (loosened > 0)
    reasons.push({
      code: 'loosens_cnn',
      message: `the adapted model would accept ${loosened} attack frame${loosened === 1 ? '' : 's'} that the shipped CNN scores as a clear spoof (P(live) < ${CLEAR_SPOOF_CNN}); it may tighten that evidence, never loosen it`,
    });
  if (reasons.length > 0) return refused(after);

  const count = (phase: string): number => frames.filter((f) => f.phase === phase).length;
  const adaptation: PadAdaptationFile = {
    format: PAD_ADAPTATION_FORMAT,
    version: 1,
    createdAt: o.now.toISOString(),
    camera: o.camera,
    level: o.level,
    models: o.models,
    features: o.features,
    clearSpoofCnn: CLEAR_SPOOF_CNN,
    model,
    thresholds,
    report: {
      frames: Object.fromEntries([LIVE_PHASE, ...attacks].map((p) => [p, count(p)])),
      presenters: presentersOf(frames).length,
      before: b,
      after: a,
    },
  };
  return { status: 'proposed', reasons, level: o.level, before, after, adaptation, ms: performance.now() - t0 };
}
