// Eye blinks from a dense face mesh (MediaPipe FaceMesh's 468-point indexing): the eye aspect
// ratio (eyelid gap over eye width, Soukupová & Čech 2016) drops sharply and recovers in a blink.
// A printed photo cannot blink. Without a mesh, blinks are not judged.
import type { Point } from '../../core/index.ts';

/** Corner, upper lid ×2, corner, lower lid ×2 for each eye. */
const EYES: readonly (readonly number[])[] = [
  [33, 160, 158, 133, 153, 144],
  [362, 385, 387, 263, 373, 380],
];

function dist(a: Point, b: Point): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

/** Mean eye aspect ratio of both eyes, or null when the mesh is missing or malformed. */
export function eyeAspectRatio(mesh: readonly Point[] | null): number | null {
  if (!mesh || mesh.length < 468) return null;
  let sum = 0;
  for (const idx of EYES) {
    const [p1, p2, p3, p4, p5, p6] = idx.map((i) => mesh[i]) as Point[];
    if (!p1 || !p2 || !p3 || !p4 || !p5 || !p6) return null;
    const width = dist(p1, p4);
    if (!(width > 0)) return null;
    sum += (dist(p2, p6) + dist(p3, p5)) / (2 * width);
  }
  const ear = sum / EYES.length;
  return Number.isFinite(ear) ? ear : null;
}

/**
 * Counts blinks in a series of eye aspect ratios: a dip below `closedFraction` of the open level
 * (the series' 80th percentile) followed by a return above `openFraction` of it.
 */
export function countBlinks(ears: readonly number[], closedFraction = 0.7, openFraction = 0.9): number {
  if (ears.length < 3) return 0;
  const sorted = [...ears].sort((a, b) => a - b);
  const open = sorted[Math.floor(0.8 * (sorted.length - 1))] ?? 0;
  if (!(open > 0)) return 0;
  let blinks = 0;
  let closed = false;
  let seenOpen = false;
  for (const e of ears) {
    if (e >= openFraction * open) {
      if (closed) blinks++;
      closed = false;
      seenOpen = true;
    } else if (e <= closedFraction * open && seenOpen) {
      closed = true;
    }
  }
  return blinks;
}
