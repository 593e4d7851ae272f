import type { Frame } from '../core/index.ts';
import { decodeGray, decodeRgb } from './decode.ts';
import type { GateDecision, MotionGate } from './motion-gate.ts';

export interface EncodedFrame {
  jpeg: Buffer;
  seq: number;
  /** Wall clock, ms since epoch. */
  capturedAt: number;
  /** Monotonic ms (Clock.monotonic), for durations downstream. */
  capturedMono: number;
  sourceId: string;
}

export interface PumpHandlers {
  /** A frame passed the gate and is decoded at the analysis size. */
  frame(frame: Frame, gate: GateDecision): void;
  /** A JPEG decoded (whether or not it passed the gate): the source is healthy. */
  good(): void;
  /** A JPEG could not be decoded; it was skipped. */
  bad(err: Error): void;
  /** Whether a frame the gate let through is wanted; one that is not is not decoded (default: all are). */
  wanted?(decision: GateDecision): boolean;
}

export interface PumpStats {
  decoded: number;
  decodeErrors: number;
  /** Frames replaced by a newer one before they were decoded. */
  dropped: number;
  /** Frames the motion gate held back, and keep-alive frames nobody wanted. */
  gatedOut: number;
  passed: number;
  /** Of those held back, frames not even decoded (a still scene between idle checks). */
  skipped: number;
}

/**
 * Decodes one frame at a time; while it works, only the newest waiting frame is kept: capture
 * never queues up behind a slow decode, and every frame replaced is counted as dropped.
 * Decoding is asynchronous (sharp runs in libuv's pool), so the event loop stays free.
 */
export class FramePump {
  readonly #width: number;
  readonly #height: number;
  readonly #gate: MotionGate;
  /** Monotonic ms: the gate's hold and keep-alive and the busy time are durations. */
  readonly #now: () => number;
  readonly #handlers: PumpHandlers;
  #pending: EncodedFrame | null = null;
  #busySince: number | null = null;
  #idle: Promise<void> = Promise.resolve();
  readonly stats: PumpStats = { decoded: 0, decodeErrors: 0, dropped: 0, gatedOut: 0, passed: 0, skipped: 0 };

  constructor(opts: { width: number; height: number; gate: MotionGate; now: () => number; handlers: PumpHandlers }) {
    this.#width = opts.width;
    this.#height = opts.height;
    this.#gate = opts.gate;
    this.#now = opts.now;
    this.#handlers = opts.handlers;
  }

  /** When the decode in progress began, or null when idle: a decode stuck for long means the loop is hung. */
  get busySince(): number | null {
    return this.#busySince;
  }

  /** Resolves when no decode is in progress or waiting. */
  idle(): Promise<void> {
    return this.#idle;
  }

  offer(frame: EncodedFrame): void {
    if (this.#busySince !== null) {
      if (this.#pending) this.stats.dropped++;
      this.#pending = frame;
      return;
    }
    this.#busySince = this.#now();
    this.#idle = this.#drain(frame);
  }

  /** Forgets a waiting frame (the source restarted); it is counted as dropped. */
  discardPending(): void {
    if (this.#pending) this.stats.dropped++;
    this.#pending = null;
  }

  async #drain(first: EncodedFrame): Promise<void> {
    let next: EncodedFrame | null = first;
    while (next) {
      this.#busySince = this.#now();
      await this.#process(next);
      next = this.#pending;
      this.#pending = null;
    }
    this.#busySince = null;
  }

  async #process(f: EncodedFrame): Promise<void> {
    let decision: GateDecision;
    if (!this.#gate.needsCheck(this.#now())) {
      this.stats.gatedOut++;
      this.stats.skipped++;
      return;
    }
    try {
      const gray = await decodeGray(f.jpeg);
      decision = this.#gate.check(gray, this.#now());
      if (!decision.pass || this.#handlers.wanted?.(decision) === false) {
        this.stats.decoded++;
        this.stats.gatedOut++;
        this.#handlers.good();
        return;
      }
      const rgb = await decodeRgb(f.jpeg, this.#width, this.#height);
      this.stats.decoded++;
      this.stats.passed++;
      this.#handlers.good();
      this.#handlers.frame(
        {
          seq: f.seq,
          capturedAt: f.capturedAt,
          capturedMono: f.capturedMono,
          sourceId: f.sourceId,
          width: rgb.width,
          height: rgb.height,
          rgb: rgb.data,
          jpeg: f.jpeg,
          ...(decision.reason !== 'still' ? { trigger: decision.reason } : {}),
        },
        decision,
      );
    } catch (err) {
      this.stats.decodeErrors++;
      this.#handlers.bad(err instanceof Error ? err : new Error(String(err)));
    }
  }
}
