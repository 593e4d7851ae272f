import type { BusEvents, Clock, EventBus, Logger, Service } from '../core/index.ts';
import type { SdNotify } from './sd-notify.ts';

/**
 * Feeds the systemd watchdog only while every registered work loop has sent a heartbeat
 * within the stall window: a hung pipeline stops the pings and systemd restarts the daemon.
 */
export class Watchdog implements Service {
  readonly #notify: SdNotify;
  readonly #bus: EventBus<BusEvents>;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #stallMs: number;
  readonly #intervalMs: number | null;
  /** Monotonic ms of each loop's last heartbeat. */
  readonly #last = new Map<string, number>();
  #timer: NodeJS.Timeout | null = null;
  #unsubscribe: (() => void) | null = null;

  constructor(opts: { notify: SdNotify; bus: EventBus<BusEvents>; clock: Clock; log: Logger; stallMs: number; intervalMs: number | null; sources: string[] }) {
    this.#notify = opts.notify;
    this.#bus = opts.bus;
    this.#clock = opts.clock;
    this.#log = opts.log;
    this.#stallMs = opts.stallMs;
    this.#intervalMs = opts.intervalMs;
    for (const s of opts.sources) this.#last.set(s, opts.clock.monotonic());
  }

  /** Names of the loops that have not ticked within the stall window. */
  stalled(): string[] {
    const now = this.#clock.monotonic();
    return [...this.#last].filter(([, at]) => now - at > this.#stallMs).map(([s]) => s);
  }

  start(): void {
    this.#unsubscribe = this.#bus.on('heartbeat', ({ source, at }) => {
      if (this.#last.has(source)) this.#last.set(source, at);
    });
    if (this.#intervalMs === null) return;
    // systemd's advice: ping at half the watchdog interval.
    this.#timer = setInterval(() => this.tick(), Math.max(500, this.#intervalMs / 2));
    this.#timer.unref();
  }

  tick(): void {
    const stalled = this.stalled();
    if (stalled.length === 0) {
      void this.#notify.watchdog();
    } else {
      this.#log.warn({ stalled }, 'work loop stalled; withholding the systemd watchdog ping');
    }
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#unsubscribe?.();
  }
}
