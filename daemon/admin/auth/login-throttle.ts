/**
 * Counts failed sign-ins (and setup-code guesses) per client address and per account in a sliding
 * window. Only failures count, so an operator who types correctly is never slowed down; once a key
 * is over its limit even a right password is refused until the window has passed.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();
  readonly #windowMs: number;
  /** Monotonic ms: the window is a duration. */
  readonly #now: () => number;

  constructor(windowMs: number, now: () => number) {
    this.#windowMs = windowMs;
    this.#now = now;
  }

  #recent(key: string): number[] {
    const since = this.#now() - this.#windowMs;
    const list = (this.#failures.get(key) ?? []).filter((t) => t > since);
    if (list.length === 0) this.#failures.delete(key);
    else this.#failures.set(key, list);
    return list;
  }

  /** Seconds until `key` may try again, or 0 when it is under `limit`. */
  retryAfterS(key: string, limit: number): number {
    const list = this.#recent(key);
    if (list.length < limit) return 0;
    const oldest = list[list.length - limit] as number;
    return Math.max(1, Math.ceil((oldest + this.#windowMs - this.#now()) / 1000));
  }

  fail(key: string): void {
    const list = this.#recent(key);
    list.push(this.#now());
    this.#failures.set(key, list);
    // Bound memory under a spray of addresses or names: forget the oldest keys first.
    if (this.#failures.size > 10_000) {
      const first = this.#failures.keys().next().value;
      if (first !== undefined) this.#failures.delete(first);
    }
  }

  reset(key: string): void {
    this.#failures.delete(key);
  }
}
