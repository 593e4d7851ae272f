import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { FacegateError, systemClock, type Clock } from '../core/index.ts';
import type { DeviceKeys } from './device-keys.ts';
import type { PersonKeys } from './person-keys.ts';
import { open, seal } from './seal.ts';

export interface SnapshotInput {
  image: Uint8Array;
  mime: 'image/jpeg' | 'image/png' | 'image/webp';
  /** The recognised person, whose key seals it; null for an unknown face (sealed under a device key). */
  personId?: string | null;
  eventId?: string | null;
}

export interface Snapshot {
  id: string;
  person_id: string | null;
  event_id: string | null;
  taken_at: string;
  mime: string;
  image: Uint8Array;
}

interface Row {
  id: string;
  person_id: string | null;
  event_id: string | null;
  taken_at: string;
  mime: string;
  sealed: Buffer;
}

const MAX_BYTES = 2 * 1024 * 1024;

/**
 * Face snapshots, only when the operator turns them on (privacy.snapshots.enabled). Each is
 * sealed (under the person's key, so erasure covers it) and purged after its retention period.
 */
export class Snapshots {
  readonly #db: Database;
  readonly #persons: PersonKeys;
  readonly #keys: () => DeviceKeys;
  readonly #clock: Clock;

  constructor(db: Database, persons: PersonKeys, clock: Clock = systemClock) {
    this.#db = db;
    this.#persons = persons;
    this.#keys = () => persons.deviceKeys;
    this.#clock = clock;
  }

  #unknownKey(): Buffer {
    return this.#keys().stableKey('snapshot');
  }

  put(input: SnapshotInput): string {
    if (!(input.image instanceof Uint8Array) || input.image.length === 0)
      throw new FacegateError('snapshot_input', 'snapshot image must be non-empty bytes', { exitCode: 65 });
    if (input.image.length > MAX_BYTES)
      throw new FacegateError('snapshot_input', `snapshot image is ${input.image.length} bytes; the limit is ${MAX_BYTES}`, { exitCode: 65 });
    const id = randomUUID();
    const personId = input.personId ?? null;
    const sealed = personId
      ? this.#persons.seal(personId, 'snapshot', id, input.image)
      : seal(this.#unknownKey(), input.image, { recordId: id, kind: 'snapshot' });
    this.#db
      .prepare('INSERT INTO snapshots (id, person_id, event_id, taken_at, mime, sealed) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, personId, input.eventId ?? null, new Date(this.#clock.now()).toISOString(), input.mime, sealed);
    return id;
  }

  #open(row: Row): Snapshot {
    const image = row.person_id
      ? this.#persons.open(row.person_id, 'snapshot', row.id, row.sealed)
      : open(this.#unknownKey(), row.sealed, { recordId: row.id, kind: 'snapshot' });
    return { id: row.id, person_id: row.person_id, event_id: row.event_id, taken_at: row.taken_at, mime: row.mime, image };
  }

  get(id: string): Snapshot | null {
    const row = this.#db.prepare('SELECT * FROM snapshots WHERE id = ?').get(id) as Row | undefined;
    return row ? this.#open(row) : null;
  }

  /** The snapshot taken for one event (the frame that concluded its decision), or null. */
  forEvent(eventId: string): Snapshot | null {
    const row = this.#db.prepare('SELECT * FROM snapshots WHERE event_id = ? ORDER BY taken_at LIMIT 1').get(eventId) as Row | undefined;
    return row ? this.#open(row) : null;
  }

  forPerson(personId: string): Snapshot[] {
    return (this.#db.prepare('SELECT * FROM snapshots WHERE person_id = ? ORDER BY taken_at').all(personId) as Row[]).map((r) => this.#open(r));
  }

  /** Removes the rows of an erased person (already unreadable once their key is destroyed). */
  deleteForPerson(personId: string): number {
    return this.#db.prepare('DELETE FROM snapshots WHERE person_id = ?').run(personId).changes;
  }

  purgeBefore(cutoffIso: string): number {
    return this.#db.prepare('DELETE FROM snapshots WHERE taken_at < ?').run(cutoffIso).changes;
  }
}
