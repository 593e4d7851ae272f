// Synthetic landmark tracks for the planarity check: a 3D head (BlazeFace's 6 keypoints at
// roughly human proportions, in eye-distance units) turning in front of a pinhole camera, and a
// flat photo of the same face being turned and moved. Seeded, so every run sees the same noise.
import type { Point } from '../../daemon/core/index.ts';

type Vec3 = [number, number, number];

/** Eyes, nose tip, mouth centre, ears; x right, y down, z towards the camera (eye distance = 1). */
export const HEAD: readonly Vec3[] = [
  [-0.5, 0, 0],
  [0.5, 0, 0],
  [0, 0.45, 0.55],
  [0, 0.95, 0.15],
  [-1.15, 0.35, -1.2],
  [1.15, 0.35, -1.2],
];

/** The same points flattened onto the picture plane: what a printed frontal photo carries. */
export const PHOTO: readonly Vec3[] = HEAD.map(([x, y]) => [x, y, 0]);

/** The seeded generator the head's tests draw noise from. */
export { seededRandom as rng } from '../../scripts/lib/seeded-random.ts';

function gauss(next: () => number): number {
  return Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
}

/** Rotates by yaw (about y), pitch (about x), roll (about z), in degrees. */
export function rotate([x, y, z]: Vec3, yaw: number, pitch: number, roll: number): Vec3 {
  const [a, b, c] = [yaw, pitch, roll].map((d) => (d * Math.PI) / 180) as [number, number, number];
  // yaw
  let x1 = x * Math.cos(a) + z * Math.sin(a);
  let z1 = -x * Math.sin(a) + z * Math.cos(a);
  // pitch
  const y1 = y * Math.cos(b) - z1 * Math.sin(b);
  z1 = y * Math.sin(b) + z1 * Math.cos(b);
  // roll
  const x2 = x1 * Math.cos(c) - y1 * Math.sin(c);
  const y2 = x1 * Math.sin(c) + y1 * Math.cos(c);
  x1 = x2;
  return [x1, y2, z1];
}

export interface Pose {
  yaw: number;
  pitch: number;
  roll: number;
  /** Translation in eye-distance units; tz is the distance from the camera (larger = farther). */
  tx: number;
  ty: number;
  tz: number;
}

/** Pinhole projection (focal 600 px, principal point 320,240) with Gaussian pixel noise. */
export function project(points: readonly Vec3[], pose: Pose, noisePx: number, next: () => number, unitPx = 6.5): Point[] {
  const f = 600;
  return points.map((p) => {
    const [x, y, z] = rotate(p, pose.yaw, pose.pitch, pose.roll);
    // Scene units: eye distance = unitPx cm; camera looks along -z at the object placed tz away.
    const X = x * unitPx + pose.tx * unitPx;
    const Y = y * unitPx + pose.ty * unitPx;
    const Z = pose.tz * unitPx - z * unitPx;
    return [320 + (f * X) / Z + noisePx * gauss(next), 240 + (f * Y) / Z + noisePx * gauss(next)] as const;
  });
}

/** A track of `frames` poses sweeping yaw and pitch by up to ±amp degrees with a little drift. */
export function sweep(frames: number, amp: number, next: () => number): Pose[] {
  return Array.from({ length: frames }, (_, i) => {
    const t = frames > 1 ? i / (frames - 1) : 0;
    return {
      yaw: amp * Math.sin(2 * Math.PI * t),
      pitch: (amp / 2) * Math.cos(2 * Math.PI * t),
      roll: 3 * (next() - 0.5),
      tx: 0.3 * (next() - 0.5),
      ty: 0.3 * (next() - 0.5),
      tz: 9 + 0.5 * (next() - 0.5),
    };
  });
}
