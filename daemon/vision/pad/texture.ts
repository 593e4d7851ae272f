// Texture and colour descriptors of a face patch: the single-frame cues of a printed photo
// (lost fine texture, a narrower colour gamut, halftone and paper artefacts).
import type { RgbPatch } from './crop.ts';

/** Planar colour channels of a patch in 0..255: luma/chroma (BT.601) and hue/saturation/value. */
export interface ColourPlanes {
  size: number;
  y: Float32Array;
  cb: Float32Array;
  cr: Float32Array;
  h: Float32Array;
  s: Float32Array;
  v: Float32Array;
}

export function colourPlanes(p: RgbPatch): ColourPlanes {
  const n = p.size * p.size;
  const y = new Float32Array(n);
  const cb = new Float32Array(n);
  const cr = new Float32Array(n);
  const h = new Float32Array(n);
  const s = new Float32Array(n);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = p.r[i] ?? 0;
    const g = p.g[i] ?? 0;
    const b = p.b[i] ?? 0;
    y[i] = 0.299 * r + 0.587 * g + 0.114 * b;
    cb[i] = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b;
    cr[i] = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b;
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    const d = max - min;
    v[i] = max;
    s[i] = max > 0 ? (255 * d) / max : 0;
    let hue = 0;
    if (d > 0) {
      if (max === r) hue = ((g - b) / d + 6) % 6;
      else if (max === g) hue = (b - r) / d + 2;
      else hue = (r - g) / d + 4;
    }
    h[i] = (hue / 6) * 255;
  }
  return { size: p.size, y, cb, cr, h, s, v };
}

/** Uniform-pattern table for 8-bit LBP codes: 58 uniform codes get bins 0..57, the rest bin 58. */
const UNIFORM_BIN: Uint8Array = (() => {
  const table = new Uint8Array(256);
  let next = 0;
  for (let code = 0; code < 256; code++) {
    let transitions = 0;
    for (let bit = 0; bit < 8; bit++) {
      const a = (code >> bit) & 1;
      const b = (code >> ((bit + 1) % 8)) & 1;
      if (a !== b) transitions++;
    }
    table[code] = transitions <= 2 ? next++ : 58;
  }
  return table;
})();

export const LBP_BINS = 59;

/**
 * Uniform LBP histogram (8 neighbours on the square ring at distance `radius`) of one channel,
 * normalized to sum 1 and square-rooted (Hellinger), so a linear model compares shapes fairly.
 */
export function lbpHistogram(plane: Float32Array, size: number, radius: number, out: Float32Array, offset: number): void {
  const hist = new Float64Array(LBP_BINS);
  const R = radius;
  const dx = [-R, 0, R, R, R, 0, -R, -R];
  const dy = [-R, -R, -R, 0, R, R, R, 0];
  let count = 0;
  for (let y = R; y < size - R; y++) {
    for (let x = R; x < size - R; x++) {
      const c = plane[y * size + x] ?? 0;
      let code = 0;
      for (let k = 0; k < 8; k++) {
        const nb = plane[(y + (dy[k] ?? 0)) * size + x + (dx[k] ?? 0)] ?? 0;
        if (nb >= c) code |= 1 << k;
      }
      const bin = UNIFORM_BIN[code] ?? 58;
      hist[bin] = (hist[bin] ?? 0) + 1;
      count++;
    }
  }
  for (let i = 0; i < LBP_BINS; i++) out[offset + i] = Math.sqrt((hist[i] ?? 0) / Math.max(1, count));
}

/** Mean, standard deviation and skewness of a channel, scaled to roughly unit range. */
export function moments(plane: Float32Array, out: Float32Array, offset: number): void {
  const n = plane.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += plane[i] ?? 0;
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < n; i++) {
    const d = (plane[i] ?? 0) - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  const sd = Math.sqrt(m2 / n);
  out[offset] = mean / 255;
  out[offset + 1] = sd / 255;
  out[offset + 2] = sd > 1e-6 ? m3 / n / (sd * sd * sd) : 0;
}

/**
 * Sharpness and frequency cues on luma: print and re-capture blur the fine detail, so the share
 * of energy in the finest band (Laplacian) and in a middle band (difference of box blurs) relative
 * to the overall contrast drops; halftone dots and moiré add narrow-band energy instead.
 * Returns 6 values.
 */
export function frequencyCues(y: Float32Array, size: number, out: Float32Array, offset: number): void {
  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += y[i] ?? 0;
  mean /= y.length;
  let variance = 0;
  for (let i = 0; i < y.length; i++) variance += ((y[i] ?? 0) - mean) ** 2;
  variance = variance / y.length + 1;
  let lap = 0;
  let gradSum = 0;
  let gradSq = 0;
  let count = 0;
  for (let r = 1; r < size - 1; r++) {
    for (let c = 1; c < size - 1; c++) {
      const i = r * size + c;
      const v = y[i] ?? 0;
      const l = 4 * v - (y[i - 1] ?? 0) - (y[i + 1] ?? 0) - (y[i - size] ?? 0) - (y[i + size] ?? 0);
      lap += l * l;
      const gx = (y[i + 1] ?? 0) - (y[i - 1] ?? 0);
      const gy = (y[i + size] ?? 0) - (y[i - size] ?? 0);
      const gm = Math.sqrt(gx * gx + gy * gy);
      gradSum += gm;
      gradSq += gm * gm;
      count++;
    }
  }
  const blur1 = boxBlur(y, size, 1);
  const blur3 = boxBlur(y, size, 3);
  let band1 = 0;
  let band2 = 0;
  for (let i = 0; i < y.length; i++) {
    band1 += ((y[i] ?? 0) - (blur1[i] ?? 0)) ** 2;
    band2 += ((blur1[i] ?? 0) - (blur3[i] ?? 0)) ** 2;
  }
  band1 /= y.length;
  band2 /= y.length;
  const gradMean = gradSum / count;
  out[offset] = Math.log1p(lap / count / variance);
  out[offset + 1] = Math.log1p(band1 / variance);
  out[offset + 2] = Math.log1p(band2 / variance);
  out[offset + 3] = Math.log1p(band1 / (band2 + 1e-3));
  out[offset + 4] = gradMean / Math.sqrt(variance);
  out[offset + 5] = Math.sqrt(Math.max(0, gradSq / count - gradMean * gradMean)) / (gradMean + 1e-3);
}

/** Separable box blur of radius r with edge clamping. */
function boxBlur(src: Float32Array, size: number, r: number): Float32Array {
  const tmp = new Float32Array(src.length);
  const dst = new Float32Array(src.length);
  const w = 2 * r + 1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++) s += src[y * size + Math.min(size - 1, Math.max(0, x + k))] ?? 0;
      tmp[y * size + x] = s / w;
    }
  }
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++) s += tmp[Math.min(size - 1, Math.max(0, y + k)) * size + x] ?? 0;
      dst[y * size + x] = s / w;
    }
  }
  return dst;
}

/** Luma percentiles (2nd, 50th, 98th) over 255: prints rarely reach deep black or specular white. */
export function lumaRange(y: Float32Array, out: Float32Array, offset: number): void {
  const hist = new Uint32Array(256);
  for (let i = 0; i < y.length; i++) {
    const bin = Math.min(255, Math.max(0, Math.round(y[i] ?? 0)));
    hist[bin] = (hist[bin] ?? 0) + 1;
  }
  const targets = [0.02, 0.5, 0.98];
  let acc = 0;
  let t = 0;
  for (let b = 0; b < 256 && t < targets.length; b++) {
    acc += hist[b] ?? 0;
    while (t < targets.length && acc >= (targets[t] ?? 1) * y.length) {
      out[offset + t] = b / 255;
      t++;
    }
  }
  while (t < targets.length) out[offset + t++] = 1;
}
