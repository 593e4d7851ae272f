// Planar homography between two views of the same points, by the normalized direct linear
// transform (Hartley): the points are centred and scaled, the 2N×9 system is solved for the
// null vector of AᵀA (Jacobi eigen-decomposition; 9×9 is small), then de-normalized.
import type { Point } from '../../core/index.ts';

/** 3×3 row-major matrix. */
export type Mat3 = Float64Array;

function normalizer(pts: readonly Point[]): Mat3 {
  let cx = 0;
  let cy = 0;
  for (const [x, y] of pts) {
    cx += x;
    cy += y;
  }
  cx /= pts.length;
  cy /= pts.length;
  let d = 0;
  for (const [x, y] of pts) d += Math.hypot(x - cx, y - cy);
  d /= pts.length;
  const s = d > 1e-12 ? Math.SQRT2 / d : 1;
  return Float64Array.of(s, 0, -s * cx, 0, s, -s * cy, 0, 0, 1);
}

export function apply(h: Mat3, [x, y]: Point): Point {
  const w = (h[6] ?? 0) * x + (h[7] ?? 0) * y + (h[8] ?? 0);
  return [((h[0] ?? 0) * x + (h[1] ?? 0) * y + (h[2] ?? 0)) / w, ((h[3] ?? 0) * x + (h[4] ?? 0) * y + (h[5] ?? 0)) / w];
}

function mul(a: Mat3, b: Mat3): Mat3 {
  const out = new Float64Array(9);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += (a[r * 3 + k] ?? 0) * (b[k * 3 + c] ?? 0);
      out[r * 3 + c] = s;
    }
  }
  return out;
}

function invertSimilarity(t: Mat3): Mat3 {
  // t = [s 0 tx; 0 s ty; 0 0 1]
  const s = t[0] ?? 1;
  return Float64Array.of(1 / s, 0, -(t[2] ?? 0) / s, 0, 1 / s, -(t[5] ?? 0) / s, 0, 0, 1);
}

/** Eigenvector of the smallest eigenvalue of a symmetric n×n matrix (cyclic Jacobi). */
export function smallestEigenvector(m: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(m);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += (a[p * n + q] ?? 0) ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q] ?? 0;
        if (Math.abs(apq) < 1e-300) continue;
        const app = a[p * n + p] ?? 0;
        const aqq = a[q * n + q] ?? 0;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p] ?? 0;
          const akq = a[k * n + q] ?? 0;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k] ?? 0;
          const aqk = a[q * n + k] ?? 0;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p] ?? 0;
          const vkq = v[k * n + q] ?? 0;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  let best = 0;
  for (let i = 1; i < n; i++) if ((a[i * n + i] ?? 0) < (a[best * n + best] ?? 0)) best = i;
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = v[k * n + best] ?? 0;
  return out;
}

/**
 * The homography H with dst ≈ H·src (least squares in the algebraic sense), or null when the
 * points are too few (< 4), not finite, or degenerate.
 */
export function fitHomography(src: readonly Point[], dst: readonly Point[]): Mat3 | null {
  const n = Math.min(src.length, dst.length);
  if (n < 4) return null;
  for (let i = 0; i < n; i++) {
    const a = src[i];
    const b = dst[i];
    if (!a || !b || !a.every(Number.isFinite) || !b.every(Number.isFinite)) return null;
  }
  const ts = normalizer(src.slice(0, n));
  const td = normalizer(dst.slice(0, n));
  const ata = new Float64Array(81);
  const row = new Float64Array(9);
  const addRow = (): void => {
    for (let r = 0; r < 9; r++) for (let c = 0; c < 9; c++) ata[r * 9 + c] = (ata[r * 9 + c] ?? 0) + (row[r] ?? 0) * (row[c] ?? 0);
  };
  for (let i = 0; i < n; i++) {
    const [x, y] = apply(ts, src[i] as Point);
    const [u, v] = apply(td, dst[i] as Point);
    row.set([-x, -y, -1, 0, 0, 0, u * x, u * y, u]);
    addRow();
    row.set([0, 0, 0, -x, -y, -1, v * x, v * y, v]);
    addRow();
  }
  const hn = smallestEigenvector(ata, 9);
  const h = mul(mul(invertSimilarity(td), hn), ts);
  const scale = h[8] ?? 0;
  if (!h.every(Number.isFinite) || Math.abs(scale) < 1e-12) return null;
  for (let i = 0; i < 9; i++) h[i] = (h[i] ?? 0) / scale;
  return h;
}

/** Root-mean-square distance between H·src and dst. */
export function transferError(h: Mat3, src: readonly Point[], dst: readonly Point[]): number {
  let s = 0;
  const n = Math.min(src.length, dst.length);
  for (let i = 0; i < n; i++) {
    const [x, y] = apply(h, src[i] as Point);
    const [u, v] = dst[i] as Point;
    s += (x - u) ** 2 + (y - v) ** 2;
  }
  return Math.sqrt(s / Math.max(1, n));
}
