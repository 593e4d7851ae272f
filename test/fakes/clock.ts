import type { Clock, TimerHandle } from '../../daemon/core/index.ts';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

/**
 * A Clock whose time moves only when a test says so. advance() fires every timer that falls due,
 * in time order, each seeing now() at its own due time (timers set while advancing fire too).
 */
export class FakeClock implements Clock {
  #now: number;
  #nextId = 1;
  readonly #timers = new Map<number, Timer>();

  constructor(start: number | Date = Date.UTC(2026, 0, 5, 9, 0, 0)) {
    this.#now = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(id, { id, at: this.#now + Math.max(0, ms), fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle.id as number);
  }

  /** Moves time forward by ms, firing due timers on the way. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      let next: Timer | undefined;
      for (const t of this.#timers.values()) if (t.at <= until && (!next || t.at < next.at || (t.at === next.at && t.id < next.id))) next = t;
      if (!next) break;
      this.#timers.delete(next.id);
      this.#now = next.at;
      next.fn();
    }
    this.#now = until;
  }

  /** Moves time to an absolute instant. */
  advanceTo(at: number | Date): void {
    const t = typeof at === 'number' ? at : at.getTime();
    this.advance(Math.max(0, t - this.#now));
  }

  /** How many timers are waiting. */
  pending(): number {
    return this.#timers.size;
  }
}
