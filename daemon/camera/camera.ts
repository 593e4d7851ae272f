import sharp from 'sharp';
import { makeEvent, systemClock, type BusEvents, type Clock, type EventBus, type Logger, type Service, type TimerHandle } from '../core/index.ts';
import { detectSource, systemProbe, type BoardProbe } from './detect.ts';
import { FramePump } from './frame-pump.ts';
import { makeSource, SourceConfigError, type CameraConfig } from './make-source.ts';
import { MjpegSplitter } from './mjpeg-splitter.ts';
import { MotionGate } from './motion-gate.ts';
import { RateMeter } from './rate-meter.ts';
import type { FrameSource, SourceExit, SourceKind } from './source.ts';

export interface CameraMetrics {
  /** JPEGs per second out of the source (5 s window). */
  fpsIn: number;
  /** Frames per second that passed the motion gate and went on to analysis. */
  fpsAnalysed: number;
  framesIn: number;
  framesAnalysed: number;
  /** Frames the motion gate held back (a still scene). */
  framesGatedOut: number;
  /** Frames replaced by a newer one before decoding (newest wins). */
  dropped: number;
  /** JPEGs that failed to decode, and frames the splitter found cut off or malformed. */
  decodeErrors: number;
  brokenFrames: number;
  junkBytes: number;
  restarts: number;
}

export type CameraState = 'starting' | 'running' | 'lost' | 'none' | 'ended' | 'stopped';

export interface CameraStatus {
  kind: SourceKind | 'none';
  sourceId: string | null;
  state: CameraState;
  detail: string;
  /** ms since epoch of the last state change. */
  since: number;
}

export interface Camera extends Service {
  metrics(): CameraMetrics;
  status(): CameraStatus;
}

export interface CameraOptions {
  config: CameraConfig;
  bus: EventBus<BusEvents>;
  log: Logger;
  clock?: Clock;
  /** Board facts for source auto; tests pass their own. */
  probe?: BoardProbe;
  /** Whether anyone would use a keep-alive frame now: one nobody would analyse is not decoded to RGB. */
  wantsKeepalive?: () => boolean;
}

/** A source that has delivered frames this long is healthy again: its restart delay starts over. */
const STABLE_MS = 10_000;
/** Cameras take a moment to start (rpicam-vid 1–2 s on a Pi): the first frame of a run gets at least this long. */
const STARTUP_GRACE_MS = 5000;
const TICK_MS = 1000;

export function createCamera(opts: CameraOptions): Camera {
  return new CameraService(opts);
}

/**
 * Runs one source under supervision: splits its stream, decodes the newest frame, gates it on
 * motion and emits 'frame'. A source that exits, hangs or sends garbage is restarted with
 * exponential backoff; camera_lost / camera_restored mark the outage as public events.
 */
class CameraService implements Camera {
  readonly #config: CameraConfig;
  readonly #bus: EventBus<BusEvents>;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #probe: BoardProbe;
  readonly #splitter: MjpegSplitter;
  readonly #pump: FramePump;
  readonly #rateIn = new RateMeter();
  readonly #rateOut = new RateMeter();
  #source: FrameSource | null = null;
  #sourceRunning = false;
  #status: CameraStatus;
  #active = false;
  #lost = false;
  #failures = 0;
  #restarts = 0;
  #seq = 0;
  #framesIn = 0;
  #badStreak = 0;
  #framesThisRun = 0;
  /** Junk byte count when the last JPEG came: more than two frames' worth of junk since is garbage. */
  #junkMark = 0;
  /** Monotonic ms: when this run of the source started, and when its last JPEG came. */
  #startedAt = 0;
  #lastFrameAt = 0;
  #tickTimer: TimerHandle | null = null;
  #restartTimer: TimerHandle | null = null;

  constructor(opts: CameraOptions) {
    this.#config = opts.config;
    this.#bus = opts.bus;
    this.#log = opts.log.child({ room: 'camera' });
    this.#clock = opts.clock ?? systemClock;
    this.#probe = opts.probe ?? systemProbe;
    this.#splitter = new MjpegSplitter(opts.config.max_frame_kb * 1024);
    const m = opts.config.motion;
    const gate = new MotionGate({
      enabled: m.enabled,
      sensitivity: m.sensitivity,
      minArea: m.min_area,
      roi: m.roi,
      holdMs: m.hold_s * 1000,
      keepaliveMs: m.keepalive_s * 1000,
      idleCheckMs: 1000 / m.idle_check_fps,
    });
    this.#pump = new FramePump({
      width: opts.config.width,
      height: opts.config.height,
      gate,
      now: () => this.#clock.monotonic(),
      handlers: {
        frame: (frame) => {
          this.#rateOut.mark(this.#clock.monotonic());
          this.#bus.emit('frame', frame);
        },
        good: () => this.#onGood(),
        bad: (err) => this.#onBad(err.message),
        wanted: (decision) => decision.reason !== 'keepalive' || (opts.wantsKeepalive?.() ?? true),
      },
    });
    this.#status = { kind: 'none', sourceId: null, state: 'stopped', detail: 'not started', since: this.#clock.now() };
  }

  async start(): Promise<void> {
    if (this.#active) return;
    this.#active = true;
    // Every frame is new: libvips' operation cache would only churn memory and CPU (process-wide).
    sharp.cache(false);
    this.#scheduleTick();
    const source = await this.#chooseSource();
    if (!source || !this.#active) return;
    this.#source = source;
    this.#log.info({ source: source.id }, 'camera source chosen');
    this.#setStatus('starting', 'waiting for the first frame');
    this.#startSource();
  }

  async stop(): Promise<void> {
    if (!this.#active) return;
    this.#active = false;
    if (this.#tickTimer) this.#clock.clearTimeout(this.#tickTimer);
    if (this.#restartTimer) this.#clock.clearTimeout(this.#restartTimer);
    this.#tickTimer = this.#restartTimer = null;
    this.#sourceRunning = false;
    await this.#source?.stop();
    this.#pump.discardPending();
    await this.#pump.idle();
    this.#status = { ...this.#status, state: 'stopped', detail: 'stopped', since: this.#clock.now() };
  }

  metrics(): CameraMetrics {
    const now = this.#clock.monotonic();
    const s = this.#pump.stats;
    const split = this.#splitter.stats;
    return {
      fpsIn: this.#rateIn.rate(now),
      fpsAnalysed: this.#rateOut.rate(now),
      framesIn: this.#framesIn,
      framesAnalysed: s.passed,
      framesGatedOut: s.gatedOut,
      dropped: s.dropped,
      decodeErrors: s.decodeErrors,
      brokenFrames: split.brokenFrames,
      junkBytes: split.junkBytes,
      restarts: this.#restarts,
    };
  }

  status(): CameraStatus {
    return { ...this.#status };
  }

  async #chooseSource(): Promise<FrameSource | null> {
    let kind = this.#config.source;
    let device: string | undefined;
    if (kind === 'auto') {
      const found = await detectSource(this.#probe);
      this.#log.info({ found }, 'camera auto-detection');
      if (found.source === 'none') {
        this.#setNone(found.detail);
        return null;
      }
      kind = found.source;
      if (found.source === 'v4l2') device = found.device;
    }
    if (kind === 'none') {
      this.#setNone('camera.source is none');
      return null;
    }
    try {
      return makeSource(kind, this.#config, this.#clock, device);
    } catch (err) {
      if (!(err instanceof SourceConfigError)) throw err;
      this.#log.error({ err: err.message }, 'camera not started');
      this.#setNone(err.message);
      return null;
    }
  }

  #setNone(detail: string): void {
    this.#status = { kind: 'none', sourceId: null, state: 'none', detail, since: this.#clock.now() };
    this.#bus.emit('camera:status', { sourceId: 'none', state: 'none', detail });
  }

  #setStatus(state: CameraState, detail: string): void {
    const source = this.#source;
    this.#status = { kind: source?.kind ?? 'none', sourceId: source?.id ?? null, state, detail, since: this.#clock.now() };
    const busState = state === 'running' ? 'running' : state === 'lost' ? 'lost' : state === 'ended' ? 'none' : null;
    if (busState) this.#bus.emit('camera:status', { sourceId: source?.id ?? 'none', state: busState, detail });
  }

  #startSource(): void {
    const source = this.#source;
    if (!source || !this.#active) return;
    this.#splitter.reset();
    this.#badStreak = 0;
    this.#framesThisRun = 0;
    this.#junkMark = this.#splitter.stats.junkBytes;
    this.#startedAt = this.#lastFrameAt = this.#clock.monotonic();
    this.#sourceRunning = true;
    source.start({
      data: (chunk) => this.#onData(source, chunk),
      exit: (info) => this.#onExit(info),
    });
  }

  #onData(source: FrameSource, chunk: Buffer): void {
    if (!this.#sourceRunning) return;
    const brokenBefore = this.#splitter.stats.brokenFrames;
    const jpegs = this.#splitter.push(chunk);
    const broken = this.#splitter.stats.brokenFrames - brokenBefore;
    const now = this.#clock.monotonic();
    const wall = this.#clock.now();
    if (jpegs.length > 0) this.#junkMark = this.#splitter.stats.junkBytes;
    for (const jpeg of jpegs) {
      this.#framesIn++;
      this.#framesThisRun++;
      this.#lastFrameAt = now;
      this.#rateIn.mark(now);
      this.#pump.offer({ jpeg, seq: ++this.#seq, capturedAt: wall, capturedMono: now, sourceId: source.id });
    }
    if (broken > 0) this.#onBad(`${broken} malformed frame(s) in the stream`, broken);
    const junk = this.#splitter.stats.junkBytes - this.#junkMark;
    if (this.#sourceRunning && junk > 2 * this.#config.max_frame_kb * 1024) this.#fail(`sends garbage: ${Math.round(junk / 1024)} KiB without a JPEG`);
  }

  #onGood(): void {
    this.#badStreak = 0;
    if (!this.#sourceRunning || this.#status.state === 'running') return;
    if (this.#lost) {
      this.#lost = false;
      this.#log.info({ source: this.#source?.id }, 'camera restored');
      this.#bus.emit('event', makeEvent({ door: this.#config.door, type: 'camera_restored', reason: this.#source?.id ?? null }, this.#clock.now()));
    }
    this.#setStatus('running', 'frames arriving');
  }

  #onBad(message: string, count = 1): void {
    this.#badStreak += count;
    this.#log.debug({ err: message, streak: this.#badStreak }, 'corrupt frame skipped');
    if (this.#badStreak >= this.#config.max_bad_frames && this.#sourceRunning) {
      this.#fail(`sends garbage: ${this.#badStreak} undecodable frames in a row`);
    }
  }

  #fail(reason: string): void {
    this.#log.warn({ source: this.#source?.id, reason }, 'camera source failed; killing it');
    this.#sourceRunning = false; // exit follows; nothing more is read from this run
    this.#source?.kill(reason);
  }

  #onExit(info: SourceExit): void {
    this.#sourceRunning = false;
    this.#pump.discardPending();
    if (!this.#active) return;
    if (info.ended) {
      this.#log.info({ source: this.#source?.id }, 'camera source finished');
      this.#setStatus('ended', 'replay finished');
      return;
    }
    this.#failures++;
    const delayMs = Math.min(this.#config.backoff_max_s * 1000, this.#config.backoff_initial_s * 1000 * 2 ** (this.#failures - 1));
    this.#log.warn({ source: this.#source?.id, reason: info.reason, restartInMs: Math.round(delayMs) }, 'camera source stopped');
    if (!this.#lost) {
      this.#lost = true;
      this.#bus.emit('event', makeEvent({ door: this.#config.door, type: 'camera_lost', reason: info.reason.slice(0, 200) }, this.#clock.now()));
    }
    this.#setStatus('lost', info.reason);
    this.#restartTimer = this.#clock.setTimeout(() => {
      this.#restartTimer = null;
      if (!this.#active) return;
      this.#restarts++;
      this.#startSource();
    }, delayMs);
  }

  #scheduleTick(): void {
    const every = Math.min(TICK_MS, Math.max(50, (this.#config.stall_s * 1000) / 4));
    this.#tickTimer = this.#clock.setTimeout(() => {
      this.#tick();
      if (this.#active) this.#scheduleTick();
    }, every);
  }

  /** Supervises the source (hang, stability) and feeds the heartbeat while capture is not stuck. */
  #tick(): void {
    // Durations only: a wall clock set back must not look like a hang, nor one set forward hide one.
    const now = this.#clock.monotonic();
    // A slow frame rate stretches the window: three frame periods at least.
    const stallMs = Math.max(this.#config.stall_s * 1000, 3000 / this.#config.fps);
    const limit = this.#framesThisRun === 0 ? Math.max(stallMs, STARTUP_GRACE_MS) : stallMs;
    if (this.#sourceRunning && now - this.#lastFrameAt > limit) {
      this.#fail(`no frame for ${Math.round(limit / 100) / 10} s`);
    }
    if (this.#failures > 0 && this.#status.state === 'running' && now - this.#startedAt >= STABLE_MS) this.#failures = 0;
    const busy = this.#pump.busySince;
    if (busy !== null && now - busy > stallMs) {
      this.#log.warn({ busyMs: now - busy }, 'frame decode stuck; withholding the camera heartbeat');
      return;
    }
    this.#bus.emit('heartbeat', { source: 'camera', at: now });
  }
}
