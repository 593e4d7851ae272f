// Alignment: a least-squares similarity transform (Umeyama, 2-D, no reflection) from detected
// landmarks to an embedder's canonical points, then a bilinear warp of the RGB image into the crop.
import type { Point } from '../core/index.ts';
import type { RgbImage } from './image.ts';

/** Maps p to (a*x - b*y + tx, b*x + a*y + ty): scale*rotation in (a, b), translation in (tx, ty). */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

/**
 * The 112x112 canonical points of the ArcFace/InsightFace alignment, reduced to the four points the
 * detector measures: eye centres (image left, image right), nose tip, mouth centre.
 */
export const CANONICAL_112: readonly Point[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [56.1396, 92.2848],
];

/** The canonical points for a square crop of `size` px; zoom < 1 leaves more margin around the face. */
export function canonicalPoints(size: number, zoom = 1): Point[] {
  const k = size / 112;
  return CANONICAL_112.map(([x, y]) => [(56 + (x - 56) * zoom) * k, (56 + (y - 56) * zoom) * k] as const);
}

/** Least-squares similarity taking src onto dst (both the same length, at least 2 points). */
export function estimateSimilarity(src: readonly Point[], dst: readonly Point[]): Similarity {
  const n = Math.min(src.length, dst.length);
  if (n < 2) throw new Error('alignment needs at least two point pairs');
  let sx = 0,
    sy = 0,
    dx = 0,
    dy = 0;
  for (let i = 0; i < n; i++) {
    sx += src[i]![0];
    sy += src[i]![1];
    dx += dst[i]![0];
    dy += dst[i]![1];
  }
  sx /= n;
  sy /= n;
  dx /= n;
  dy /= n;
  // Centred complex coordinates: the best a + ib is sum(d * conj(s)) / sum(|s|^2).
  let num_re = 0,
    num_im = 0,
    den = 0;
  for (let i = 0; i < n; i++) {
    const px = src[i]![0] - sx,
      py = src[i]![1] - sy;
    const qx = dst[i]![0] - dx,
      qy = dst[i]![1] - dy;
    num_re += qx * px + qy * py;
    num_im += qy * px - qx * py;
    den += px * px + py * py;
  }
  if (den < 1e-9) throw new Error('alignment points coincide');
  const a = num_re / den,
    b = num_im / den;
  return { a, b, tx: dx - (a * sx - b * sy), ty: dy - (b * sx + a * sy) };
}

export function applySimilarity(t: Similarity, p: Point): Point {
  return [t.a * p[0] - t.b * p[1] + t.tx, t.b * p[0] + t.a * p[1] + t.ty];
}

/** Warps `img` into a size x size RGB crop whose pixel (u, v) comes from inverse(t)(u, v); outside = black. */
export function warpCrop(img: RgbImage, t: Similarity, size: number, flip = false): Uint8Array {
  const out = new Uint8Array(size * size * 3);
  const det = t.a * t.a + t.b * t.b;
  // inverse of [[a,-b],[b,a]] is [[a,b],[-b,a]]/det
  const ia = t.a / det,
    ib = t.b / det;
  const { width: w, height: h, data } = img;
  for (let v = 0; v < size; v++) {
    for (let u0 = 0; u0 < size; u0++) {
      const u = flip ? size - 1 - u0 : u0;
      const du = u + 0.5 - t.tx,
        dv = v + 0.5 - t.ty;
      const x = ia * du + ib * dv - 0.5;
      const y = -ib * du + ia * dv - 0.5;
      const o = (v * size + u0) * 3;
      if (x <= -1 || y <= -1 || x >= w || y >= h) continue;
      const x0 = Math.floor(x),
        y0 = Math.floor(y);
      const fx = x - x0,
        fy = y - y0;
      for (let c = 0; c < 3; c++) {
        const p00 = x0 >= 0 && y0 >= 0 ? data[(y0 * w + x0) * 3 + c]! : 0;
        const p10 = x0 + 1 < w && y0 >= 0 ? data[(y0 * w + x0 + 1) * 3 + c]! : 0;
        const p01 = x0 >= 0 && y0 + 1 < h ? data[((y0 + 1) * w + x0) * 3 + c]! : 0;
        const p11 = x0 + 1 < w && y0 + 1 < h ? data[((y0 + 1) * w + x0 + 1) * 3 + c]! : 0;
        out[o + c] = (p00 * (1 - fx) + p10 * fx) * (1 - fy) + (p01 * (1 - fx) + p11 * fx) * fy;
      }
    }
  }
  return out;
}

/**
 * Which landmarks the transform is fitted to. The nose tip stands out of the face plane, so on a
 * turned head it drags the fit sideways; eyes + mouth keep the crop on the face plane (measured on
 * lfw-dev with the ONNX embedder: 99.1 % vs 98.8 % with the nose).
 */
export type AlignPoints = 'eyes-nose-mouth' | 'eyes-mouth';

const POINT_INDICES: Record<AlignPoints, number[]> = { 'eyes-nose-mouth': [0, 1, 2, 3], 'eyes-mouth': [0, 1, 3] };

/** Aligns a face: landmarks are [eye, eye, nose, mouth] in image pixels (image-left eye first). */
export function alignFace(
  img: RgbImage,
  landmarks: readonly Point[],
  size: number,
  zoom = 1,
  flip = false,
  use: AlignPoints = 'eyes-nose-mouth',
): { crop: Uint8Array; transform: Similarity } {
  const canon = canonicalPoints(size, zoom);
  const idx = POINT_INDICES[use];
  const transform = estimateSimilarity(
    idx.map((i) => landmarks[i]!),
    idx.map((i) => canon[i]!),
  );
  return { crop: warpCrop(img, transform, size, flip), transform };
}
