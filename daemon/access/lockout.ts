import type { Clock, TimerHandle } from '../core/index.ts';

export interface LockoutOptions {
  /** Denied attempts within the window that start a lockout. */
  attempts: number;
  windowMs: number;
  cooldownMs: number;
  clock: Clock;
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
  #denials: number[] = [];
  #until = 0;
  #timer: TimerHandle | null = null;

  constructor(options: LockoutOptions) {
    this.#o = options;
  }

  active(now = this.#o.clock.now()): boolean {
    return now < this.#until;
  }

  /** Time the current lockout ends (ms epoch), or null. */
  get until(): number | null {
    return this.active() ? this.#until : null;
  }

  /** Counts one denial; returns true when it started a lockout. */
  recordDenial(now = this.#o.clock.now()): boolean {
    if (this.active(now)) return false;
    this.#denials = this.#denials.filter((t) => t > now - this.#o.windowMs);
    this.#denials.push(now);
    if (this.#denials.length < this.#o.attempts) return false;
    this.#denials = [];
    this.#until = now + this.#o.cooldownMs;
    this.#timer = this.#o.clock.setTimeout(() => this.#end(), this.#o.cooldownMs);
    this.#o.onStart(this.#until);
    return true;
  }

  /** A grant shows a legitimate person at the door: earlier denials no longer count. */
  recordGrant(): void {
    this.#denials = [];
  }

  #end(): void {
    this.#timer = null;
    this.#until = 0;
    this.#o.onEnd();
  }

  stop(): void {
    if (this.#timer) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
