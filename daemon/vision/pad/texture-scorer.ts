// The colour-texture model on its own (LBP + colour moments + sharpness cues, logistic
// regression trained by scripts/train-pad.ts): one input of the fused PAD score.
import type { Box } from '../../core/index.ts';
import { extractFeatures } from './features.ts';
import { unjudgeable, type Unjudged } from './gate.ts';
import { calibrated, rawProbability, type PadModelFile, type PadSecurityLevel } from './model.ts';

export type TextureJudgement = { score: number; raw: number } | { score: null; unjudged: Unjudged };

export class TextureScorer {
  readonly name = 'pad-lbp';
  private readonly minFacePx: number;

  constructor(
    readonly model: PadModelFile,
    private readonly opts: { securityLevel: PadSecurityLevel; minFacePx: number },
  ) {
    this.minFacePx = Math.max(opts.minFacePx, model.minFacePx);
  }

  /** Raw P(live) of a face known to be judgeable. */
  probability(rgb: Uint8Array, width: number, height: number, box: Box): number {
    return rawProbability(this.model, extractFeatures(this.model.features, rgb, width, height, box));
  }

  /** Judges one face on its own model's operating points (the texture model alone). */
  judge(rgb: Uint8Array, width: number, height: number, box: Box): TextureJudgement {
    const why = unjudgeable(rgb, width, height, box, this.minFacePx);
    if (why) return { score: null, unjudged: why };
    const raw = this.probability(rgb, width, height, box);
    if (!Number.isFinite(raw)) return { score: null, unjudged: 'no_score' };
    return { score: calibrated(this.model, raw, this.opts.securityLevel), raw };
  }
}
