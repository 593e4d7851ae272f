/**
 * The camera framing preview (issue 21): what one preview frame carries and how a viewer is served.
 * The only live pixel path to the admin panel: frames are sampled on the main thread only while a
 * viewer is open, handed over in memory and never stored (docs/PRIVACY.md).
 */
import type { Box } from '../deps.ts';

/** What the panel draws in the colour of the verdict: the first thing the person should change, or ok. */
export type PreviewVerdict = 'ok' | 'no_face' | 'several_faces' | 'too_small' | 'blurred' | 'dark' | 'turned_away' | 'tilted' | 'not_analysed';

export interface PreviewFace {
  /** In the pixels of the preview JPEG (already scaled down with it). */
  box: Box;
  /** The pipeline's quality reasons (too_small, blurred, turned_away, tilted) and dark; empty when fine. */
  reasons: string[];
}

export interface PreviewFrame {
  /** The camera frame's sequence number and capture time (ms since epoch). */
  seq: number;
  capturedAt: number;
  /** The downscaled JPEG the panel draws, and its size. */
  jpeg: Uint8Array;
  width: number;
  height: number;
  faces: PreviewFace[];
  verdict: PreviewVerdict;
  /** The frame the faces were found on: this one, or the nearest analysed one; null: none recent. */
  analysisSeq: number | null;
}

/** Why a preview ended from the daemon's side. */
export type PreviewEndReason = 'time_limit' | 'stopped';

/** Where one open preview's frames go. */
export interface PreviewViewer {
  frame(f: PreviewFrame): void;
  end(reason: PreviewEndReason): void;
}

export interface PreviewSession {
  /** The rate and length this session gets. */
  readonly fps: number;
  readonly maxSeconds: number;
  /** The viewer left: no more frames; sampling stops with the last viewer. */
  close(): void;
}

/**
 * The camera room's framing preview as admin sees it. open() refuses with a ServiceError:
 * unavailable (no camera), conflict (as many previews open as allowed).
 */
export interface CameraPreviewService {
  open(viewer: PreviewViewer): PreviewSession | Promise<PreviewSession>;
}
