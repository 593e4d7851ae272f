// Whether a face can be judged at all, before any model looks at it: a malformed box or frame, a
// face too small to show texture, mostly off the frame, or lit so badly that nothing is left.
import type { Box } from '../../core/index.ts';
import { cropPatch, squareAround } from './crop.ts';

/** Why a face was not judged. */
export type Unjudged = 'bad_box' | 'too_small' | 'out_of_frame' | 'too_dark' | 'too_bright' | 'flat' | 'no_score';

/** Luma statistics of the face region: extreme exposure leaves no texture to judge. */
function exposure(rgb: Uint8Array, width: number, height: number, box: Box): { mean: number; sd: number; outside: number } {
  const p = cropPatch(rgb, width, height, squareAround(box, 1), 32);
  let s = 0;
  let s2 = 0;
  const n = p.size * p.size;
  for (let i = 0; i < n; i++) {
    const y = 0.299 * (p.r[i] ?? 0) + 0.587 * (p.g[i] ?? 0) + 0.114 * (p.b[i] ?? 0);
    s += y;
    s2 += y * y;
  }
  const mean = s / n;
  return { mean, sd: Math.sqrt(Math.max(0, s2 / n - mean * mean)), outside: p.outside };
}

/** The reason a face cannot be judged, or null when it can. */
export function unjudgeable(rgb: Uint8Array, width: number, height: number, box: Box, minFacePx: number): Unjudged | null {
  if (![box.x, box.y, box.width, box.height].every(Number.isFinite) || box.width <= 0 || box.height <= 0) return 'bad_box';
  if (!(rgb instanceof Uint8Array) || !(width >= 1 && height >= 1) || rgb.length !== width * height * 3) return 'bad_box';
  if (Math.min(box.width, box.height) < minFacePx) return 'too_small';
  const e = exposure(rgb, width, height, box);
  if (e.outside > 0.25) return 'out_of_frame';
  if (e.mean < 25) return 'too_dark';
  if (e.mean > 235) return 'too_bright';
  if (e.sd < 4) return 'flat';
  return null;
}
