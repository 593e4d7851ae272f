// The texture model's recipe: which features it reads and how it is fitted (scripts/train-pad.ts).
import type { FeatureSpec, FitOptions } from '../../daemon/vision/pad/index.ts';

/** Colour texture (uniform LBP in luma/chroma and HSV planes), colour moments, sharpness/frequency cues on a 64×64 face patch. */
export const PAD_FEATURES: FeatureSpec = {
  version: 1,
  patches: [
    {
      scale: 1,
      size: 64,
      lbp: (['y', 'cb', 'cr', 'h', 's', 'v'] as const).map((channel) => ({ channel, radius: 1 })),
      moments: ['y', 'cb', 'cr', 'h', 's', 'v'],
      frequency: true,
    },
  ],
};
export const PAD_FIT: FitOptions = { l2: 0.1, steps: 800, learningRate: 0.5 };
export const MIN_FACE_PX = 64;
