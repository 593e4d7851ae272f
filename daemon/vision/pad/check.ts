// The per-face single-frame check (the pipeline's liveness slot) and the per-track check that
// adds multi-frame evidence. Faces that cannot be judged are never called live.
import type { Box, FaceObservation } from '../../core/index.ts';
import type { LivenessCheck, LivenessInput, LivenessTrackCheck } from '../liveness.ts';
import { MODELS_DIR } from '../manifest.ts';
import { cropPatch, squareAround } from './crop.ts';
import { extractFeatures } from './features.ts';
import { calibrated, loadPadModel, rawProbability, type PadModelFile, type PadSecurityLevel } from './model.ts';
import { DEFAULT_TRACK, PadTrack, type PadChallenge, type PadTrackOptions } from './track.ts';

export interface PadOptions {
  securityLevel: PadSecurityLevel;
  /** Faces narrower than this are not judged (the larger of this and the model's own minimum). */
  minFacePx: number;
  modelsDir: string;
}

export const DEFAULT_PAD: PadOptions = { securityLevel: 'balanced', minFacePx: 64, modelsDir: MODELS_DIR };

/** Why a face was not judged. */
export type Unjudged = 'bad_box' | 'too_small' | 'out_of_frame' | 'too_dark' | 'too_bright' | 'flat';

export type PadJudgement = { score: number; raw: number } | { score: null; unjudged: Unjudged };

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

export class PadScorer {
  readonly name = 'pad-lbp';
  private readonly minFacePx: number;

  constructor(readonly model: PadModelFile, private readonly opts: PadOptions = DEFAULT_PAD) {
    this.minFacePx = Math.max(opts.minFacePx, model.minFacePx);
  }

  static load(opts: Partial<PadOptions> = {}): PadScorer {
    const o = { ...DEFAULT_PAD, ...opts };
    return new PadScorer(loadPadModel(o.modelsDir), o);
  }

  /** Judges one face of a packed RGB frame; the score is at the configured security level. */
  judge(rgb: Uint8Array, width: number, height: number, box: Box): PadJudgement {
    if (![box.x, box.y, box.width, box.height].every(Number.isFinite) || box.width <= 0 || box.height <= 0) return { score: null, unjudged: 'bad_box' };
    if (!(rgb instanceof Uint8Array) || rgb.length !== width * height * 3 || width < 1 || height < 1) return { score: null, unjudged: 'bad_box' };
    if (Math.min(box.width, box.height) < this.minFacePx) return { score: null, unjudged: 'too_small' };
    const e = exposure(rgb, width, height, box);
    if (e.outside > 0.25) return { score: null, unjudged: 'out_of_frame' };
    if (e.mean < 25) return { score: null, unjudged: 'too_dark' };
    if (e.mean > 235) return { score: null, unjudged: 'too_bright' };
    if (e.sd < 4) return { score: null, unjudged: 'flat' };
    const raw = rawProbability(this.model, extractFeatures(this.model.features, rgb, width, height, box));
    if (!Number.isFinite(raw)) return { score: null, unjudged: 'flat' };
    return { score: calibrated(this.model, raw, this.opts.securityLevel), raw };
  }
}

/**
 * The liveness slot of the vision pipeline. A face that cannot be judged gets null, not 0: it is
 * never granted (access: liveness_unknown), but a person still walking up (a small face) is not
 * reported as an attack; identity's vote keeps the lowest score of the frames that were judged.
 */
export class PadLivenessCheck implements LivenessCheck {
  readonly name = 'pad-lbp';
  constructor(readonly scorer: PadScorer) {}

  score(input: LivenessInput): Promise<number | null> {
    return this.judge(input).then((j) => j.score);
  }

  judge(input: LivenessInput): Promise<{ score: number | null; raw: number | null }> {
    const j = this.scorer.judge(input.image.data, input.image.width, input.image.height, input.box);
    return Promise.resolve(j.score === null ? { score: null, raw: null } : { score: j.score, raw: j.raw });
  }
}

/** Per-track accumulator for main.ts: feed every observation of a tracked face, read the combined score. */
export class PadTrackCheck implements LivenessTrackCheck {
  readonly name = 'pad-track';
  private readonly tracks = new Map<string, PadTrack>();
  private readonly opts: Partial<PadTrackOptions>;

  constructor(opts: Partial<PadTrackOptions> = {}, private readonly maxTracks = 64) {
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

export interface PadModuleOptions extends Partial<PadOptions> {
  challenge?: PadChallenge;
}
