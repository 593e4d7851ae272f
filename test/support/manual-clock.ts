import type { Clock, TimerHandle } from '../../daemon/core/index.ts';

/** A clock that moves only when the test says so; due timers fire in time order inside advance(). */
export class ManualClock implements Clock {
  #now: number;
  #timers: { id: number; at: number; fn: () => void }[] = [];
  #next = 1;

  constructor(start: number | string = '2026-01-05T12:00:00Z') {
    this.#now = typeof start === 'string' ? Date.parse(start) : start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.#next++;
    this.#timers.push({ id, at: this.#now + ms, fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle.id);
  }

  get pending(): number {
    return this.#timers.length;
  }

  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      this.#timers.sort((a, b) => a.at - b.at);
      const due = this.#timers[0];
      if (!due || due.at > end) break;
      this.#timers.shift();
      this.#now = due.at;
      due.fn();
    }
    this.#now = end;
  }

  set(iso: string): void {
    this.#now = Date.parse(iso);
  }
}
