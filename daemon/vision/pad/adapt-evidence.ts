// The evidence a door's PAD adaptation learns from and is applied to: the shipped check's CNN
// P(live) and raw score, and the colour-texture features of the shipped texture model's recipe.
// A face the shipped gate does not judge (too small, too dark…) gives none: it is never granted.
import type { Box } from '../../core/index.ts';
import { PadScorer, type PadOptions } from './check.ts';
import { extractFeatures, type FeatureSpec } from './features.ts';
import { MODELS_DIR } from '../manifest.ts';
import { padModelVersions, type PadModelVersions } from './adaptation.ts';

export interface FrameEvidence {
  cnn: number;
  texture: Float32Array;
  /** The shipped model's raw P(live). */
  shippedRaw: number;
}

export class AdaptEvidence {
  private constructor(
    readonly scorer: PadScorer,
    readonly features: FeatureSpec,
    readonly versions: PadModelVersions,
  ) {}

  static async load(opts: Partial<PadOptions> = {}): Promise<AdaptEvidence> {
    const scorer = await PadScorer.load(opts);
    return new AdaptEvidence(scorer, scorer.textureFeatures, padModelVersions(opts.modelsDir ?? MODELS_DIR));
  }

  /** The evidence of one face of a packed RGB frame, or null when the shipped check does not judge it. */
  async frame(rgb: Uint8Array, width: number, height: number, box: Box): Promise<FrameEvidence | null> {
    const j = await this.scorer.judge(rgb, width, height, box);
    if (j.score === null || j.evidence.cnn === undefined) return null;
    return { cnn: j.evidence.cnn, shippedRaw: j.raw, texture: extractFeatures(this.features, rgb, width, height, box) };
  }

  close(): void {
    this.scorer.close();
  }
}
