import type { Clock, TimerHandle } from '../core/index.ts';

export interface LockoutOptions {
  /** Denied attempts within the window that start a lockout. */
  attempts: number;
  windowMs: number;
  cooldownMs: number;
  clock: Clock;
  /** `until`: when the lockout ends, wall-clock ms epoch (for the log). */
  onStart(until: number): void;
  onEnd(): void;
}

/**
 * Anti brute force for one door: after `attempts` denials within `windowMs`, the door stops
 * deciding for `cooldownMs`. The end is announced by a timer, so lockout_ended is raised even
 * when nobody stands at the door any more.
 */
export class Lockout {
  readonly #o: LockoutOptions;
  // Monotonic ms: the window and the cooldown are durations, whatever the wall clock does meanwhile.
  #denials: number[] = [];
  #until = Number.NEGATIVE_INFINITY;
  #timer: TimerHandle | null = null;

  constructor(options: LockoutOptions) {
    this.#o = options;
  }

  active(): boolean {
    return this.#o.clock.monotonic() < this.#until;
  }

  /** Time the current lockout ends (ms epoch, from the wall clock now), or null. */
  get until(): number | null {
    const left = this.#until - this.#o.clock.monotonic();
    return left > 0 ? this.#o.clock.now() + left : null;
  }

  /** Counts one denial; returns true when it started a lockout. */
  recordDenial(): boolean {
    const now = this.#o.clock.monotonic();
    if (this.active()) return false;
    this.#denials = this.#denials.filter((t) => t > now - this.#o.windowMs);
    this.#denials.push(now);
    if (this.#denials.length < this.#o.attempts) return false;
    this.#denials = [];
    this.#until = now + this.#o.cooldownMs;
    this.#timer = this.#o.clock.setTimeout(() => this.#end(), this.#o.cooldownMs);
    this.#o.onStart(this.#o.clock.now() + this.#o.cooldownMs);
    return true;
  }

  /** A grant shows a legitimate person at the door: earlier denials no longer count. */
  recordGrant(): void {
    this.#denials = [];
  }

  #end(): void {
    this.#timer = null;
    this.#until = Number.NEGATIVE_INFINITY;
    this.#o.onEnd();
  }

  stop(): void {
    if (this.#timer) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
