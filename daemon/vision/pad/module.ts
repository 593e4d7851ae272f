// The LivenessModule the inference worker imports by URL (see ../liveness.ts): it builds the PAD
// check inside the worker's own thread. The worker calls createLivenessCheck() with no argument
// (balanced defaults); main.ts or the worker may pass the `pad` config section.
import type { Config } from '../../config/index.ts';
import type { LivenessCheck } from '../liveness.ts';
import { DEFAULT_PAD, PadLivenessCheck, PadScorer, PadTrackCheck, type PadOptions } from './check.ts';

export type PadConfig = Config['pad'];

export function padOptionsFromConfig(pad: PadConfig, modelsDir?: string): PadOptions {
  return { securityLevel: pad.security_level, minFacePx: pad.min_face_px, modelsDir: modelsDir ?? DEFAULT_PAD.modelsDir };
}

export function createLivenessCheck(pad?: PadConfig, modelsDir?: string): Promise<LivenessCheck> {
  const opts = pad ? padOptionsFromConfig(pad, modelsDir) : { ...DEFAULT_PAD, ...(modelsDir ? { modelsDir } : {}) };
  return Promise.resolve(new PadLivenessCheck(PadScorer.load(opts)));
}

/**
 * The per-track check main.ts feeds with each tracked face (see LivenessTrackCheck), or null when
 * the pad section turns multi-frame evidence off (the single-frame scores then stand alone).
 */
export function createPadTrackCheck(pad: PadConfig): PadTrackCheck | null {
  if (!pad.enabled || !pad.multi_frame) return null;
  return new PadTrackCheck({ maxFrames: pad.max_track_frames, challenge: pad.challenge });
}
