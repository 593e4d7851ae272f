/**
 * The framing preview's sampler, on the daemon's main thread: while at least one viewer is open it
 * takes the newest frame (with its faces) at most `fps` times a second and hands it to every
 * viewer; with the last viewer gone it stops, so nobody watching costs nothing. Viewers are capped,
 * and each session ends after `maxSessionMs` so that a forgotten tab does not watch forever.
 */
import { ServiceError } from '../services.ts';
import type { Clock, Logger, TimerHandle } from '../deps.ts';
import type { CameraPreviewService, PreviewFrame, PreviewSession, PreviewViewer } from './types.ts';

/** Where the frames come from: collects only between start() and stop(). */
export interface PreviewFrames {
  start(): void;
  stop(): void;
  /** The newest frame with its analysis; null when nothing new came since the last sample. */
  sample(): Promise<PreviewFrame | null>;
}

export interface PreviewSamplerOptions {
  frames: PreviewFrames;
  clock: Clock;
  log: Logger;
  fps: number;
  maxViewers: number;
  maxSessionMs: number;
  /** Whether a camera runs (else open() is refused as unavailable). */
  available(): boolean;
}

export interface PreviewSamplerStats {
  viewers: number;
  sampling: boolean;
  /** Frames sampled since the daemon started, and sessions opened. */
  samples: number;
  sessions: number;
}

interface Open {
  viewer: PreviewViewer;
  limit: TimerHandle;
}

export class PreviewSampler implements CameraPreviewService {
  readonly #o: PreviewSamplerOptions;
  readonly #open = new Set<Open>();
  #tick: TimerHandle | null = null;
  /** Bumped at each start and stop: a sample still in flight from an earlier run is dropped. */
  #run = 0;
  #samples = 0;
  #sessions = 0;

  constructor(options: PreviewSamplerOptions) {
    this.#o = options;
  }

  stats(): PreviewSamplerStats {
    return { viewers: this.#open.size, sampling: this.#tick !== null, samples: this.#samples, sessions: this.#sessions };
  }

  open(viewer: PreviewViewer): PreviewSession {
    const { clock, maxViewers, maxSessionMs, fps } = this.#o;
    if (!this.#o.available()) throw new ServiceError('unavailable', 'no camera is running: there is nothing to preview');
    if (this.#open.size >= maxViewers) throw new ServiceError('conflict', `${maxViewers} camera previews are open already; close one first`);
    const entry: Open = {
      viewer,
      limit: clock.setTimeout(() => {
        if (this.#remove(entry)) viewer.end('time_limit');
      }, maxSessionMs),
    };
    this.#open.add(entry);
    this.#sessions++;
    if (this.#open.size === 1) this.#startSampling();
    return { fps, maxSeconds: Math.round(maxSessionMs / 1000), close: () => void this.#remove(entry) };
  }

  #remove(entry: Open): boolean {
    if (!this.#open.delete(entry)) return false;
    this.#o.clock.clearTimeout(entry.limit);
    if (this.#open.size === 0) this.#stopSampling();
    return true;
  }

  #startSampling(): void {
    this.#run++;
    this.#o.frames.start();
    this.#o.log.info({ fps: this.#o.fps }, 'camera preview: sampling started');
    this.#schedule();
  }

  #stopSampling(): void {
    if (this.#tick) this.#o.clock.clearTimeout(this.#tick);
    this.#tick = null;
    this.#run++;
    this.#o.frames.stop();
    this.#o.log.info({ samples: this.#samples }, 'camera preview: sampling stopped (no viewer)');
  }

  // The next sample is timed from the end of this one: a slow encode lowers the rate, never raises it.
  #schedule(): void {
    const run = this.#run;
    this.#tick = this.#o.clock.setTimeout(() => void this.#sampleOnce(run), 1000 / this.#o.fps);
  }

  async #sampleOnce(run: number): Promise<void> {
    let frame: PreviewFrame | null = null;
    try {
      frame = await this.#o.frames.sample();
    } catch (err) {
      this.#o.log.warn({ err }, 'camera preview: a frame could not be prepared; skipped');
    }
    if (run !== this.#run) return; // the last viewer left meanwhile
    if (frame) {
      this.#samples++;
      for (const { viewer } of this.#open) viewer.frame(frame);
    }
    this.#schedule();
  }
}
