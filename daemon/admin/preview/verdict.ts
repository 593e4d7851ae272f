// What the framing preview tells the person in front of the camera: one verdict, the first thing
// to change. The pipeline judges size, sharpness and pose; the preview adds light (a face the
// camera sees too dark enrolls poorly, though vision does not refuse it for that alone).
import type { Box } from '../deps.ts';
import type { PreviewFace, PreviewVerdict } from './types.ts';

/** Mean luma (0–255) of a face below this is "dark": under it detail goes before the face does. */
export const DARK_LUMA = 50;

/** Most pressing first: stand closer before anything else, then light, then focus, then pose. */
const ORDER: readonly PreviewVerdict[] = ['too_small', 'dark', 'blurred', 'turned_away', 'tilted'];

/** null: no analysis near enough to the frame to say anything. */
export function previewVerdict(faces: readonly PreviewFace[] | null): PreviewVerdict {
  if (faces === null) return 'not_analysed';
  if (faces.length === 0) return 'no_face';
  if (faces.length > 1) return 'several_faces';
  const reasons = faces[0]?.reasons ?? [];
  return ORDER.find((r) => reasons.includes(r)) ?? 'ok';
}

/** Mean Rec. 601 luma of `box` (clipped to the image) in packed RGB; null for a box outside it. */
export function meanLuma(rgb: Uint8Array, width: number, height: number, box: Box): number | null {
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(width, Math.ceil(box.x + box.width));
  const y1 = Math.min(height, Math.ceil(box.y + box.height));
  if (x1 <= x0 || y1 <= y0) return null;
  let sum = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * width + x) * 3;
      sum += 0.299 * rgb[i]! + 0.587 * rgb[i + 1]! + 0.114 * rgb[i + 2]!;
    }
  }
  return sum / ((x1 - x0) * (y1 - y0));
}
