/** Time as the daemon sees it; tests swap in a fake to walk through schedules and alarms. */
export interface Clock {
  /** Wall-clock time, ms since the epoch: for timestamps that are stored, shown or compared with other machines. */
  now(): number;
  /**
   * A clock that only moves forward, in ms from an arbitrary start: for durations (pacing, timeouts,
   * windows, rates). The wall clock can jump either way (NTP, an operator setting the time); this cannot.
   */
  monotonic(): number;
  /** Fires after ms of monotonic time (as Node's timers do). */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export interface TimerHandle {
  readonly id: unknown;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (fn, ms) => ({ id: setTimeout(fn, ms) }),
  clearTimeout: (handle) => clearTimeout(handle.id as NodeJS.Timeout),
};
