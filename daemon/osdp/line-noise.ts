import type { Clock, Logger } from '../core/index.ts';

/**
 * Logs what was wrong on the line without flooding the log: the first problem at once, then at
 * most one summary line per `everyMs` with the counts since the last one. A noisy or mis-wired
 * RS-485 pair produces garbage on every byte; the log should say so, not repeat it.
 */
export class LineNoise {
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #everyMs: number;
  #lastLogAt = -Infinity;
  #garbageBytes = 0;
  #invalid = 0;
  #lastReason = '';

  constructor(clock: Clock, log: Logger, everyMs = 10_000) {
    this.#clock = clock;
    this.#log = log;
    this.#everyMs = everyMs;
  }

  garbage(bytes: number): void {
    this.#garbageBytes += bytes;
    this.#maybeLog();
  }

  invalid(reason: string): void {
    this.#invalid++;
    this.#lastReason = reason;
    this.#maybeLog();
  }

  #maybeLog(): void {
    const now = this.#clock.monotonic();
    if (now - this.#lastLogAt < this.#everyMs) return;
    this.#lastLogAt = now;
    this.#log.warn(
      { garbageBytes: this.#garbageBytes, invalidPackets: this.#invalid, lastReason: this.#lastReason || undefined },
      'OSDP line: bytes that are not valid packets were dropped (noise, wrong baud rate, or A/B swapped?)',
    );
    this.#garbageBytes = 0;
    this.#invalid = 0;
  }
}
