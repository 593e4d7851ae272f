import { FacegateError, type Logger } from '../core/index.ts';
import { SiteError } from './errors.ts';
import type { HybridClock, Hlc } from './hlc.ts';
import type { MemberIdentity, MemberPublic } from './member-identity.ts';
import { SiteLedger, type MergeOutcome } from './merge.ts';
import { makeTombstone, openPersonRecord, sealPersonRecord, verifyRecord, type SiteContext, type VerifiedRecord } from './record-seal.ts';
import { SiteTopics } from './site-topics.ts';
import type { SiteTransport } from './transport.ts';

/** A person as received from the site: verified, opened, and newer than anything held before. */
export interface ReceivedPerson {
  rid: string;
  personKey: Buffer;
  plaintext: Buffer;
  hlc: Hlc;
  signer: string;
}

export interface SiteReplicatorOptions {
  base: string;
  site: SiteContext;
  /** Site keys of older epochs still in use by live records; the current one is `site.siteKey`. */
  olderSiteKeys?: ReadonlyMap<number, Buffer>;
  self: MemberIdentity;
  /** The roster: whose signatures count. */
  members: ReadonlyMap<string, MemberPublic>;
  clock: HybridClock;
  transport: SiteTransport;
  onPerson: (person: ReceivedPerson) => void;
  onErased: (rid: string) => void;
  log?: Logger;
}

/**
 * Replicates one site's person records and tombstones through retained messages: it publishes
 * local changes, and takes in every record the broker delivers only once it has been verified
 * (known signer, signature), opened (a person) and kept by the merge rule.
 */
export class SiteReplicator {
  readonly topics: SiteTopics;
  /** Records refused, by reason (SiteError code, or the merge outcome that dropped them). */
  readonly refused = new Map<string, number>();
  readonly #o: SiteReplicatorOptions;
  readonly #ledger = new SiteLedger<VerifiedRecord>();
  #unlisten: (() => void) | null = null;

  constructor(options: SiteReplicatorOptions) {
    this.#o = options;
    this.topics = new SiteTopics(options.base, options.site.siteId);
  }

  async start(): Promise<void> {
    this.#unlisten ??= this.#o.transport.onMessage((topic, payload) => this.#receive(topic, payload));
    await this.#o.transport.subscribe(this.topics.filters());
  }

  stop(): void {
    this.#unlisten?.();
    this.#unlisten = null;
  }

  /** True once this member has seen the person's tombstone: it must never grant them again. */
  isErased(rid: string): boolean {
    return this.#ledger.isErased(rid);
  }

  /** Publishes a new version of a person (rid as hex). */
  async share(rid: string, personKey: Buffer, plaintext: Uint8Array): Promise<void> {
    const bytes = sealPersonRecord(this.#o.site, this.#o.self, { rid: Buffer.from(rid, 'hex'), hlc: this.#o.clock.tick(), personKey, plaintext });
    this.#keepOwn(rid, bytes);
    await this.#o.transport.publish(this.topics.person(rid), bytes, { retain: true });
  }

  /** Publishes the person's tombstone and clears their retained record from the broker. */
  async erase(rid: string): Promise<void> {
    const bytes = makeTombstone(this.#o.site, this.#o.self, Buffer.from(rid, 'hex'), this.#o.clock.tick());
    this.#keepOwn(rid, bytes);
    await this.#o.transport.publish(this.topics.tomb(rid), bytes, { retain: true });
    // An empty retained message deletes the sealed record from the broker's store.
    await this.#o.transport.publish(this.topics.person(rid), Buffer.alloc(0), { retain: true });
  }

  #keepOwn(rid: string, bytes: Buffer): void {
    const outcome = this.#ledger.apply(rid, verifyRecord(bytes, this.#verifyOptions()));
    if (outcome !== 'accepted')
      throw new SiteError('site_local_refused', `record ${rid} was not kept (${outcome}): the person was erased, or a newer version is held`);
  }

  #verifyOptions(): { siteId: Buffer; members: ReadonlyMap<string, MemberPublic> } {
    return { siteId: this.#o.site.siteId, members: this.#o.members };
  }

  #count(reason: string): void {
    this.refused.set(reason, (this.refused.get(reason) ?? 0) + 1);
  }

  #receive(topic: string, payload: Buffer): void {
    const where = this.topics.parse(topic);
    if (where === null || payload.length === 0) return; // another topic, or a cleared record
    try {
      const record = verifyRecord(payload, this.#verifyOptions());
      if (record.rid.toString('hex') !== where.rid || (record.kind === 'person') !== (where.kind === 'person')) {
        throw new SiteError('site_topic_mismatch', `record ${record.rid.toString('hex')} (${record.kind}) arrived on ${topic}`);
      }
      if (record.kind === 'tombstone') this.#takeTombstone(where.rid, record);
      else this.#takePerson(where.rid, record);
    } catch (err) {
      if (!(err instanceof FacegateError)) throw err;
      this.#count(err.code);
      this.#o.log?.warn({ topic, code: err.code }, `site record refused: ${err.message}`);
    }
  }

  #takeTombstone(rid: string, record: VerifiedRecord): void {
    // Applied even from a clock far ahead: an erasure is never held back.
    try {
      this.#o.clock.receive(record.hlc);
    } catch (err) {
      if (!(err instanceof SiteError)) throw err;
    }
    const wasErased = this.#ledger.isErased(rid);
    this.#note(this.#ledger.apply(rid, record));
    if (!wasErased) this.#o.onErased(rid);
  }

  #takePerson(rid: string, record: VerifiedRecord): void {
    if (this.#ledger.isErased(rid)) return this.#note('erased');
    this.#o.clock.receive(record.hlc);
    const opened = openPersonRecord(record, (epoch) => (epoch === this.#o.site.epoch ? this.#o.site.siteKey : this.#o.olderSiteKeys?.get(epoch)));
    const outcome = this.#ledger.apply(rid, record);
    this.#note(outcome);
    if (outcome === 'accepted') this.#o.onPerson({ rid, ...opened, hlc: record.hlc, signer: record.signer });
  }

  #note(outcome: MergeOutcome): void {
    // Duplicates are normal (our own records come back, QoS 1 redelivers); stale and erased ones are worth counting.
    if (outcome === 'stale' || outcome === 'erased') this.#count(outcome);
  }
}
