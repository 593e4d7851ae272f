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

/** Yaw and pitch in degrees from [eye, eye, nose, mouth, ear, ear] (image-left first). */
export function estimatePose(kp: readonly Point[]): { yaw: number; pitch: number } {
  const [e1, e2, nose, mouth, ear1, ear2] = kp;
  if (!e1 || !e2 || !nose || !mouth || !ear1 || !ear2) return { yaw: 0, pitch: 0 };
  // Along the ear-to-ear axis: a frontal nose sits midway; a turned head moves it towards one ear.
  const ax = ear2[0] - ear1[0], ay = ear2[1] - ear1[1];
  const len2 = ax * ax + ay * ay || 1;
  const r = ((nose[0] - ear1[0]) * ax + (nose[1] - ear1[1]) * ay) / len2;
  const yaw = Math.asin(clamp1(2 * r - 1)) * DEG;
  // Along the eyes-to-mouth direction: the nose rides up when the head tilts back, down when it nods.
  const mx = (e1[0] + e2[0]) / 2, my = (e1[1] + e2[1]) / 2;
  const dx = mouth[0] - mx, dy = mouth[1] - my;
  const d2 = dx * dx + dy * dy || 1;
  const t = ((nose[0] - mx) * dx + (nose[1] - my) * dy) / d2;
  const pitch = Math.asin(clamp1((t - FRONTAL_NOSE_T) * 2)) * DEG;
  return { yaw, pitch };
}

/** Variance of the 4-neighbour Laplacian of the grey crop: low = blurred. */
export function sharpness(crop: Uint8Array, size: number): number {
  const grey = new Float32Array(size * size);
  for (let i = 0; i < grey.length; i++) grey[i] = 0.299 * crop[i * 3]! + 0.587 * crop[i * 3 + 1]! + 0.114 * crop[i * 3 + 2]!;
  let sum = 0, sum2 = 0, n = 0;
  // The centre half of the crop: the face itself, not the background or black borders.
  const lo = Math.floor(size / 4), hi = Math.ceil((3 * size) / 4);
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
