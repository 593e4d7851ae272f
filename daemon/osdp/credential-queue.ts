import type { Clock } from '../core/index.ts';
import type { CardRead } from './replies.ts';

export interface QueuedCredential {
  passage: string;
  card: CardRead;
}

/** Passages remembered to refuse a second send: far more than can pass one door within a credential's lifetime. */
const REMEMBERED_PASSAGES = 256;

/**
 * Credentials waiting for the panel's next osdp_POLL. Each passage sends at most once: a passage
 * already offered is refused, and a credential taken for a reply is gone (a retried poll gets the
 * cached reply, not a new take). One that waits longer than `maxAgeMs` (the panel was offline) is
 * dropped: the person has gone, and a late card would open the door for whoever stands there.
 */
export class CredentialQueue {
  readonly #clock: Clock;
  readonly #maxAgeMs: number;
  readonly #capacity: number;
  readonly #onDropped: (c: QueuedCredential, why: 'expired' | 'overflow') => void;
  readonly #waiting: { credential: QueuedCredential; at: number }[] = [];
  readonly #seen = new Set<string>();

  constructor(clock: Clock, opts: { maxAgeMs: number; capacity?: number; onDropped?: (c: QueuedCredential, why: 'expired' | 'overflow') => void }) {
    this.#clock = clock;
    this.#maxAgeMs = opts.maxAgeMs;
    this.#capacity = opts.capacity ?? 4;
    this.#onDropped = opts.onDropped ?? (() => {});
  }

  get size(): number {
    return this.#waiting.length;
  }

  /** false: this passage was offered before (its credential is waiting or was sent). */
  offer(passage: string, card: CardRead): boolean {
    if (this.#seen.has(passage)) return false;
    this.#seen.add(passage);
    if (this.#seen.size > REMEMBERED_PASSAGES) this.#seen.delete(this.#seen.values().next().value!);
    this.#waiting.push({ credential: { passage, card }, at: this.#clock.monotonic() });
    if (this.#waiting.length > this.#capacity) this.#onDropped(this.#waiting.shift()!.credential, 'overflow');
    return true;
  }

  /** The oldest credential still fresh, removed from the queue; null when none waits. */
  take(): QueuedCredential | null {
    const now = this.#clock.monotonic();
    for (let next = this.#waiting.shift(); next; next = this.#waiting.shift()) {
      if (now - next.at <= this.#maxAgeMs) return next.credential;
      this.#onDropped(next.credential, 'expired');
    }
    return null;
  }
}
