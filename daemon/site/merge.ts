import { compareHlc, type Hlc } from './hlc.ts';
import type { RecordKind } from './record-codec.ts';

/** What the merge rule looks at in a verified record. */
export interface Versioned {
  kind: RecordKind;
  hlc: Hlc;
  signer: string;
  /** SHA-256 of the record's bytes: orders two different records that claim one version. */
  digest: Buffer;
}

/**
 * - accepted: the incoming record is now the person's record
 * - stale: older than (or, by digest, ordered before) what is held: a replay or a late arrival
 * - duplicate: the very record already held
 * - erased: a person record for someone whose tombstone is held, refused whatever its version
 */
export type MergeOutcome = 'accepted' | 'stale' | 'duplicate' | 'erased';

/** The total order of versions: clock value, then signer id, then the record's digest. */
export function compareVersions(a: Versioned, b: Versioned): number {
  const byClock = compareHlc(a.hlc, b.hlc);
  if (byClock !== 0) return byClock;
  if (a.signer !== b.signer) return Buffer.compare(Buffer.from(a.signer, 'utf8'), Buffer.from(b.signer, 'utf8'));
  return Buffer.compare(a.digest, b.digest);
}

/**
 * The conflict rule. A tombstone is final: it replaces any person record, and no person record
 * replaces it, so erasure wins over a concurrent edit and a member whose clock runs ahead cannot
 * bring anyone back. Otherwise the greater version wins. The held record after any set of
 * arrivals is therefore the greatest tombstone if there is one, else the greatest record: the
 * same in every order.
 */
export function merge<T extends Versioned>(held: T | undefined, incoming: T): { outcome: MergeOutcome; keep: T } {
  if (held === undefined) return { outcome: 'accepted', keep: incoming };
  if (held.digest.equals(incoming.digest)) return { outcome: 'duplicate', keep: held };
  if (held.kind === 'tombstone' && incoming.kind === 'person') return { outcome: 'erased', keep: held };
  if (held.kind === 'person' && incoming.kind === 'tombstone') return { outcome: 'accepted', keep: incoming };
  return compareVersions(incoming, held) > 0 ? { outcome: 'accepted', keep: incoming } : { outcome: 'stale', keep: held };
}

/** The held record of every rid on a site, kept by the merge rule. */
export class SiteLedger<T extends Versioned> {
  readonly #held = new Map<string, T>();

  /** Merges one verified record for `rid` (hex) and says what happened to it. */
  apply(rid: string, incoming: T): MergeOutcome {
    const { outcome, keep } = merge(this.#held.get(rid), incoming);
    this.#held.set(rid, keep);
    return outcome;
  }

  get(rid: string): T | undefined {
    return this.#held.get(rid);
  }

  /** True once a tombstone for `rid` was seen: that person is never granted again. */
  isErased(rid: string): boolean {
    return this.#held.get(rid)?.kind === 'tombstone';
  }

  get size(): number {
    return this.#held.size;
  }

  entries(): IterableIterator<[string, T]> {
    return this.#held.entries();
  }
}
