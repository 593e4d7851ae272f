/**
 * The preview's frames, from the bus on the main thread: 'frame' carries the camera's JPEG,
 * 'analysis' the faces of one of those frames (by seq). Listens only between start() and stop()
 * (while someone watches), and keeps a handful of JPEGs so that a frame can be drawn with its own
 * faces; when its analysis is not among them, the newest frame gets the nearest analysis.
 */
import type { BusEvents, EventBus, FrameAnalysis } from '../deps.ts';
import { encodePreview, type AnalysedFace } from './encode.ts';
import type { PreviewFrames } from './sampler.ts';
import type { PreviewFrame } from './types.ts';
import { previewVerdict } from './verdict.ts';

/** Frames kept for pairing: at 8 fps about the time one analysis takes on a loaded board. */
const KEPT_FRAMES = 6;
/**
 * An analysis this close (capture time) to the frame shown is near enough to draw on it: a still
 * scene's frames come every keep-alive (2 s by default), and in a still scene the face has not moved.
 */
const NEAR_MS = 3000;

export interface BusPreviewFramesOptions {
  bus: EventBus<BusEvents>;
  /** Asks the live pipeline to analyse the next frame even in a still scene (as camera enrollment does). */
  wantFrame(): void;
  maxWidth?: number;
}

interface KeptFrame {
  seq: number;
  capturedAt: number;
  jpeg: Uint8Array;
}

interface LastAnalysis {
  frameSeq: number;
  capturedAt: number;
  width: number;
  height: number;
  faces: AnalysedFace[];
}

const summary = (a: FrameAnalysis): LastAnalysis => ({
  frameSeq: a.frameSeq,
  capturedAt: a.capturedAt,
  width: a.width,
  height: a.height,
  faces: a.faces.map((f) => ({ box: f.box, reasons: f.quality.reasons })),
});

export function busPreviewFrames(opts: BusPreviewFramesOptions): PreviewFrames {
  const kept = new Map<number, KeptFrame>();
  let analysis: LastAnalysis | null = null;
  let offs: (() => void)[] = [];
  let lastShown = '';
  return {
    start() {
      offs = [
        opts.bus.on('frame', (f) => {
          if (!f.jpeg) return;
          kept.set(f.seq, { seq: f.seq, capturedAt: f.capturedAt, jpeg: f.jpeg });
          if (kept.size > KEPT_FRAMES) kept.delete(kept.keys().next().value as number);
        }),
        opts.bus.on('analysis', (a) => {
          analysis = summary(a);
        }),
      ];
    },
    stop() {
      for (const off of offs) off();
      offs = [];
      kept.clear();
      analysis = null;
      lastShown = '';
    },
    async sample(): Promise<PreviewFrame | null> {
      opts.wantFrame();
      const a = analysis;
      const newest = [...kept.values()].at(-1);
      if (!newest) return null;
      // The analysed frame itself while it is recent (its boxes sit exactly on it), else the newest.
      const own = a ? kept.get(a.frameSeq) : undefined;
      const frame = own && newest.capturedAt - own.capturedAt <= NEAR_MS ? own : newest;
      const paired = a && Math.abs(frame.capturedAt - a.capturedAt) <= NEAR_MS ? a : null;
      const shown = `${frame.seq}/${paired?.frameSeq ?? '-'}`;
      if (shown === lastShown) return null; // nothing new to draw
      lastShown = shown;
      const encoded = await encodePreview(frame.jpeg, paired, opts.maxWidth);
      return {
        seq: frame.seq,
        capturedAt: frame.capturedAt,
        ...encoded,
        verdict: previewVerdict(paired ? encoded.faces : null),
        analysisSeq: paired?.frameSeq ?? null,
      };
    },
  };
}
