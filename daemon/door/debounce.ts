import type { Clock, TimerHandle } from '../core/index.ts';
import type { Level } from './lines.ts';

/**
 * Reports a level only once the raw line has stayed at it for `ms`: contact bounce and short
 * glitches never reach the door logic. Driven by the Clock so tests can step through it.
 */
export class Debouncer {
  readonly #clock: Clock;
  readonly #ms: number;
  readonly #onStable: (level: Level) => void;
  #stable: Level;
  #raw: Level;
  #timer: TimerHandle | null = null;

  constructor(clock: Clock, ms: number, initial: Level, onStable: (level: Level) => void) {
    this.#clock = clock;
    this.#ms = ms;
    this.#stable = initial;
    this.#raw = initial;
    this.#onStable = onStable;
  }

  get stable(): Level {
    return this.#stable;
  }

  raw(level: Level): void {
    this.#raw = level;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#ms === 0) return this.#settle();
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = null;
      this.#settle();
    }, this.#ms);
  }

  cancel(): void {
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #settle(): void {
    if (this.#raw === this.#stable) return;
    this.#stable = this.#raw;
    this.#onStable(this.#stable);
  }
}
