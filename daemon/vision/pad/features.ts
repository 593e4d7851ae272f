// The single-frame feature vector of one face. Its recipe (FeatureSpec) is stored inside the
// trained model file, so a model is always fed exactly the features it was trained on.
import type { Box } from '../../core/index.ts';
import { cropPatch, squareAround } from './crop.ts';
import { LBP_BINS, colourPlanes, frequencyCues, lbpHistogram, lumaRange, moments } from './texture.ts';

export type Channel = 'y' | 'cb' | 'cr' | 'h' | 's' | 'v';

export interface PatchSpec {
  /** Side of the square around the face box, as a multiple of the box's longer side. */
  scale: number;
  /** Side of the resampled patch in pixels. */
  size: number;
  /** Uniform LBP histograms: which channels at which radii. */
  lbp: { channel: Channel; radius: number }[];
  /** Mean/sd/skew of these channels. */
  moments: Channel[];
  /** Luma sharpness/frequency cues (6) and luma percentiles (3). */
  frequency: boolean;
}

export interface FeatureSpec {
  version: 1;
  patches: PatchSpec[];
}

export function featureLength(spec: FeatureSpec): number {
  let n = 0;
  for (const p of spec.patches) n += p.lbp.length * LBP_BINS + p.moments.length * 3 + (p.frequency ? 9 : 0);
  return n;
}

/** Feature vector of the face in `box` (frame pixels) of a packed RGB frame. */
export function extractFeatures(spec: FeatureSpec, rgb: Uint8Array, width: number, height: number, box: Box): Float32Array {
  const out = new Float32Array(featureLength(spec));
  let o = 0;
  for (const p of spec.patches) {
    const patch = cropPatch(rgb, width, height, squareAround(box, p.scale), p.size);
    const planes = colourPlanes(patch);
    for (const { channel, radius } of p.lbp) {
      lbpHistogram(planes[channel], p.size, radius, out, o);
      o += LBP_BINS;
    }
    for (const channel of p.moments) {
      moments(planes[channel], out, o);
      o += 3;
    }
    if (p.frequency) {
      frequencyCues(planes.y, p.size, out, o);
      lumaRange(planes.y, out, o + 6);
      o += 9;
    }
  }
  return out;
}
