/** One key of an attempt: its limit, and whether it names a live account (never evicted). */
export interface ThrottleKey {
  key: string;
  limit: number;
  /** A real account's count must survive a spray of other keys filling the table. */
  keep?: boolean;
}

/** An attempt counted before its check; a right answer withdraws it. */
export interface LoginAttempt {
  /** The check passed: kept keys (the account) are reset, the attempt is withdrawn from the others. */
  succeeded(): void;
}

const MAX_KEYS = 10_000;

/**
 * Counts failed sign-ins (and setup-code guesses) per client address and per account in a sliding
 * window. An attempt is counted when it begins, before the slow password check, so parallel
 * requests cannot all pass the limit while the first ones are still being verified; a right
 * answer withdraws it, so an operator who types correctly is never slowed down. Once a key is over
 * its limit even a right password is refused until the window has passed.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();
  /** Keys of live accounts: never evicted to make room (their number is the number of operators). */
  readonly #kept = new Set<string>();
  readonly #windowMs: number;
  /** Monotonic ms: the window is a duration. */
  readonly #now: () => number;
  readonly #maxKeys: number;

  constructor(windowMs: number, now: () => number, maxKeys = MAX_KEYS) {
    this.#windowMs = windowMs;
    this.#now = now;
    this.#maxKeys = maxKeys;
  }

  #recent(key: string): number[] {
    const since = this.#now() - this.#windowMs;
    const list = (this.#failures.get(key) ?? []).filter((t) => t > since);
    if (list.length === 0) this.#forget(key);
    else this.#failures.set(key, list);
    return list;
  }

  #forget(key: string): void {
    this.#failures.delete(key);
    this.#kept.delete(key);
  }

  /** Seconds until `key` may try again, or 0 when it is under `limit`. */
  retryAfterS(key: string, limit: number): number {
    const list = this.#recent(key);
    if (list.length < limit) return 0;
    const oldest = list[list.length - limit] as number;
    return Math.max(1, Math.ceil((oldest + this.#windowMs - this.#now()) / 1000));
  }

  /**
   * Refuses (seconds to wait) when any key is at its limit; otherwise counts the attempt on every
   * key at once, synchronously, before the caller awaits its check.
   */
  begin(keys: readonly ThrottleKey[]): number | LoginAttempt {
    for (const k of keys) {
      const wait = this.retryAfterS(k.key, k.limit);
      if (wait > 0) return wait;
    }
    const stamps = keys.map((k) => this.fail(k.key, { keep: k.keep === true }));
    return {
      succeeded: () => {
        keys.forEach((k, i) => {
          if (k.keep) this.reset(k.key);
          else this.#withdraw(k.key, stamps[i] as number);
        });
      },
    };
  }

  /** Counts one failure; returns its time stamp. */
  fail(key: string, options: { keep?: boolean } = {}): number {
    const list = this.#recent(key);
    const at = this.#now();
    list.push(at);
    this.#failures.set(key, list);
    if (options.keep) this.#kept.add(key);
    if (this.#failures.size > this.#maxKeys) this.#makeRoom();
    return at;
  }

  reset(key: string): void {
    this.#forget(key);
  }

  /** Keys counted now (for tests and metrics). */
  size(): number {
    return this.#failures.size;
  }

  #withdraw(key: string, at: number): void {
    const list = this.#failures.get(key);
    const i = list?.indexOf(at) ?? -1;
    if (!list || i < 0) return;
    list.splice(i, 1);
    if (list.length === 0) this.#forget(key);
  }

  /**
   * Bounds memory under a spray of addresses or names: drop what has left the window, then the
   * oldest keys that are not live accounts. A live account's count is never dropped.
   */
  #makeRoom(): void {
    for (const key of [...this.#failures.keys()]) this.#recent(key);
    for (const key of this.#failures.keys()) {
      if (this.#failures.size <= this.#maxKeys) return;
      if (!this.#kept.has(key)) this.#failures.delete(key);
    }
  }
}
