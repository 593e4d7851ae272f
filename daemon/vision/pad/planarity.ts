// Is the motion of a face's landmarks across two frames explained by one plane? A photo, however
// it is turned, moves its points by a single homography; a real head turning moves the nose and
// ears (far off the eye-mouth plane) by parallax that no homography explains.
import type { Point } from '../../core/index.ts';
import { fitHomography, transferError } from './homography.ts';

/** Least-squares similarity (scale, rotation, translation) residual: how much the point shape changed. */
export function similarityResidual(src: readonly Point[], dst: readonly Point[]): number {
  const n = Math.min(src.length, dst.length);
  if (n < 2) return 0;
  let sx = 0,
    sy = 0,
    dx = 0,
    dy = 0;
  for (let i = 0; i < n; i++) {
    const a = src[i] as Point;
    const b = dst[i] as Point;
    sx += a[0];
    sy += a[1];
    dx += b[0];
    dy += b[1];
  }
  sx /= n;
  sy /= n;
  dx /= n;
  dy /= n;
  let sxx = 0,
    a1 = 0,
    b1 = 0;
  for (let i = 0; i < n; i++) {
    const [x, y] = src[i] as Point;
    const [u, v] = dst[i] as Point;
    const px = x - sx,
      py = y - sy,
      qx = u - dx,
      qy = v - dy;
    sxx += px * px + py * py;
    a1 += px * qx + py * qy;
    b1 += px * qy - py * qx;
  }
  if (sxx < 1e-12) return 0;
  const a = a1 / sxx;
  const b = b1 / sxx;
  let err = 0;
  for (let i = 0; i < n; i++) {
    const [x, y] = src[i] as Point;
    const [u, v] = dst[i] as Point;
    const px = x - sx,
      py = y - sy;
    err += (a * px - b * py + dx - u) ** 2 + (b * px + a * py + dy - v) ** 2;
  }
  return Math.sqrt(err / n);
}

export interface PairPlanarity {
  /** Shape change not explained by a similarity, over the face scale. */
  deformation: number;
  /** Residual after the best homography, over the face scale. */
  residual: number;
}

/**
 * Compares one frame's points with another's. `scale` is the face size in pixels (e.g. the eye
 * distance) that makes both figures independent of distance to the camera. Null when the points
 * cannot be compared (too few, non-finite, degenerate).
 */
export function comparePair(a: readonly Point[], b: readonly Point[], scale: number): PairPlanarity | null {
  if (a.length !== b.length || a.length < 5 || !(scale > 0)) return null;
  const h = fitHomography(a, b);
  if (!h) return null;
  const residual = transferError(h, a, b) / scale;
  const deformation = similarityResidual(a, b) / scale;
  if (!Number.isFinite(residual) || !Number.isFinite(deformation)) return null;
  return { deformation, residual };
}

export interface PlanarityOptions {
  /** Pairs whose shape changed less than this (over face scale) say nothing: the head did not turn. */
  minDeformation: number;
  /** A far pair must change shape this many times more than neighbouring frames do (jitter). */
  shapeOverJitter: number;
  /** Lowest landmark jitter assumed (residual of neighbouring frames, over face scale). */
  noiseFloor: number;
  /** Far-pair residual over the jitter at which the evidence is neutral (0). */
  neutralRatio: number;
  /** Ratio change that moves the evidence by 1 (to +1 = 3D, −1 = flat). */
  ratioSpan: number;
  /** Informative far pairs needed before planarity is judged at all. */
  minPairs: number;
}

export const DEFAULT_PLANARITY: PlanarityOptions = {
  minDeformation: 0.03,
  shapeOverJitter: 2.5,
  noiseFloor: 0.004,
  neutralRatio: 2,
  ratioSpan: 1,
  minPairs: 3,
};

export interface PlanarityVerdict {
  /** +1: the motion is clearly not planar (a 3D head); −1: clearly planar (a flat picture); null: not judged. */
  evidence: number | null;
  informativePairs: number;
  /** Median residual of the informative far pairs over the landmark jitter (NaN when none). */
  ratio: number;
}

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 ? (v[mid] ?? 0) : ((v[mid - 1] ?? 0) + (v[mid] ?? 0)) / 2;
}

/**
 * Landmark detectors jitter, so a homography never fits perfectly. The jitter is measured on
 * neighbouring frames (little real motion between them); pairs far apart in the track whose shape
 * changed (the face turned) are then compared with it: a photo's far pairs fit as well as its
 * neighbours, a turning head's do not.
 */
export function planarityEvidence(
  adjacent: readonly PairPlanarity[],
  far: readonly PairPlanarity[],
  opts: PlanarityOptions = DEFAULT_PLANARITY,
): PlanarityVerdict {
  // A far pair only counts when its shape changed clearly more than jitter alone changes it.
  const jitterShape = median(adjacent.map((p) => p.deformation));
  const minShape = Math.max(opts.minDeformation, opts.shapeOverJitter * (Number.isFinite(jitterShape) ? jitterShape : 0));
  const informative = far.filter((p) => p.deformation >= minShape).map((p) => p.residual);
  if (informative.length === 0 || adjacent.length === 0) return { evidence: null, informativePairs: informative.length, ratio: Number.NaN };
  const noise = Math.max(opts.noiseFloor, median(adjacent.map((p) => p.residual)));
  const ratio = median(informative) / noise;
  if (informative.length < opts.minPairs) return { evidence: null, informativePairs: informative.length, ratio };
  const evidence = Math.max(-1, Math.min(1, (ratio - opts.neutralRatio) / opts.ratioSpan));
  return { evidence, informativePairs: informative.length, ratio };
}
