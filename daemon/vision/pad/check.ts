// The per-face single-frame PAD check (the pipeline's liveness slot): the CNN liveness model and
// the colour-texture model, fused into one score that is calibrated to the configured security
// level. Faces that cannot be judged are never called live.
import { FacegateError, type Box, type PadFrameEvidence } from '../../core/index.ts';
import type { LivenessCheck, LivenessInput } from '../liveness.ts';
import { MODELS_DIR, readManifest } from '../manifest.ts';
import { CnnLiveness, CNN_PAD_MODEL } from './cnn.ts';
import { fuse, loadFusionModel, type PadEvidence, type PadFusionFile } from './fusion.ts';
import { unjudgeable, type Unjudged } from './gate.ts';
import { loadPadModel, type PadSecurityLevel } from './model.ts';
import { scoreAtThreshold } from './levels.ts';
import { TextureScorer } from './texture-scorer.ts';
import { adaptedScore, type PadAdaptationFile, type PadLiveOptions } from './adaptation.ts';
import { extractFeatures, type FeatureSpec } from './features.ts';

export interface PadOptions {
  securityLevel: PadSecurityLevel;
  /** Faces narrower than this are not judged (the larger of this and the model's own minimum). */
  minFacePx: number;
  modelsDir: string;
  /** onnxruntime threads for the CNN when it is its thread's first ONNX session (in the vision worker the embedder's count holds). */
  threads?: number;
}

export const DEFAULT_PAD: PadOptions = { securityLevel: 'balanced', minFacePx: 64, modelsDir: MODELS_DIR };

export type { Unjudged } from './gate.ts';

export type PadJudgement = { score: number; raw: number; evidence: PadEvidence } | { score: null; unjudged: Unjudged };

export class PadScorer {
  readonly name: string;
  private readonly minFacePx: number;

  private constructor(
    readonly fusion: PadFusionFile,
    private readonly cnn: CnnLiveness | null,
    private readonly texture: TextureScorer | null,
    private readonly opts: PadOptions,
    /** The shipped texture model's feature recipe (what an adaptation reads), loaded whether or not the fusion uses texture. */
    readonly textureFeatures: FeatureSpec,
  ) {
    this.minFacePx = Math.max(opts.minFacePx, fusion.minFacePx, texture?.model.minFacePx ?? 0);
    this.name = `pad-fusion(${fusion.inputs.join('+')})`;
  }

  /** Loads the pinned fusion file and the models it reads; a missing or changed file throws. */
  static async load(opts: Partial<PadOptions> = {}): Promise<PadScorer> {
    const o = { ...DEFAULT_PAD, ...opts };
    const fusion = loadFusionModel(o.modelsDir);
    const textureModel = loadPadModel(o.modelsDir);
    const texture = fusion.inputs.includes('texture') ? new TextureScorer(textureModel, o) : null;
    const cnn = fusion.inputs.includes('cnn') ? await CnnLiveness.load(readManifest(o.modelsDir), o.modelsDir, CNN_PAD_MODEL, o.threads) : null;
    return new PadScorer(fusion, cnn, texture, o, textureModel.features);
  }

  get threshold(): number {
    return this.fusion.operatingPoints[this.opts.securityLevel];
  }

  get securityLevel(): PadSecurityLevel {
    return this.opts.securityLevel;
  }

  /** The evidence of each model for a face known to be judgeable. */
  async evidence(rgb: Uint8Array, width: number, height: number, box: Box): Promise<PadEvidence> {
    const e: PadEvidence = {};
    if (this.cnn) e.cnn = await this.cnn.probability(rgb, width, height, box);
    if (this.texture) e.texture = this.texture.probability(rgb, width, height, box);
    return e;
  }

  /** Judges one face of a packed RGB frame; the score is at the configured security level. */
  async judge(rgb: Uint8Array, width: number, height: number, box: Box): Promise<PadJudgement> {
    const why = unjudgeable(rgb, width, height, box, this.minFacePx);
    if (why) return { score: null, unjudged: why };
    const evidence = await this.evidence(rgb, width, height, box);
    const raw = fuse(this.fusion, evidence);
    if (!Number.isFinite(raw)) return { score: null, unjudged: 'no_score' };
    return { score: scoreAtThreshold(raw, this.threshold), raw, evidence };
  }

  close(): void {
    this.cnn?.dispose();
  }
}

export type { PadLiveOptions } from './adaptation.ts';

/**
 * The liveness slot of the vision pipeline. A face that cannot be judged gets null, not 0: it is
 * never granted (access: liveness_unknown), but a person still walking up (a small face) is not
 * reported as an attack. With a door's adaptation the same evidence goes through its model and
 * thresholds instead (the shipped gate still decides what can be judged).
 */
export class PadLivenessCheck implements LivenessCheck {
  #adaptation: PadAdaptationFile | null = null;
  #collect = false;
  constructor(readonly scorer: PadScorer) {}

  get name(): string {
    return this.#adaptation ? `pad-adapted(cnn+texture, ${this.#adaptation.createdAt.slice(0, 10)})` : this.scorer.name;
  }

  /** Takes what `options` names of PadLiveOptions: the adaptation (checked by the daemon against the installed models), collecting. */
  configure(options: unknown): void {
    const o = (options ?? {}) as Partial<PadLiveOptions>;
    if (o.adaptation !== undefined) {
      const a = o.adaptation;
      if (a !== null && (typeof a !== 'object' || !Array.isArray(a.model?.weights) || typeof a.thresholds?.[this.scorer.securityLevel] !== 'number'))
        throw new FacegateError('PAD_ADAPTATION_INVALID', 'the PAD adaptation given to the vision worker is not an adaptation file');
      this.#adaptation = a;
    }
    if (o.collect !== undefined) this.#collect = o.collect === true;
  }

  async score(input: LivenessInput): Promise<number | null> {
    return (await this.judge(input)).score;
  }

  async judge(input: LivenessInput): Promise<{ score: number | null; raw: number | null; evidence?: PadFrameEvidence }> {
    const { data, width, height } = input.image;
    const j = await this.scorer.judge(data, width, height, input.box);
    if (j.score === null) return { score: null, raw: null };
    const a = this.#adaptation;
    const cnn = j.evidence.cnn;
    // The adaptation's recipe is the shipped one (it is stale otherwise): one extraction serves both.
    const spec = a?.features ?? (this.#collect ? this.scorer.textureFeatures : null);
    const texture = spec && cnn !== undefined ? extractFeatures(spec, data, width, height, input.box) : null;
    const evidence = this.#collect && texture && cnn !== undefined ? { evidence: { cnn, texture, shippedRaw: j.raw } } : {};
    if (!a) return { score: j.score, raw: j.raw, ...evidence };
    const raw = cnn === undefined || !texture ? Number.NaN : adaptedScore(a, cnn, texture);
    if (!Number.isFinite(raw)) return { score: null, raw: null };
    return { score: scoreAtThreshold(raw, a.thresholds[this.scorer.securityLevel]), raw, ...evidence };
  }

  close(): void {
    this.scorer.close();
  }
}
