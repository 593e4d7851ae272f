import type { Clock, TimerHandle } from '../../daemon/core/index.ts';

interface Timer {
  id: number;
  /** Due on the monotonic clock, as Node's timers are. */
  at: number;
  fn: () => void;
}

/**
 * A Clock whose time moves only when a test says so. advance() moves the wall and the monotonic
 * clock together and fires every timer that falls due, in time order, each seeing both clocks at
 * its own due time (timers set while advancing fire too). jumpWall() moves only the wall clock,
 * as NTP or an operator setting the time does: monotonic time and timers do not notice.
 */
export class FakeClock implements Clock {
  #wall: number;
  #mono = 0;
  #nextId = 1;
  readonly #timers = new Map<number, Timer>();

  constructor(start: number | string | Date = '2026-01-05T09:00:00Z') {
    this.#wall = typeof start === 'number' ? start : typeof start === 'string' ? Date.parse(start) : start.getTime();
  }

  now(): number {
    return this.#wall;
  }

  monotonic(): number {
    return this.#mono;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(id, { id, at: this.#mono + Math.max(0, ms), fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle.id as number);
  }

  /** How many timers are waiting. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward by ms, firing due timers on the way. */
  advance(ms: number): void {
    const until = this.#mono + Math.max(0, ms);
    for (;;) {
      let next: Timer | undefined;
      for (const t of this.#timers.values()) if (t.at <= until && (!next || t.at < next.at || (t.at === next.at && t.id < next.id))) next = t;
      if (!next) break;
      this.#timers.delete(next.id);
      this.#step(next.at);
      next.fn();
    }
    this.#step(until);
  }

  /** Moves time forward to a wall-clock instant. */
  advanceTo(at: number | string | Date): void {
    const t = typeof at === 'number' ? at : typeof at === 'string' ? Date.parse(at) : at.getTime();
    this.advance(Math.max(0, t - this.#wall));
  }

  /** Sets the wall clock by ms (negative: back) without moving monotonic time or firing timers. */
  jumpWall(ms: number): void {
    this.#wall += ms;
  }

  #step(mono: number): void {
    this.#wall += mono - this.#mono;
    this.#mono = mono;
  }
}
