import { randomUUID } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import { FacegateError, type PersonAccess, type WeeklySchedule } from '../core/index.ts';
import { openEach, type OnUnreadable } from './open-each.ts';

/** What privacy's PersonKeys offers; identity seals every personal column with it. */
export interface PersonSealer {
  create(personId: string): void;
  seal(personId: string, kind: string, recordId: string, plaintext: Uint8Array): Buffer;
  open(personId: string, kind: string, recordId: string, sealed: Uint8Array): Uint8Array;
  destroy(personId: string): boolean;
}

/** Everything about a person except templates; stored sealed as one JSON value. */
export interface PersonProfile {
  displayName: string;
  enabled: boolean;
  validFrom: string | null;
  validUntil: string | null;
  schedule: WeeklySchedule | null;
  /** Overrides the security level's match threshold for this person (e.g. a twin in the house). */
  threshold: number | null;
}

export interface Person extends PersonProfile {
  id: string;
  createdAt: string;
  updatedAt: string;
  templates: number;
}

export interface StoredTemplate {
  id: string;
  personId: string;
  model: string;
  embedding: Float32Array;
  createdAt: string;
}

export const PROFILE_KIND = 'person.profile';
export const TEMPLATE_KIND = 'face.template';
const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export class PersonNotFoundError extends FacegateError {
  constructor(personId: string) {
    super('person_not_found', `no enrolled person with id ${JSON.stringify(personId)}`, { exitCode: 66 });
  }
}

export function checkPersonId(id: string): string {
  if (typeof id !== 'string' || !ID.test(id)) {
    throw new FacegateError(
      'person_id',
      `person id must be 1-64 characters of letters, digits, _ . - (starting with a letter or digit), got ${JSON.stringify(id)}`,
      { exitCode: 65 },
    );
  }
  return id;
}

export function newPersonId(): string {
  return randomUUID();
}

export function toAccess(p: Person): PersonAccess {
  return { personId: p.id, enabled: p.enabled, validFrom: p.validFrom, validUntil: p.validUntil, schedule: p.schedule };
}

/**
 * The persons and templates tables. Reads open the sealed columns; writes seal them. The caller
 * runs multi-step changes inside one db.transaction so that nothing is half-written.
 */
export class PersonRepository {
  readonly #db: Database;
  readonly #keys: PersonSealer;
  readonly #getPerson: Statement;
  readonly #countTemplates: Statement;

  constructor(db: Database, keys: PersonSealer) {
    this.#db = db;
    this.#keys = keys;
    this.#getPerson = db.prepare('SELECT id, profile, created_at, updated_at FROM persons WHERE id = ?');
    this.#countTemplates = db.prepare('SELECT count(*) AS n FROM templates WHERE person_id = ?');
  }

  get db(): Database {
    return this.#db;
  }

  #seal(id: string, profile: PersonProfile): Buffer {
    return this.#keys.seal(id, PROFILE_KIND, id, Buffer.from(JSON.stringify(profile), 'utf8'));
  }

  #row(row: { id: string; profile: Buffer; created_at: string; updated_at: string }): Person {
    const profile = JSON.parse(Buffer.from(this.#keys.open(row.id, PROFILE_KIND, row.id, row.profile)).toString('utf8')) as PersonProfile;
    return { ...profile, id: row.id, createdAt: row.created_at, updatedAt: row.updated_at, templates: this.templateCount(row.id) };
  }

  templateCount(personId: string): number {
    return (this.#countTemplates.get(personId) as { n: number }).n;
  }

  exists(id: string): boolean {
    return this.#getPerson.get(id) !== undefined;
  }

  insert(id: string, profile: PersonProfile, now: string): void {
    if (this.exists(id)) throw new FacegateError('person_exists', `a person with id ${JSON.stringify(id)} is already enrolled`, { exitCode: 65 });
    this.#keys.create(id);
    this.insertUnderExistingKey(id, profile, now);
  }

  /** For a draft becoming a person: their key was made with the draft and stays theirs. */
  insertUnderExistingKey(id: string, profile: PersonProfile, now: string): void {
    this.#db.prepare('INSERT INTO persons (id, profile, created_at, updated_at) VALUES (?, ?, ?, ?)').run(id, this.#seal(id, profile), now, now);
  }

  update(id: string, profile: PersonProfile, now: string): void {
    const changes = this.#db.prepare('UPDATE persons SET profile = ?, updated_at = ? WHERE id = ?').run(this.#seal(id, profile), now, id).changes;
    if (changes === 0) throw new PersonNotFoundError(id);
  }

  get(id: string): Person | null {
    const row = this.#getPerson.get(id) as { id: string; profile: Buffer; created_at: string; updated_at: string } | undefined;
    return row ? this.#row(row) : null;
  }

  require(id: string): Person {
    const p = this.get(id);
    if (!p) throw new PersonNotFoundError(id);
    return p;
  }

  /** Every person, opened; a row that cannot be opened goes to onError (or throws when none is given). */
  list(onError?: OnUnreadable): Person[] {
    const rows = this.#db.prepare('SELECT id, profile, created_at, updated_at FROM persons ORDER BY created_at, id').all() as {
      id: string;
      profile: Buffer;
      created_at: string;
      updated_at: string;
    }[];
    return openEach(rows, (r) => this.#row(r), onError);
  }

  insertTemplate(t: StoredTemplate): void {
    const bytes = new Uint8Array(t.embedding.buffer, t.embedding.byteOffset, t.embedding.byteLength);
    const sealed = this.#keys.seal(t.personId, TEMPLATE_KIND, t.id, bytes);
    this.#db
      .prepare('INSERT INTO templates (id, person_id, model, dim, sealed, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(t.id, t.personId, t.model, t.embedding.length, sealed, t.createdAt);
  }

  deleteTemplate(personId: string, templateId: string): boolean {
    return this.#db.prepare('DELETE FROM templates WHERE id = ? AND person_id = ?').run(templateId, personId).changes > 0;
  }

  /** Every template of a person (or of everyone), opened. */
  templates(personId?: string, onError?: OnUnreadable): StoredTemplate[] {
    const rows = (
      personId === undefined
        ? this.#db.prepare('SELECT id, person_id, model, dim, sealed, created_at FROM templates ORDER BY person_id, created_at, id').all()
        : this.#db.prepare('SELECT id, person_id, model, dim, sealed, created_at FROM templates WHERE person_id = ? ORDER BY created_at, id').all(personId)
    ) as {
      id: string;
      person_id: string;
      model: string;
      dim: number;
      sealed: Buffer;
      created_at: string;
    }[];
    return openEach(
      rows,
      (r) => {
        const plain = this.#keys.open(r.person_id, TEMPLATE_KIND, r.id, r.sealed);
        if (plain.byteLength !== r.dim * 4) throw new FacegateError('template_corrupt', `template ${r.id}: ${plain.byteLength} bytes, expected ${r.dim * 4}`);
        // A fresh, exactly sized copy: Buffer views may sit at an unaligned offset of a shared pool.
        const embedding = new Float32Array(new Uint8Array(plain).buffer, 0, r.dim);
        return { id: r.id, personId: r.person_id, model: r.model, embedding, createdAt: r.created_at };
      },
      onError,
    );
  }

  deletePerson(id: string): void {
    this.#db.prepare('DELETE FROM templates WHERE person_id = ?').run(id);
    this.#db.prepare('DELETE FROM persons WHERE id = ?').run(id);
  }
}
