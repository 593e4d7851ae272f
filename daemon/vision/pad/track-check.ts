// The per-track PAD check for the daemon's main thread (identity's tracker feeds it): planarity and
// blinks across frames. No inference runtime here: main.ts may import it.
import type { Config } from '../../config/index.ts';
import type { FaceObservation } from '../../core/index.ts';
import type { LivenessTrackCheck } from '../liveness.ts';
import { DEFAULT_TRACK, PadTrack, type PadTrackOptions } from './track.ts';

/** Per-track accumulator for main.ts: feed every observation of a tracked face, read the combined score. */
export class PadTrackCheck implements LivenessTrackCheck {
  readonly name = 'pad-track';
  private readonly tracks = new Map<string, PadTrack>();
  private readonly opts: Partial<PadTrackOptions>;

  constructor(
    opts: Partial<PadTrackOptions> = {},
    private readonly maxTracks = 64,
  ) {
    this.opts = { ...DEFAULT_TRACK, ...opts };
  }

  observe(trackId: string, face: FaceObservation, at: number): number | null {
    let track = this.tracks.get(trackId);
    if (!track) {
      // Bounded memory: forget the oldest track when a crowd passes.
      if (this.tracks.size >= this.maxTracks) {
        const oldest = this.tracks.keys().next().value;
        if (oldest !== undefined) this.tracks.delete(oldest);
      }
      track = new PadTrack(this.opts);
      this.tracks.set(trackId, track);
    }
    // Planarity needs measured points off the face plane: the detector's keypoints (with ears) or
    // the mesh. landmarks5 derives its mouth corners from the other points, so any motion fits a
    // homography and a real head would look flat: it is not used.
    const points = face.keypoints && face.keypoints.length >= 6 ? face.keypoints : [];
    return track.add({ at, box: face.box, points, mesh: face.mesh, frameScore: face.liveness });
  }

  end(trackId: string): void {
    this.tracks.delete(trackId);
  }

  get size(): number {
    return this.tracks.size;
  }
}

/**
 * The per-track check main.ts feeds with each tracked face (see LivenessTrackCheck), or null when
 * the pad section turns multi-frame evidence off (the single-frame scores then stand alone).
 */
export function createPadTrackCheck(pad: Config['pad']): PadTrackCheck | null {
  if (!pad.enabled || !pad.multi_frame) return null;
  return new PadTrackCheck({ maxFrames: pad.max_track_frames, challenge: pad.challenge });
}
