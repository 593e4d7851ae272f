/** Events per second over a sliding window (default 5 s). */
export class RateMeter {
  readonly #windowMs: number;
  readonly #times: number[] = [];

  constructor(windowMs = 5000) {
    this.#windowMs = windowMs;
  }

  mark(now: number): void {
    this.#times.push(now);
    this.#prune(now);
  }

  rate(now: number): number {
    this.#prune(now);
    return this.#times.length / (this.#windowMs / 1000);
  }

  #prune(now: number): void {
    const cutoff = now - this.#windowMs;
    let drop = 0;
    while (drop < this.#times.length && (this.#times[drop] as number) <= cutoff) drop++;
    if (drop > 0) this.#times.splice(0, drop);
  }
}
