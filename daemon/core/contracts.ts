/**
 * Types that cross rooms. Rooms of the same tier (camera, vision, identity, access, door) may not
 * import each other, so what one hands the next is declared here and wired by main.ts.
 */

/** A decoded camera frame at the analysis size. */
export interface Frame {
  /** Increases by one per frame the source produced (gaps = frames dropped before analysis). */
  seq: number;
  /** ms since epoch when the frame was read from the source. */
  capturedAt: number;
  /** The same instant on the monotonic clock (Clock.monotonic), for durations; camera frames always carry it. */
  capturedMono?: number;
  sourceId: string;
  width: number;
  height: number;
  /** Packed RGB, 3 bytes per pixel, row-major, width*height*3 bytes. */
  rgb: Uint8Array;
  /** The encoded JPEG as it came from the camera, when it did (for snapshots; never stored by default). */
  jpeg?: Uint8Array;
  /** Why the motion gate let it through: a keep-alive frame of a still scene may be skipped by analysis. */
  trigger?: 'disabled' | 'first' | 'motion' | 'hold' | 'keepalive';
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type Point = readonly [x: number, y: number];

/** One face found in one frame. Coordinates are in the frame's pixels. */
export interface FaceObservation {
  box: Box;
  detectionScore: number;
  /** Eyes (right, left as seen in the image: the subject's right eye first), nose tip, mouth corners. */
  landmarks5: Point[];
  /**
   * The detector's own keypoints in frame pixels when the pipeline passes them on (BlazeFace: eye,
   * eye, nose tip, mouth centre, ear, ear). PAD's planarity check needs these real points: the ears
   * sit far off the face plane, while landmarks5's mouth corners are derived, not measured.
   */
  keypoints?: Point[] | null;
  /**
   * MediaPipe FaceMesh's 468 points (its indexing) in frame pixels when vision.mesh is enabled and
   * the mesh model confirms the face, else null. 2-D: the model's depth is a guess from one image.
   */
  mesh: Point[] | null;
  /** L2-normalized verification embedding; null when the face failed the quality filter. */
  embedding: Float32Array | null;
  quality: { ok: boolean; reasons: string[]; sharpness: number; yaw: number; pitch: number; size: number };
  /** Presentation-attack evidence: 1 = certainly live, 0 = certainly an attack; null if not judged. */
  liveness: number | null;
  /**
   * The PAD check's raw P(live) before it is put on the configured security level (null when not
   * judged or no check is plugged in): with the model's operating points it gives the face's score
   * at every level, which the per-door self-test needs.
   */
  livenessRaw?: number | null;
  /**
   * What a door's PAD adaptation learns from, only while a self-test with adaptation collects it:
   * the shipped CNN's P(live), the colour-texture features and the shipped raw score. Kept in
   * memory for the fit, never stored.
   */
  padEvidence?: PadFrameEvidence;
  attributes: { emotion?: string; emotionScore?: number; age?: number; gender?: string; genderScore?: number } | null;
}

export interface PadFrameEvidence {
  cnn: number;
  texture: Float32Array;
  shippedRaw: number;
}

export interface FrameAnalysis {
  frameSeq: number;
  capturedAt: number;
  /** The frame's monotonic capture time, when it had one (the live pipeline passes it on). */
  capturedMono?: number;
  analysedAt: number;
  width: number;
  height: number;
  faces: FaceObservation[];
  /** ms spent per stage, for metrics and the bench. */
  timings: Record<string, number>;
}

/** What the door room offers to access, mqtt and admin. */
export interface DoorControl {
  readonly id: string;
  /** Pulses the lock open for the strike time; refused (returns false) in lockdown unless override. */
  unlock(by: { kind: 'face' | 'manual' | 'rex' | 'mqtt' | 'api'; actor?: string; override?: boolean }): boolean;
  holdUnlockedUntil(until: Date | null, actor: string): void;
  setLockdown(on: boolean, actor: string): void;
}

/** The outcome of matching one face against the gallery. */
export interface MatchResult {
  personId: string | null;
  score: number;
  /** Best score minus second best (another person); 1 when the gallery holds one person. */
  margin: number;
}

/** One access decision; also becomes an event in the store. */
export interface AccessDecision {
  door: string;
  granted: boolean;
  reason:
    | 'match'
    | 'unknown'
    | 'spoof_suspected'
    | 'liveness_unknown'
    | 'outside_schedule'
    | 'expired'
    | 'not_yet_valid'
    | 'lockout'
    | 'lockdown'
    | 'quality'
    | 'disabled';
  personId: string | null;
  score: number | null;
  liveness: number | null;
  at: number;
  /** The public event this decision raised (bus 'event' follows the decision). */
  eventId: string;
  /** Monotonic capture time of the frame that concluded the vote (TrackVerdict.at): which frame to keep as a snapshot. */
  frameAt: number;
}

/**
 * Identity's conclusion about one tracked face once enough frames agreed (one per track);
 * access turns it into an AccessDecision.
 */
export interface TrackVerdict {
  door: string;
  trackId: number;
  /** The person the agreeing frames matched, or null: they agreed on nobody enrolled. */
  personId: string | null;
  /** Median best score over the agreeing frames. */
  score: number;
  margin: number;
  /**
   * The passage's one PAD score: the lowest single-frame score of the track when one frame was an
   * attack; null when an agreeing frame (or the track check) could not judge; else the lowest of
   * the agreeing frames' scores and the track check's combined score.
   */
  liveness: number | null;
  frames: number;
  /** Monotonic capture time (Clock.monotonic) of the frame that concluded the vote. */
  at: number;
  /** Monotonic capture time of the track's first frame: when the face was first seen (access times the decision from it). */
  firstAt: number;
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/**
 * When a person may enter, in wall-clock time of `timezone` (IANA name). A window whose `to`
 * is not after `from` runs past midnight into the next day; from == to means 24 hours.
 */
export interface WeeklySchedule {
  timezone: string;
  windows: { days: Weekday[]; from: string; to: string }[];
}

/** What access needs to know about a person to decide; identity provides it. */
export interface PersonAccess {
  personId: string;
  enabled: boolean;
  /** ISO instants; null = unbounded. */
  validFrom: string | null;
  validUntil: string | null;
  /** null = any time. */
  schedule: WeeklySchedule | null;
}
