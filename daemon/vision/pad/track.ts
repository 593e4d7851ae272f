// Liveness across the frames of one tracked face: the single-frame scores, the planarity of the
// landmark motion and eye blinks combined in log-odds into one score in [0, 1].
import type { Box, Point } from '../../core/index.ts';
import { countBlinks, eyeAspectRatio } from './blink.ts';
import { logit } from './model.ts';
import { DEFAULT_PLANARITY, comparePair, planarityEvidence, type PairPlanarity, type PlanarityOptions, type PlanarityVerdict } from './planarity.ts';

export type PadChallenge = 'none' | 'blink' | 'turn';

export interface PadObservation {
  at: number;
  box: Box;
  /**
   * Measured landmarks of this frame, the same kind in every frame of a track: the detector's
   * keypoints (BlazeFace's 6, with ears), eyes first. Fewer than 6 points: planarity is not judged.
   */
  points: readonly Point[];
  /** Dense mesh (468 points) when the pipeline computes one; used for blinks and planarity. */
  mesh: readonly Point[] | null;
  /** Single-frame liveness of this frame in [0, 1] (already at the security level), null if not judged. */
  frameScore: number | null;
}

export interface PadTrackOptions {
  /** Frames remembered per track (older ones are dropped). */
  maxFrames: number;
  /** Log-odds added at full planarity evidence (±1). */
  planarWeight: number;
  /** Log-odds added once a blink is seen. */
  blinkWeight: number;
  challenge: PadChallenge;
  planarity: PlanarityOptions;
}

export const DEFAULT_TRACK: PadTrackOptions = { maxFrames: 30, planarWeight: 2, blinkWeight: 2, challenge: 'none', planarity: DEFAULT_PLANARITY };

export interface PadTrackStatus {
  frames: number;
  judgedFrames: number;
  /** Mean single-frame liveness (log-odds average), null while no frame was judged. */
  singleFrame: number | null;
  planarity: PlanarityVerdict;
  blinks: number | null;
  challengeMet: boolean;
  /** The combined score, null while undecided (nothing judged yet, or the challenge is not met). */
  score: number | null;
}

/** Mesh points used for planarity: a fixed spread-out subset, cheap and stable. */
const MESH_SUBSET = Array.from({ length: 59 }, (_, i) => i * 8);

function pointsFor(o: PadObservation): { pts: Point[]; kind: string } {
  if (o.mesh && o.mesh.length >= 468) return { pts: MESH_SUBSET.map((i) => o.mesh?.[i] as Point), kind: 'mesh' };
  return { pts: [...o.points], kind: `kp${o.points.length}` };
}

function eyeDistance(o: PadObservation): number {
  const m = o.mesh;
  if (m && m.length >= 468) {
    const a = m[33];
    const b = m[263];
    if (a && b) return Math.hypot(a[0] - b[0], a[1] - b[1]);
  }
  const [a, b] = o.points;
  return a && b ? Math.hypot(a[0] - b[0], a[1] - b[1]) : Math.max(1, o.box.width) * 0.4;
}

/** At least 6 measured points (4 would fit any motion exactly; 5 leave almost no residual). */
function validPoints(pts: readonly Point[]): boolean {
  return pts.length >= 6 && pts.every((p) => p !== undefined && Number.isFinite(p[0]) && Number.isFinite(p[1]));
}

export class PadTrack {
  private readonly frames: { obs: PadObservation; pts: Point[]; kind: string; ear: number | null }[] = [];
  private readonly adjacent: PairPlanarity[] = [];
  private readonly far: PairPlanarity[] = [];
  private readonly opts: PadTrackOptions;

  constructor(opts: Partial<PadTrackOptions> = {}) {
    this.opts = { ...DEFAULT_TRACK, ...opts };
  }

  /** Adds one frame of the track and returns the combined score so far (null while undecided). */
  add(obs: PadObservation): number | null {
    const { pts, kind } = pointsFor(obs);
    const frame = { obs, pts, kind, ear: eyeAspectRatio(obs.mesh) };
    if (validPoints(pts)) {
      // The previous frame measures landmark jitter; a few earlier frames spread over the track
      // (the oldest sees the largest turn) measure what the motion did to the shape.
      const same = this.frames.filter((f) => f.kind === kind && validPoints(f.pts));
      const scale = eyeDistance(obs);
      const compare = (k: number): PairPlanarity | null => {
        const prev = same[k];
        return prev ? comparePair(prev.pts, pts, (scale + eyeDistance(prev.obs)) / 2) : null;
      };
      const last = same.length - 1;
      const adj = last >= 0 ? compare(last) : null;
      if (adj) this.adjacent.push(adj);
      const picks = new Set<number>();
      for (const k of [0, Math.floor(same.length / 3), Math.floor((2 * same.length) / 3)]) if (k >= 0 && k < last - 1) picks.add(k);
      for (const k of picks) {
        const pair = compare(k);
        if (pair) this.far.push(pair);
      }
      while (this.adjacent.length > this.opts.maxFrames) this.adjacent.shift();
      while (this.far.length > 3 * this.opts.maxFrames) this.far.shift();
    }
    this.frames.push(frame);
    while (this.frames.length > this.opts.maxFrames) this.frames.shift();
    return this.status().score;
  }

  status(): PadTrackStatus {
    const judged = this.frames.map((f) => f.obs.frameScore).filter((s): s is number => s !== null && Number.isFinite(s));
    const planarity = planarityEvidence(this.adjacent, this.far, this.opts.planarity);
    const ears = this.frames.map((f) => f.ear).filter((e): e is number => e !== null);
    const blinks = ears.length >= 3 ? countBlinks(ears) : null;
    const challengeMet =
      this.opts.challenge === 'none' ||
      (this.opts.challenge === 'blink' && (blinks ?? 0) > 0) ||
      (this.opts.challenge === 'turn' && (planarity.evidence ?? 0) > 0);
    if (judged.length === 0) return { frames: this.frames.length, judgedFrames: 0, singleFrame: null, planarity, blinks, challengeMet, score: null };
    const meanLogit = judged.reduce((s, p) => s + logit(p), 0) / judged.length;
    let z = meanLogit;
    if (planarity.evidence !== null) z += this.opts.planarWeight * planarity.evidence;
    if ((blinks ?? 0) > 0) z += this.opts.blinkWeight;
    const score = 1 / (1 + Math.exp(-z));
    return {
      frames: this.frames.length,
      judgedFrames: judged.length,
      singleFrame: 1 / (1 + Math.exp(-meanLogit)),
      planarity,
      blinks,
      challengeMet,
      score: challengeMet ? score : null,
    };
  }
}
