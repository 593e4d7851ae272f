import type { BusEvents, Clock, EventBus, TimerHandle } from './deps.ts';

export interface DoorFirstOptions {
  bus: EventBus<BusEvents>;
  clock: Clock;
  /** A request waits at most this long, however busy the door is. */
  maxWaitMs?: number;
  /** A passage that is never decided (someone walking past) stops holding requests after this. */
  passageMs?: number;
  /** This long without a moving frame ends a passage; the next moving frame starts a new one. */
  stillMs?: number;
}

/**
 * The door decides first: while a passage is being decided (the scene moves and no access
 * decision has come since it began), admin requests wait before they are handled, up to
 * maxWaitMs. The admin runs on the daemon's main thread, where frames are gated, faces tracked
 * and the door driven; a busy panel (or 200 clients) delayed the decision from 0.3 s to 1.6 s.
 * Clients wait for their answers, so load falls away while the door works and comes back after.
 */
export class DoorFirst {
  readonly #clock: Clock;
  readonly #maxWaitMs: number;
  readonly #passageMs: number;
  readonly #stillMs: number;
  #passageStart = Number.NEGATIVE_INFINITY;
  #lastMoving = Number.NEGATIVE_INFINITY;
  #decided = true;
  readonly #waiting = new Set<() => void>();
  #timer: TimerHandle | null = null;
  readonly #off: (() => void)[];
  #held = 0;

  constructor(opts: DoorFirstOptions) {
    this.#clock = opts.clock;
    this.#maxWaitMs = opts.maxWaitMs ?? 1000;
    this.#passageMs = opts.passageMs ?? 2000;
    this.#stillMs = opts.stillMs ?? 1000;
    this.#off = [
      opts.bus.on('frame', (f) => {
        if (f.trigger !== 'keepalive') this.#moved();
      }),
      opts.bus.on('decision', () => this.#release()),
    ];
  }

  /** How many requests have been held so far. */
  get held(): number {
    return this.#held;
  }

  busy(): boolean {
    const now = this.#clock.monotonic();
    return !this.#decided && now - this.#lastMoving < this.#stillMs && now - this.#passageStart < this.#passageMs;
  }

  /** Resolves at once when the door is idle; else when the passage is decided or ends, or after maxWaitMs. */
  async turn(): Promise<void> {
    if (!this.busy()) return;
    this.#held++;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.#waiting.delete(done);
        this.#clock.clearTimeout(own);
        resolve();
      };
      const own = this.#clock.setTimeout(done, this.#maxWaitMs);
      this.#waiting.add(done);
      this.#schedule();
    });
  }

  stop(): void {
    for (const off of this.#off) off();
    this.#release();
  }

  #moved(): void {
    const now = this.#clock.monotonic();
    if (now - this.#lastMoving >= this.#stillMs) {
      this.#passageStart = now;
      this.#decided = false;
    }
    this.#lastMoving = now;
    if (this.#waiting.size > 0) this.#schedule();
  }

  #release(): void {
    this.#decided = true;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#wakeAll();
  }

  #wakeAll(): void {
    for (const done of [...this.#waiting]) done();
  }

  /** Wakes the waiters when the passage can no longer be busy: its time is up or the scene went still. */
  #schedule(): void {
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    const now = this.#clock.monotonic();
    const until = Math.min(this.#passageStart + this.#passageMs, this.#lastMoving + this.#stillMs) - now;
    this.#timer = this.#clock.setTimeout(
      () => {
        this.#timer = null;
        if (this.busy()) this.#schedule();
        else this.#wakeAll();
      },
      Math.max(0, until),
    );
  }
}
