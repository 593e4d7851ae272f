// Cuts a square patch around a face from a packed RGB frame and resamples it to a fixed size.
// Area averaging (not bilinear) so that a large face is low-passed before it is shrunk: texture
// features must see the same band of frequencies whether the face was 80 or 300 pixels wide.
import type { Box } from '../../core/index.ts';

export interface RgbPatch {
  size: number;
  /** Planar channels, each size*size floats in 0..255. */
  r: Float32Array;
  g: Float32Array;
  b: Float32Array;
  /** Fraction of the patch that lay outside the frame (filled with the nearest edge pixel). */
  outside: number;
}

/** The square around the box centre whose side is `scale` times the box's longer side. */
export function squareAround(box: Box, scale: number): Box {
  const side = Math.max(box.width, box.height) * scale;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  return { x: cx - side / 2, y: cy - side / 2, width: side, height: side };
}

/**
 * Resamples `region` (frame pixels) of an RGB frame into a size×size patch. Each output pixel is
 * the mean of the source pixels it covers (at least one sample per output pixel when upscaling).
 */
export function cropPatch(rgb: Uint8Array, width: number, height: number, region: Box, size: number): RgbPatch {
  const n = size * size;
  const r = new Float32Array(n);
  const g = new Float32Array(n);
  const b = new Float32Array(n);
  const step = region.width / size;
  // Sample grid per output pixel: about one sample per source pixel, capped to bound the cost.
  const k = Math.max(1, Math.min(8, Math.round(step)));
  let outsideSamples = 0;
  for (let oy = 0; oy < size; oy++) {
    for (let ox = 0; ox < size; ox++) {
      let sr = 0;
      let sg = 0;
      let sb = 0;
      for (let j = 0; j < k; j++) {
        const fy = region.y + (oy + (j + 0.5) / k) * (region.height / size);
        let y = Math.floor(fy);
        if (y < 0 || y >= height) outsideSamples += k;
        y = y < 0 ? 0 : y >= height ? height - 1 : y;
        const row = y * width;
        for (let i = 0; i < k; i++) {
          const fx = region.x + (ox + (i + 0.5) / k) * step;
          let x = Math.floor(fx);
          if ((x < 0 || x >= width) && fy >= 0 && fy < height) outsideSamples++;
          x = x < 0 ? 0 : x >= width ? width - 1 : x;
          const p = (row + x) * 3;
          sr += rgb[p] ?? 0;
          sg += rgb[p + 1] ?? 0;
          sb += rgb[p + 2] ?? 0;
        }
      }
      const o = oy * size + ox;
      const inv = 1 / (k * k);
      r[o] = sr * inv;
      g[o] = sg * inv;
      b[o] = sb * inv;
    }
  }
  return { size, r, g, b, outside: outsideSamples / (n * k * k) };
}
