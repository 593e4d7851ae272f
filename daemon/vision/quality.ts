// Quality filter: is this face worth embedding? Size, sharpness and head pose, each with a reason.
// Pose comes from BlazeFace's keypoints, so it is an estimate (good to about ±10°), enough to
// reject profile views and strong nods that would make a poor match.
import type { Point } from '../core/index.ts';

export interface QualityLimits {
  minFacePx: number;
  minSharpness: number;
  maxYawDeg: number;
  maxPitchDeg: number;
}

export interface Quality {
  ok: boolean;
  reasons: string[];
  sharpness: number;
  yaw: number;
  pitch: number;
  size: number;
}

const DEG = 180 / Math.PI;
/** Nose tip's place between the eye line (0) and the mouth (1) on the canonical frontal face. */
const FRONTAL_NOSE_T = 0.494;

function clamp1(v: number): number {
  return Math.max(-1, Math.min(1, v));
}

/** Nose-tip depth in front of the eyes, as a fraction of the eye distance (adult average, approximate). */
const NOSE_DEPTH = 0.55;

/** Yaw and pitch in degrees from [eye, eye, nose, mouth, ...] (image-left eye first). */
export function estimatePose(kp: readonly Point[]): { yaw: number; pitch: number } {
  const [e1, e2, nose, mouth] = kp;
  if (!e1 || !e2 || !nose || !mouth) return { yaw: 0, pitch: 0 };
  // Along the eye axis: a turned head moves the (protruding) nose tip sideways off the eyes' midpoint.
  // The ear keypoints would be the textbook choice, but BlazeFace places them too loosely.
  const mx = (e1[0] + e2[0]) / 2,
    my = (e1[1] + e2[1]) / 2;
  const ax = e2[0] - mx,
    ay = e2[1] - my;
  const half2 = ax * ax + ay * ay || 1;
  const side = ((nose[0] - mx) * ax + (nose[1] - my) * ay) / half2 / 2; // in eye distances
  const yaw = Math.atan2(side, NOSE_DEPTH) * DEG;
  // Along the eyes-to-mouth direction: the nose rides up when the head tilts back, down when it nods.
  const dx = mouth[0] - mx,
    dy = mouth[1] - my;
  const d2 = dx * dx + dy * dy || 1;
  const t = ((nose[0] - mx) * dx + (nose[1] - my) * dy) / d2;
  const pitch = Math.asin(clamp1((t - FRONTAL_NOSE_T) * 2)) * DEG;
  return { yaw, pitch };
}

/** Variance of the 4-neighbour Laplacian of the grey crop: low = blurred. */
export function sharpness(crop: Uint8Array, size: number): number {
  const grey = new Float32Array(size * size);
  for (let i = 0; i < grey.length; i++) grey[i] = 0.299 * crop[i * 3]! + 0.587 * crop[i * 3 + 1]! + 0.114 * crop[i * 3 + 2]!;
  let sum = 0,
    sum2 = 0,
    n = 0;
  // The centre half of the crop: the face itself, not the background or black borders.
  const lo = Math.floor(size / 4),
    hi = Math.ceil((3 * size) / 4);
  for (let y = lo; y < hi; y++) {
    for (let x = lo; x < hi; x++) {
      const i = y * size + x;
      const l = grey[i - 1]! + grey[i + 1]! + grey[i - size]! + grey[i + size]! - 4 * grey[i]!;
      sum += l;
      sum2 += l * l;
      n++;
    }
  }
  const mean = sum / n;
  return sum2 / n - mean * mean;
}

export function assessQuality(kp: readonly Point[], faceWidth: number, crop: Uint8Array, cropSize: number, limits: QualityLimits): Quality {
  const { yaw, pitch } = estimatePose(kp);
  const sharp = sharpness(crop, cropSize);
  const reasons: string[] = [];
  if (faceWidth < limits.minFacePx) reasons.push('too_small');
  if (sharp < limits.minSharpness) reasons.push('blurred');
  if (Math.abs(yaw) > limits.maxYawDeg) reasons.push('turned_away');
  if (Math.abs(pitch) > limits.maxPitchDeg) reasons.push('tilted');
  return { ok: reasons.length === 0, reasons, sharpness: sharp, yaw, pitch, size: faceWidth };
}
