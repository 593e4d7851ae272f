import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { openEach, type OnUnreadable } from './open-each.ts';
import { PersonNotFoundError, type PersonProfile, type PersonSealer } from './persons.ts';

/** What an operator gives a person before their first photo is accepted. */
export type DraftProfile = Pick<PersonProfile, 'displayName' | 'validFrom' | 'validUntil' | 'schedule'>;

/** A person added (in the panel) whose first template is not accepted yet: no template, no access. */
export interface Draft extends DraftProfile {
  id: string;
  createdAt: string;
  updatedAt: string;
}

/** Its own sealing kind: a draft's blob cannot be passed off as an enrolled person's profile. */
export const DRAFT_KIND = 'person.draft';

type DraftRow = { id: string; profile: Buffer; created_at: string; updated_at: string };

/** Ids as the panel always made them; identity's checkPersonId accepts them. */
export function newDraftId(): string {
  return `p_${randomUUID()}`;
}

/**
 * The person_drafts table. The profile (with the name) is sealed under the draft's own person key,
 * made at create() and kept when the draft becomes a person, so no plain name is ever written.
 */
export class DraftRepository {
  readonly #db: Database;
  readonly #keys: PersonSealer;

  constructor(db: Database, keys: PersonSealer) {
    this.#db = db;
    this.#keys = keys;
  }

  #row(id: string): DraftRow | undefined {
    return this.#db.prepare('SELECT id, profile, created_at, updated_at FROM person_drafts WHERE id = ?').get(id) as DraftRow | undefined;
  }

  #seal(id: string, profile: DraftProfile): Buffer {
    const { displayName, validFrom, validUntil, schedule } = profile;
    return this.#keys.seal(id, DRAFT_KIND, id, Buffer.from(JSON.stringify({ displayName, validFrom, validUntil, schedule }), 'utf8'));
  }

  #open(row: DraftRow): Draft {
    const profile = JSON.parse(Buffer.from(this.#keys.open(row.id, DRAFT_KIND, row.id, row.profile)).toString('utf8')) as DraftProfile;
    return { ...profile, id: row.id, createdAt: row.created_at, updatedAt: row.updated_at };
  }

  exists(id: string): boolean {
    return this.#row(id) !== undefined;
  }

  /** Makes the draft's person key, then its row (callers run both in one transaction). */
  insert(id: string, profile: DraftProfile, now: string): void {
    this.#keys.create(id);
    this.#db.prepare('INSERT INTO person_drafts (id, profile, created_at, updated_at) VALUES (?, ?, ?, ?)').run(id, this.#seal(id, profile), now, now);
  }

  update(id: string, profile: DraftProfile, now: string): void {
    const changes = this.#db.prepare('UPDATE person_drafts SET profile = ?, updated_at = ? WHERE id = ?').run(this.#seal(id, profile), now, id).changes;
    if (changes === 0) throw new PersonNotFoundError(id);
  }

  get(id: string): Draft | null {
    const row = this.#row(id);
    return row ? this.#open(row) : null;
  }

  /** Every draft, opened; one that cannot be opened goes to onError (or throws when none is given). */
  list(onError?: OnUnreadable): Draft[] {
    const rows = this.#db.prepare('SELECT id, profile, created_at, updated_at FROM person_drafts ORDER BY created_at, id').all() as DraftRow[];
    return openEach(rows, (r) => this.#open(r), onError);
  }

  /** Ids of drafts made before the cutoff (retention). */
  createdBefore(cutoffIso: string): string[] {
    return (this.#db.prepare('SELECT id FROM person_drafts WHERE created_at < ? ORDER BY created_at, id').all(cutoffIso) as { id: string }[]).map((r) => r.id);
  }

  /** The row only; the key is the caller's to destroy (erasure) or to keep (the draft became a person). */
  delete(id: string): boolean {
    return this.#db.prepare('DELETE FROM person_drafts WHERE id = ?').run(id).changes > 0;
  }
}
