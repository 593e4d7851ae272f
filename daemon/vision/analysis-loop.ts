// The live pipeline's pump: bus 'frame' → analyze (the vision worker) → bus 'analysis'.
// Capture never waits for inference: one frame is in flight at a time, and while it is the
// newest frame waits in a single slot (an older waiting frame is dropped and counted).
import type { BusEvents, Clock, EventBus, Frame, FrameAnalysis, Logger, Service } from '../core/index.ts';
import { FacegateError } from '../core/index.ts';

export interface AnalysisLoopOptions {
  bus: EventBus<BusEvents>;
  log: Logger;
  clock: Clock;
  analyze: (frame: Frame) => Promise<FrameAnalysis>;
  /** A frame in flight longer than this withholds the 'analysis' heartbeat (a hung worker). */
  stallMs: number;
  /** After a failed frame, frames are dropped for this long (a worker that cannot start is not retried per frame). */
  retryMs?: number;
  /**
   * With faces in view, a still scene's keep-alive frames are analysed at most this often (default
   * 30 s): the scene did not move, so they can only show the same faces again, and keep-alives are
   * too far apart to add a vote to a track (identity's vote window); a face on a poster must not
   * cost detection every 2 s forever. Any moving frame is analysed at once.
   */
  stillFaceMs?: number;
}

export interface AnalysisLoopStats {
  analysed: number;
  /** Frames dropped because a newer one arrived while the worker was busy. */
  skipped: number;
  failed: number;
  /** Frames dropped while waiting to retry after a failure. */
  droppedAfterError: number;
  /** Keep-alive frames of a still scene skipped: nobody in view, or the faces in view analysed recently. */
  idleSkipped: number;
  lastMs: number | null;
}

export class AnalysisLoop implements Service {
  readonly #o: AnalysisLoopOptions;
  readonly #retryMs: number;
  readonly #stillFaceMs: number;
  // Monotonic ms: every time kept here is for a duration.
  #inFlightSince: number | null = null;
  #waiting: Frame | null = null;
  #retryAt = Number.NEGATIVE_INFINITY;
  #off: (() => void) | null = null;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;
  #lastErrorLog = Number.NEGATIVE_INFINITY;
  #lastStartedAt = Number.NEGATIVE_INFINITY;
  #facesInView = false;
  #wanted = false;
  readonly #stats: AnalysisLoopStats = { analysed: 0, skipped: 0, failed: 0, droppedAfterError: 0, idleSkipped: 0, lastMs: null };

  constructor(opts: AnalysisLoopOptions) {
    this.#o = opts;
    this.#retryMs = opts.retryMs ?? 5000;
    this.#stillFaceMs = opts.stillFaceMs ?? 30_000;
  }

  stats(): AnalysisLoopStats {
    return { ...this.#stats };
  }

  /** The next frame is analysed even if it is a keep-alive that would be skipped (an operator capturing a face). */
  wantNextFrame(): void {
    this.#wanted = true;
  }

  start(): void {
    this.#stopped = false;
    this.#off = this.#o.bus.on('frame', (frame) => this.#offer(frame));
    // The heartbeat says "the loop is not stuck": idle or a frame in flight for less than stallMs.
    this.#timer = setInterval(() => {
      const since = this.#inFlightSince;
      const now = this.#o.clock.monotonic();
      if (since === null || now - since < this.#o.stallMs) this.#o.bus.emit('heartbeat', { source: 'analysis', at: now });
      else this.#o.log.warn({ busyMs: now - since }, 'frame analysis stuck; withholding the analysis heartbeat');
    }, 1000);
    this.#timer.unref();
  }

  stop(): void {
    this.#stopped = true;
    this.#off?.();
    this.#off = null;
    if (this.#timer) clearInterval(this.#timer);
    this.#waiting = null;
  }

  #offer(frame: Frame): void {
    if (this.#stopped) return;
    if (this.#stillSkip(frame)) {
      this.#stats.idleSkipped++;
      return;
    }
    this.#wanted = false;
    if (this.#o.clock.monotonic() < this.#retryAt) {
      this.#stats.droppedAfterError++;
      return;
    }
    if (this.#inFlightSince !== null) {
      if (this.#waiting) this.#stats.skipped++;
      this.#waiting = frame;
      return;
    }
    void this.#run(frame);
  }

  /**
   * A face cannot appear in a scene that did not move: with nobody in view, a still scene's
   * keep-alive frames cost detection and tell nothing (this keeps an idle door under 5 % CPU);
   * with faces in view, one now and then confirms they are still there.
   */
  #stillSkip(frame: Frame): boolean {
    return frame.trigger === 'keepalive' && !this.wantsKeepalive();
  }

  /** Whether a keep-alive frame offered now would be analysed (the camera need not decode one that would not). */
  wantsKeepalive(): boolean {
    if (this.#stats.analysed === 0 || this.#wanted) return true;
    if (!this.#facesInView) return false;
    return this.#o.clock.monotonic() - this.#lastStartedAt >= this.#stillFaceMs;
  }

  async #run(frame: Frame): Promise<void> {
    const started = this.#o.clock.monotonic();
    this.#inFlightSince = started;
    this.#lastStartedAt = started;
    try {
      const analysed = await this.#o.analyze(frame);
      // The worker does not see the monotonic capture time; identity's track windows need it.
      const result = frame.capturedMono === undefined ? analysed : { ...analysed, capturedMono: frame.capturedMono };
      this.#stats.analysed++;
      this.#stats.lastMs = this.#o.clock.monotonic() - started;
      // A face arriving in an empty scene is worth a line (and gives the decision latency its start).
      if (result.faces.length > 0 && !this.#facesInView) {
        this.#o.log.info({ frameSeq: result.frameSeq, capturedAt: new Date(result.capturedAt).toISOString(), faces: result.faces.length }, 'face in view');
      }
      this.#facesInView = result.faces.length > 0;
      if (!this.#stopped) this.#o.bus.emit('analysis', result);
    } catch (err) {
      this.#stats.failed++;
      // A malformed frame costs only itself; anything else (a worker that died or cannot start) pauses the loop.
      const now = this.#o.clock.monotonic();
      if (!(err instanceof FacegateError && err.code === 'VISION_BAD_FRAME')) this.#retryAt = now + this.#retryMs;
      // One line per retry period at most: a broken worker must not flood the log at 10 fps.
      if (now - this.#lastErrorLog >= this.#retryMs) {
        this.#lastErrorLog = now;
        this.#o.log.error({ err, failed: this.#stats.failed, retryInMs: this.#retryMs }, 'frame analysis failed');
      }
    } finally {
      this.#inFlightSince = null;
      const now = this.#o.clock.monotonic();
      this.#o.bus.emit('heartbeat', { source: 'analysis', at: now });
      const next = this.#waiting;
      this.#waiting = null;
      if (next && !this.#stopped && now >= this.#retryAt) void this.#run(next);
    }
  }
}
