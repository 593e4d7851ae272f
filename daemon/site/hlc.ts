import { SiteError } from './errors.ts';

/** A hybrid logical clock value: wall-clock milliseconds, and a counter for events within one of them. */
export interface Hlc {
  wall: number;
  counter: number;
}

export const HLC_MAX_COUNTER = 0xffff;
/** The wall part is written as a u64 but kept a safe integer; 2^48 ms is year 10889. */
export const HLC_MAX_WALL = 2 ** 48 - 1;
export const DEFAULT_MAX_DRIFT_MS = 60_000;

export function compareHlc(a: Hlc, b: Hlc): number {
  if (a.wall !== b.wall) return a.wall < b.wall ? -1 : 1;
  if (a.counter !== b.counter) return a.counter < b.counter ? -1 : 1;
  return 0;
}

export function checkHlc(value: Hlc, what = 'clock value'): void {
  if (!Number.isSafeInteger(value.wall) || value.wall < 0 || value.wall > HLC_MAX_WALL) {
    throw new SiteError('site_hlc', `${what}: wall time ${value.wall} is not an integer between 0 and 2^48-1`);
  }
  if (!Number.isInteger(value.counter) || value.counter < 0 || value.counter > HLC_MAX_COUNTER) {
    throw new SiteError('site_hlc', `${what}: counter ${value.counter} is not an integer between 0 and ${HLC_MAX_COUNTER}`);
  }
}

export interface HybridClockOptions {
  /** The wall clock in milliseconds (injected so tests can move it, also backwards). */
  now: () => number;
  /** A remote value further ahead of the wall clock than this is refused, so one wrong clock cannot drag the site into the future. */
  maxDriftMs?: number;
  /** The last value issued before a restart, so versions stay monotonic across restarts. */
  last?: Hlc;
}

/**
 * The hybrid logical clock of one member: every value it issues is greater than every value it
 * issued or received before, whatever the wall clock does, and stays close to wall time.
 */
export class HybridClock {
  readonly #now: () => number;
  readonly #maxDriftMs: number;
  #last: Hlc;

  constructor(options: HybridClockOptions) {
    this.#now = options.now;
    this.#maxDriftMs = options.maxDriftMs ?? DEFAULT_MAX_DRIFT_MS;
    if (options.last !== undefined) checkHlc(options.last, 'the last clock value');
    this.#last = options.last ?? { wall: 0, counter: 0 };
  }

  get last(): Hlc {
    return { ...this.#last };
  }

  /** A new value for a local change. */
  tick(): Hlc {
    return this.#advance(this.#last);
  }

  /** Takes in a value seen in a remote record, and returns the local value after it. */
  receive(remote: Hlc): Hlc {
    checkHlc(remote, 'remote clock value');
    const now = this.#wallNow();
    if (remote.wall > now + this.#maxDriftMs) {
      throw new SiteError(
        'site_clock_drift',
        `remote clock value ${remote.wall} is ${remote.wall - now} ms ahead of this clock (at most ${this.#maxDriftMs} ms allowed)`,
      );
    }
    return this.#advance(compareHlc(remote, this.#last) > 0 ? remote : this.#last);
  }

  #wallNow(): number {
    const now = Math.floor(this.#now());
    if (!Number.isSafeInteger(now) || now < 0 || now > HLC_MAX_WALL) throw new SiteError('site_hlc', `wall clock gave ${now}`);
    return now;
  }

  /** The smallest value after `floor` that is at least the wall clock. */
  #advance(floor: Hlc): Hlc {
    const now = this.#wallNow();
    let next: Hlc;
    if (now > floor.wall) next = { wall: now, counter: 0 };
    else if (floor.counter < HLC_MAX_COUNTER) next = { wall: floor.wall, counter: floor.counter + 1 };
    // 65,536 values in one millisecond: borrow the next millisecond rather than repeat a value.
    else next = { wall: floor.wall + 1, counter: 0 };
    checkHlc(next, 'next clock value');
    this.#last = next;
    return { ...next };
  }
}
