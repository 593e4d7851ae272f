import type { Box, FaceObservation, MatchResult, TrackVerdict } from '../core/index.ts';

export interface TrackerSettings {
  /** Agreeing frames needed for a verdict on a person. */
  voteFrames: number;
  /** Frames agreeing on nobody needed to call a face unknown (more than voteFrames: a blurred first frame must not lock the owner out). */
  unknownFrames: number;
  /** Votes older than this no longer count. */
  voteWindowMs: number;
  /** A box overlapping its track's last box by at least this IoU continues it... */
  minIou: number;
  /** ...or an embedding this similar to the track's last one, when the face moved fast. */
  minContinuity: number;
  /** A track unseen for this long ends. */
  timeoutMs: number;
  /** Single-frame PAD score a frame needs to count as live (access.liveness_min). */
  livenessMin: number;
}

interface Vote {
  at: number;
  personId: string | null;
  score: number;
  margin: number;
  /** This frame's own single-frame PAD score; null when not judged (or not a finite number). */
  liveness: number | null;
}

interface Track {
  id: number;
  box: Box;
  embedding: Float32Array | null;
  lastSeen: number;
  /** When the track's first frame was captured. */
  firstSeen: number;
  votes: Vote[];
  decided: boolean;
  /** Lowest judged single-frame PAD score of any frame of the track, voting or not. */
  lowestLiveness: number | null;
  /** The track check's combined score at the latest frame (null while it cannot judge). */
  combined: number | null;
}

export function iou(a: Box, b: Box): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** Anything but a finite number is "not judged". */
const judged = (x: number | null | undefined): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

function median(values: number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * Liveness evidence across the frames of one track (vision's multi-frame PAD check, injected by
 * main.ts): each observation returns the combined score so far, or null while it cannot judge.
 * It is weighed beside the frames' own scores, never instead of them.
 */
export interface TrackLiveness {
  observe(trackId: string, face: FaceObservation, at: number): number | null;
  end(trackId: string): void;
}

/**
 * Follows faces from frame to frame and votes: a track yields exactly one verdict, once
 * `voteFrames` frames within the window agree on one person (or `unknownFrames` agree on nobody).
 * Frames whose face could not be embedded continue the track but do not vote.
 */
export class FaceTracker {
  readonly #s: TrackerSettings;
  readonly #door: string;
  readonly #liveness: TrackLiveness | null;
  #tracks: Track[] = [];
  #nextId = 1;

  constructor(door: string, settings: TrackerSettings, liveness: TrackLiveness | null = null) {
    this.#door = door;
    this.#s = settings;
    this.#liveness = liveness;
  }

  get activeTracks(): number {
    return this.#tracks.length;
  }

  /** Feeds one analysed frame; `match` is called for each embedded face of an undecided track. */
  update(at: number, faces: FaceObservation[], match: (embedding: Float32Array) => MatchResult): TrackVerdict[] {
    this.#tracks = this.#tracks.filter((t) => {
      const alive = at - t.lastSeen <= this.#s.timeoutMs;
      if (!alive) this.#liveness?.end(String(t.id));
      return alive;
    });
    const verdicts: TrackVerdict[] = [];
    const free = new Set(this.#tracks);
    // Greedy association, most certain pairs first.
    const pairs: { face: number; track: Track; score: number }[] = [];
    faces.forEach((f, i) => {
      for (const t of free) {
        const overlap = iou(f.box, t.box);
        const similar = f.embedding && t.embedding ? cosine(f.embedding, t.embedding) : null;
        // Same place but clearly another face: a new track.
        if (overlap >= this.#s.minIou && (similar === null || similar >= this.#s.minContinuity * 0.5)) pairs.push({ face: i, track: t, score: 1 + overlap });
        else if (similar !== null && similar >= this.#s.minContinuity) pairs.push({ face: i, track: t, score: similar });
      }
    });
    pairs.sort((a, b) => b.score - a.score);
    const assigned = new Map<number, Track>();
    for (const p of pairs) {
      if (assigned.has(p.face) || !free.has(p.track)) continue;
      assigned.set(p.face, p.track);
      free.delete(p.track);
    }
    faces.forEach((face, i) => {
      let track = assigned.get(i);
      if (!track) {
        track = {
          id: this.#nextId++,
          box: face.box,
          embedding: null,
          lastSeen: at,
          firstSeen: at,
          votes: [],
          decided: false,
          lowestLiveness: null,
          combined: null,
        };
        this.#tracks.push(track);
      }
      track.box = face.box;
      track.lastSeen = at;
      if (face.embedding) track.embedding = face.embedding;
      if (track.decided) return;
      const liveness = judged(face.liveness);
      if (liveness !== null && (track.lowestLiveness === null || liveness < track.lowestLiveness)) track.lowestLiveness = liveness;
      if (this.#liveness) track.combined = judged(this.#liveness.observe(String(track.id), face, at));
      if (!face.embedding || !face.quality.ok) return;
      const m = match(face.embedding);
      track.votes = track.votes.filter((v) => at - v.at <= this.#s.voteWindowMs);
      track.votes.push({ at, personId: m.personId, score: m.score, margin: m.margin, liveness });
      const verdict = this.#conclude(track, at);
      if (verdict) {
        track.decided = true;
        verdicts.push(verdict);
      }
    });
    return verdicts;
  }

  #conclude(track: Track, at: number): TrackVerdict | null {
    const latest = track.votes[track.votes.length - 1] as Vote;
    const agreeing = track.votes.filter((v) => v.personId === latest.personId);
    const needed = latest.personId === null ? this.#s.unknownFrames : this.#s.voteFrames;
    if (agreeing.length < needed) return null;
    return {
      door: this.#door,
      trackId: track.id,
      personId: latest.personId,
      score: median(agreeing.map((v) => v.score)),
      margin: median(agreeing.map((v) => v.margin)),
      liveness: this.#passageLiveness(track, agreeing),
      frames: agreeing.length,
      at,
      firstAt: track.firstSeen,
    };
  }

  /**
   * One PAD decision per passage: an attack frame anywhere in the track denies it (its score, so
   * access says spoof_suspected); else any unjudged voting frame leaves it unjudged (never granted);
   * else the lowest of the voting frames and the track check's combined score. Multi-frame evidence
   * can pull a passage down (flat motion) but never lift an attack frame.
   */
  #passageLiveness(track: Track, voting: Vote[]): number | null {
    if (track.lowestLiveness !== null && track.lowestLiveness < this.#s.livenessMin) return track.lowestLiveness;
    const frames = voting.map((v) => v.liveness).filter((l): l is number => l !== null);
    if (frames.length < voting.length) return null;
    if (!this.#liveness) return Math.min(...frames);
    return track.combined === null ? null : Math.min(...frames, track.combined);
  }

  reset(): void {
    for (const t of this.#tracks) this.#liveness?.end(String(t.id));
    this.#tracks = [];
  }
}
