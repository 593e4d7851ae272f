import type { Clock, Logger, Service, TimerHandle } from '../core/index.ts';

const DAY_MS = 86_400_000;

/** One kind of stored data with a retention period, and the function that deletes what is older. */
export interface RetentionRule {
  name: string;
  /** A function when the period can change at run time (a setting edited in the admin panel). */
  days: number | (() => number);
  /** Deletes everything older than the cutoff (ISO time); returns how many items went. */
  purge(cutoffIso: string): number;
}

export interface RetentionOptions {
  rules: RetentionRule[];
  clock: Clock;
  log: Logger;
  intervalMs: number;
  /** Called after a sweep that deleted something (e.g. to write an audit row). */
  onPurged?: (counts: Record<string, number>) => void;
}

/**
 * Deletes data past its retention period: once at start, then every interval. A failing rule is
 * logged and retried at the next sweep; it never stops the daemon or the other rules.
 */
export class Retention implements Service {
  readonly #opts: RetentionOptions;
  #timer: TimerHandle | null = null;
  #running = false;

  constructor(opts: RetentionOptions) {
    if (!(opts.intervalMs > 0)) throw new Error('retention interval must be positive');
    this.#opts = opts;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.sweep();
    this.#arm();
  }

  stop(): void {
    this.#running = false;
    if (this.#timer) this.#opts.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #arm(): void {
    if (!this.#running) return;
    this.#timer = this.#opts.clock.setTimeout(() => {
      this.sweep();
      this.#arm();
    }, this.#opts.intervalMs);
  }

  /** One pass over every rule; returns what each deleted (-1 for a rule that failed). */
  sweep(): Record<string, number> {
    const { clock, log, rules } = this.#opts;
    const counts: Record<string, number> = {};
    let deleted = 0;
    for (const rule of rules) {
      try {
        const days = typeof rule.days === 'function' ? rule.days() : rule.days;
        if (!(days > 0)) throw new Error(`retention period of ${rule.name} must be positive, got ${days}`);
        const cutoff = new Date(clock.now() - days * DAY_MS).toISOString();
        const n = rule.purge(cutoff);
        counts[rule.name] = n;
        deleted += n;
      } catch (err) {
        counts[rule.name] = -1;
        log.error({ err, rule: rule.name }, 'retention purge failed; retrying at the next sweep');
      }
    }
    if (deleted > 0) {
      log.info({ counts }, 'retention: deleted data past its retention period');
      try {
        this.#opts.onPurged?.(counts);
      } catch (err) {
        log.error({ err }, 'retention: recording the purge failed');
      }
    }
    return counts;
  }
}
