import type { Clock, Logger, TimerHandle } from '../core/index.ts';

/** Waits between attempts to lock a jammed output: a glitch clears fast, a dead line is not hammered. */
export const JAM_RETRY_MS = { first: 500, max: 30_000 } as const;

/**
 * A lock output that could not be set to locked: the attempts to lock it again, each wait twice the
 * one before up to JAM_RETRY_MS.max. The door says it is jammed and what locked means for its state.
 */
export class JamRetry {
  readonly #clock: Clock;
  readonly #log: Logger;
  /** Writes the locked level; throws while the output stays jammed. */
  readonly #lock: () => void;
  /** The write worked: the door is locked again. */
  readonly #locked: () => void;
  #jamTimer: TimerHandle | null = null;
  #jamRetryMs: number = JAM_RETRY_MS.first;

  constructor(clock: Clock, log: Logger, lock: () => void, locked: () => void) {
    this.#clock = clock;
    this.#log = log;
    this.#lock = lock;
    this.#locked = locked;
  }

  /** Retries from now on, unless an attempt is already waiting. */
  start(): void {
    if (!this.#jamTimer) this.#retryJam();
  }

  /** The door stops: no more attempts (the next wait stays what it was). */
  cancel(): void {
    if (this.#jamTimer) this.#clock.clearTimeout(this.#jamTimer);
    this.#jamTimer = null;
  }

  /** A locked write worked: no more retries, and the next jam starts from the shortest wait. */
  cleared(): void {
    if (this.#jamTimer) this.#clock.clearTimeout(this.#jamTimer);
    this.#jamTimer = null;
    this.#jamRetryMs = JAM_RETRY_MS.first;
  }

  #retryJam(): void {
    const wait = this.#jamRetryMs;
    this.#jamTimer = this.#clock.setTimeout(() => {
      this.#jamTimer = null;
      try {
        this.#lock();
      } catch (err) {
        this.#jamRetryMs = Math.min(wait * 2, JAM_RETRY_MS.max);
        this.#log.error({ err, retryInMs: this.#jamRetryMs }, 'the lock output still cannot be written; retrying');
        this.#retryJam();
        return;
      }
      this.cleared();
      this.#locked();
    }, wait);
  }
}
