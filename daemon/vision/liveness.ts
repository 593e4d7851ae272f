// The presentation-attack slot. vision/pad/ provides the checks; the pipeline only calls them.
import type { Box, FaceObservation, PadFrameEvidence, Point } from '../core/index.ts';
import type { RgbImage } from './image.ts';

/** What a per-face liveness check sees. */
export interface LivenessInput {
  /** The whole frame (packed RGB). */
  image: RgbImage;
  box: Box;
  /** BlazeFace keypoints in frame pixels: eye, eye, nose, mouth, ear, ear (image-left first). */
  keypoints: readonly Point[];
  detectionScore: number;
}

/**
 * A per-face presentation-attack score: 1 = certainly live, 0 = certainly an attack, null = the
 * face cannot be judged (too small, off the frame, extreme light): never granted, but not an attack.
 */
export interface LivenessCheck {
  readonly name: string;
  score(input: LivenessInput): Promise<number | null>;
  /** The score and the raw P(live) behind it (before the security level), when the check has one. */
  judge?(input: LivenessInput): Promise<{ score: number | null; raw: number | null; evidence?: PadFrameEvidence }>;
  /** New settings while running (a door's PAD adaptation), the same object createLivenessCheck() was given. */
  configure?(options: unknown): Promise<void> | void;
  close?(): Promise<void> | void;
}

/**
 * A check across the frames of one track (blink, small head motion, texture change). The track
 * is identity's notion, so main.ts feeds each tracked face here and reads back a combined score.
 */
export interface LivenessTrackCheck {
  readonly name: string;
  /** Adds one observation of a track; returns the combined score so far, or null while undecided. */
  observe(trackId: string, face: FaceObservation, at: number): number | null;
  /** Forgets a track that ended. */
  end(trackId: string): void;
}

/** A module the inference worker can import to build its liveness check in its own thread. */
export interface LivenessModule {
  /** `options` is the structured-cloneable settings object the daemon passes (e.g. its pad section). */
  createLivenessCheck(options?: unknown): Promise<LivenessCheck>;
}
