// The dashboard's history of the board: every interval, the camera's fps, the frames the vision
// pipeline analysed per second since the last sample, and the board temperature, written to the
// store. A tick reads two counters and the thermal zones (board-probe.ts) and inserts one row:
// about 1 ms of CPU on the 2-core machine (test/unit/health/metrics-sampler.test.ts measures it),
// 0.002 % of one core at the default of one a minute.
import type { Clock, Logger, Service, TimerHandle } from '../core/index.ts';
import type { MetricSample } from '../store/index.ts';

/** What the board reports at one instant; `analysed` is the pipeline's running count of analysed frames. */
export interface BoardReading {
  cameraFps: number | null;
  analysed: number | null;
  temperatureC: number | null;
}

export interface MetricsSamplerOptions {
  clock: Clock;
  log: Logger;
  intervalMs: number;
  read(): Promise<BoardReading>;
  write(sample: MetricSample): void;
}

const round2 = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? null : Math.round(x * 100) / 100);

export class MetricsSampler implements Service {
  readonly #o: MetricsSamplerOptions;
  #timer: TimerHandle | null = null;
  #running = false;
  /** The counter and monotonic time of the last reading: the analysis rate is their change. */
  #last: { analysed: number | null; mono: number } | null = null;

  constructor(opts: MetricsSamplerOptions) {
    if (!(opts.intervalMs > 0)) throw new Error('metrics sample interval must be positive');
    this.#o = opts;
  }

  /** Takes a first reading as the baseline of the analysis rate; the first sample is written one interval later. */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    await this.#read();
    this.#arm();
  }

  stop(): void {
    this.#running = false;
    if (this.#timer) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Reads and writes one sample now (what each tick does); returns it, or null when the reading failed. */
  async sample(): Promise<MetricSample | null> {
    const previous = this.#last;
    const reading = await this.#read();
    if (!reading || !this.#last) return null;
    const seconds = previous ? (this.#last.mono - previous.mono) / 1000 : 0;
    const counted = reading.analysed !== null && previous && previous.analysed !== null ? reading.analysed - previous.analysed : null;
    // A counter that went back (the pipeline restarted) gives no rate rather than a negative one.
    const analysisFps = counted !== null && counted >= 0 && seconds > 0 ? counted / seconds : null;
    const sample: MetricSample = {
      at: this.#o.clock.now(),
      cameraFps: round2(reading.cameraFps),
      analysisFps: round2(analysisFps),
      temperatureC: round2(reading.temperatureC),
    };
    try {
      this.#o.write(sample);
    } catch (err) {
      this.#o.log.warn({ err }, 'a metrics sample could not be stored; the next one is tried');
      return null;
    }
    return sample;
  }

  async #read(): Promise<BoardReading | null> {
    try {
      const reading = await this.#o.read();
      this.#last = { analysed: reading.analysed, mono: this.#o.clock.monotonic() };
      return reading;
    } catch (err) {
      this.#o.log.warn({ err }, 'the board figures could not be read for the metrics history');
      return null;
    }
  }

  // The next tick is armed after this one ended: a slow sensor read never piles ticks up.
  #arm(): void {
    if (!this.#running) return;
    this.#timer = this.#o.clock.setTimeout(() => {
      void this.sample().finally(() => this.#arm());
    }, this.#o.intervalMs);
  }
}
