import type { Gray } from './decode.ts';

export interface MotionGateOptions {
  enabled: boolean;
  /** 0..1: higher reacts to smaller per-pixel brightness changes. */
  sensitivity: number;
  /** Share of the region of interest that must change. */
  minArea: number;
  /** Region of interest as shares of the frame. */
  roi: { x: number; y: number; width: number; height: number };
  /** Frames keep passing this long after the last motion. */
  holdMs: number;
  /** With no motion, one frame passes this often. */
  keepaliveMs: number;
  /** With no motion, frames are looked at only this often (the others are not even decoded). */
  idleCheckMs?: number;
}

export type GateReason = 'disabled' | 'first' | 'motion' | 'hold' | 'keepalive' | 'still';

export interface GateDecision {
  pass: boolean;
  reason: GateReason;
  /** Share of the region of interest that changed. */
  changed: number;
}

/** How fast the background follows the scene: a person who stops moving fades out in about a second at 10 fps. */
const BACKGROUND_RATE = 0.25;

/** Per-pixel change (0..255) that counts, from sensitivity: 1 → 6 grey levels, 0.5 → 31, 0 → 56. */
export function pixelThreshold(sensitivity: number): number {
  return 6 + (1 - Math.min(1, Math.max(0, sensitivity))) * 50;
}

/**
 * Decides, on a small grayscale copy, whether a frame is worth face detection: a frame passes on
 * motion (a change against a slowly adapting background inside the region of interest), for a
 * short hold after motion, and otherwise only at the keep-alive rate.
 */
export class MotionGate {
  readonly #opts: MotionGateOptions;
  readonly #threshold: number;
  #background: Float32Array | null = null;
  #width = 0;
  #height = 0;
  #lastPassAt = Number.NEGATIVE_INFINITY;
  #lastMotionAt = Number.NEGATIVE_INFINITY;
  #lastCheckAt = Number.NEGATIVE_INFINITY;

  constructor(opts: MotionGateOptions) {
    this.#opts = opts;
    this.#threshold = pixelThreshold(opts.sensitivity);
  }

  /**
   * Whether a frame at `now` needs looking at: false when the scene has been still and the last
   * check was recent, so the caller can skip decoding it — a still scene costs a decode per
   * idle check, not per frame. (The 0.8 lets a check interval of two frame periods survive jitter.)
   */
  needsCheck(now: number): boolean {
    if (!this.#opts.enabled || !this.#background) return true;
    if (now - this.#lastMotionAt <= this.#opts.holdMs) return true;
    if (now - this.#lastPassAt >= this.#opts.keepaliveMs) return true;
    return now - this.#lastCheckAt >= 0.8 * (this.#opts.idleCheckMs ?? 0);
  }

  check(gray: Gray, now: number): GateDecision {
    this.#lastCheckAt = now;
    if (!this.#opts.enabled) return this.#pass('disabled', 0, now);
    if (!this.#background || gray.width !== this.#width || gray.height !== this.#height) {
      this.#background = Float32Array.from(gray.data);
      this.#width = gray.width;
      this.#height = gray.height;
      return this.#pass('first', 0, now);
    }
    const changed = this.#compare(gray.data, this.#background);
    if (changed > 0 && changed >= this.#opts.minArea) {
      this.#lastMotionAt = now;
      return this.#pass('motion', changed, now);
    }
    if (now - this.#lastMotionAt <= this.#opts.holdMs) return this.#pass('hold', changed, now);
    if (now - this.#lastPassAt >= this.#opts.keepaliveMs) return this.#pass('keepalive', changed, now);
    return { pass: false, reason: 'still', changed };
  }

  #pass(reason: GateReason, changed: number, now: number): GateDecision {
    this.#lastPassAt = now;
    return { pass: true, reason, changed };
  }

  /** Counts changed pixels inside the ROI and moves the whole background towards this frame. */
  #compare(data: Uint8Array, bg: Float32Array): number {
    const w = this.#width;
    const h = this.#height;
    const { roi } = this.#opts;
    const x0 = Math.min(w - 1, Math.floor(roi.x * w));
    const y0 = Math.min(h - 1, Math.floor(roi.y * h));
    const x1 = Math.max(x0 + 1, Math.min(w, Math.ceil((roi.x + roi.width) * w)));
    const y1 = Math.max(y0 + 1, Math.min(h, Math.ceil((roi.y + roi.height) * h)));
    const t = this.#threshold;
    let count = 0;
    for (let y = y0; y < y1; y++) {
      const row = y * w;
      for (let x = x0; x < x1; x++) {
        const i = row + x;
        const d = (data[i] as number) - (bg[i] as number);
        if (d > t || d < -t) count++;
      }
    }
    for (let i = 0; i < bg.length; i++) bg[i] = (bg[i] as number) + BACKGROUND_RATE * ((data[i] as number) - (bg[i] as number));
    return count / ((x1 - x0) * (y1 - y0));
  }
}
