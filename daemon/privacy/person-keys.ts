import { randomBytes } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import { FacegateError, type Logger } from '../core/index.ts';
import { DeviceKeys } from './device-keys.ts';
import { KeyShares } from './key-shares.ts';
import { open, seal } from './seal.ts';

interface KeyRow {
  person_id: string;
  wrapped: Buffer;
  key_id: string;
}

/** A person whose key no longer exists: erased, or their key share was lost. Their data cannot be opened. */
export class PersonKeyGoneError extends FacegateError {
  readonly personId: string;
  constructor(personId: string, why: string) {
    super('person_key_gone', `person ${personId}: ${why}; their sealed data cannot be opened`, { exitCode: 65 });
    this.name = 'PersonKeyGoneError';
    this.personId = personId;
  }
}

export interface KeyHealth {
  persons: number;
  /** Persons whose key share file is missing: erased after a backup was restored, or keys/ was lost. */
  missingShares: string[];
  /** Share files with no person (an enrollment that never committed); removed by reconcile(). */
  orphanShares: number;
}

function checkPersonId(personId: string): void {
  if (typeof personId !== 'string' || personId.length === 0 || personId.length > 200) {
    throw new FacegateError('person_id', `person id must be a non-empty string of at most 200 characters, got ${JSON.stringify(personId)}`, { exitCode: 65 });
  }
}

/**
 * One random AES-256 key per person, used to seal everything stored about them. The key is
 * wrapped by the device key together with the person's key share (a file outside the database);
 * destroy() shreds the share and the row, which is the erasure: crypto-shredding.
 */
export class PersonKeys {
  readonly #db: Database;
  readonly #shares: KeyShares;
  readonly #cache = new Map<string, Buffer>();
  readonly #log: Logger | undefined;
  readonly #getRow: Statement;
  readonly #getKeyId: Statement;
  #keys: DeviceKeys;

  constructor(db: Database, keys: DeviceKeys, log?: Logger) {
    this.#db = db;
    this.#log = log;
    // Deleted rows are zeroed in the file, not just unlinked from the b-tree.
    db.pragma('secure_delete = ON');
    this.#keys = keys.bind(db, log);
    this.#shares = new KeyShares(keys.dataDir);
    this.#getRow = db.prepare('SELECT person_id, wrapped, key_id FROM person_keys WHERE person_id = ?');
    this.#getKeyId = db.prepare("SELECT value FROM meta WHERE key = 'device_key_id'");
  }

  get deviceKeys(): DeviceKeys {
    return this.#keys;
  }

  /** Follows a key rotation committed by another process (`facegate keys rotate` beside a running daemon). */
  #sync(): void {
    const current = (this.#getKeyId.get() as { value: string } | undefined)?.value;
    if (current === undefined || current === this.#keys.id) return;
    const next = this.#keys.source === 'file' ? DeviceKeys.findOnDisk(this.#keys.dataDir, current) : null;
    if (!next) {
      throw new FacegateError(
        'key_mismatch',
        `the device key was rotated to ${current}, but that key is not in ${this.#keys.dataDir}; restart facegate with the new key`,
        { exitCode: 78 },
      );
    }
    this.#keys = next.bind(this.#db, this.#log);
    this.#log?.info({ keyId: current }, 'following a device key rotation');
  }

  has(personId: string): boolean {
    return this.#getRow.get(personId) !== undefined;
  }

  create(personId: string): void {
    checkPersonId(personId);
    let share: Buffer | null = null;
    const personKey = randomBytes(32);
    try {
      this.#db
        .transaction(() => {
          this.#sync();
          if (this.has(personId)) throw new FacegateError('person_key_exists', `person ${personId} already has a key`, { exitCode: 65 });
          share = this.#shares.create(personId);
          this.#db
            .prepare('INSERT INTO person_keys (person_id, wrapped, key_id, created_at) VALUES (?, ?, ?, ?)')
            .run(personId, this.#keys.wrap(personKey, personId, share), this.#keys.id, new Date().toISOString());
        })
        .immediate();
    } catch (err) {
      if (share) this.#shares.shred(personId);
      throw err;
    }
    this.#cache.set(personId, personKey);
  }

  #key(personId: string): Buffer {
    checkPersonId(personId);
    const cached = this.#cache.get(personId);
    if (cached) return cached;
    const row = this.#getRow.get(personId) as KeyRow | undefined;
    if (!row) throw new PersonKeyGoneError(personId, 'no key (never enrolled, or erased)');
    const share = this.#shares.read(personId);
    if (!share) throw new PersonKeyGoneError(personId, `key share missing from ${this.#shares.dir} (erased, or keys/ was not restored)`);
    if (row.key_id !== this.#keys.id) this.#sync();
    if (row.key_id !== this.#keys.id) {
      throw new FacegateError('key_mismatch', `person ${personId}: key wrapped by device key ${row.key_id}, but the device key is ${this.#keys.id}`, {
        exitCode: 78,
      });
    }
    const key = this.#keys.unwrap(row.wrapped, personId, share);
    this.#cache.set(personId, key);
    return key;
  }

  seal(personId: string, kind: string, recordId: string, plaintext: Uint8Array): Buffer {
    return seal(this.#key(personId), plaintext, { recordId: `${personId}/${recordId}`, kind });
  }

  open(personId: string, kind: string, recordId: string, sealed: Uint8Array): Uint8Array {
    return open(this.#key(personId), sealed, { recordId: `${personId}/${recordId}`, kind });
  }

  /**
   * Erasure. The share is shredded first (from that moment nothing can open the person's data),
   * then the wrapped key row goes, and the WAL is checkpointed and truncated so the row's bytes
   * leave it too. Idempotent. Returns whether there was anything to destroy.
   */
  destroy(personId: string): boolean {
    checkPersonId(personId);
    this.#cache.delete(personId);
    const hadShare = this.#shares.shred(personId);
    const changes = this.#db.prepare('DELETE FROM person_keys WHERE person_id = ?').run(personId).changes;
    // Inside a caller's transaction a checkpoint cannot run (SQLite refuses); the caller runs
    // checkpointWal() after its commit. Never let the checkpoint undo an erasure by throwing.
    if (!this.#db.inTransaction) this.checkpointWal();
    return hadShare || changes > 0;
  }

  /** Moves committed pages into the database file and truncates the WAL; false if a reader blocked it. */
  checkpointWal(): boolean {
    try {
      const [result] = this.#db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      if (result && result.busy === 0) return true;
    } catch (err) {
      this.#log?.warn({ err }, 'WAL checkpoint after erasure failed');
      return false;
    }
    this.#log?.warn('WAL checkpoint after erasure was blocked by a reader; the WAL is truncated at the next checkpoint');
    return false;
  }

  /**
   * Key rotation: re-wraps every person key under `newKeys` in one transaction, and records the
   * new key id. Persons whose share is gone cannot be re-wrapped and are reported.
   */
  rewrapAll(newKeys: DeviceKeys): { rewrapped: number; unrecoverable: string[] } {
    const unrecoverable: string[] = [];
    let rewrapped = 0;
    this.#db
      .transaction(() => {
        this.#sync();
        const rows = this.#db.prepare('SELECT person_id, wrapped, key_id FROM person_keys').all() as KeyRow[];
        const update = this.#db.prepare('UPDATE person_keys SET wrapped = ?, key_id = ? WHERE person_id = ?');
        for (const row of rows) {
          const share = this.#shares.read(row.person_id);
          if (!share) {
            unrecoverable.push(row.person_id);
            continue;
          }
          const personKey = this.#keys.unwrap(row.wrapped, row.person_id, share);
          update.run(newKeys.wrap(personKey, row.person_id, share), newKeys.id, row.person_id);
          rewrapped += 1;
        }
        newKeys.writeBinding(this.#db, this.#keys.pseudonymSecret);
      })
      .immediate();
    this.#keys = newKeys;
    return { rewrapped, unrecoverable };
  }

  /** What the key store looks like: for the start-up check and `facegate keys status`. */
  health(): KeyHealth {
    const ids = (this.#db.prepare('SELECT person_id FROM person_keys').all() as { person_id: string }[]).map((r) => r.person_id);
    const files = new Set(this.#shares.list());
    const missing: string[] = [];
    for (const id of ids) {
      if (!files.delete(KeyShares.fileName(id))) missing.push(id);
    }
    return { persons: ids.length, missingShares: missing, orphanShares: files.size };
  }

  /**
   * Start-up check. Shreds orphan shares. Refuses to start when persons exist but not one of
   * their shares does: keys/ was lost or belongs to another device, and starting would show
   * an empty gallery.
   */
  reconcile(): KeyHealth {
    // Under the write lock: an enrollment holds it from writing its share until its commit, so
    // a share without a row here really is an orphan, not one being enrolled by another process.
    const health = this.#db
      .transaction(() => {
        const h = this.health();
        if (h.orphanShares > 0) {
          const rows = new Set(
            (this.#db.prepare('SELECT person_id FROM person_keys').all() as { person_id: string }[]).map((r) => KeyShares.fileName(r.person_id)),
          );
          for (const f of this.#shares.list()) if (!rows.has(f)) this.#shares.shredFile(f);
        }
        return h;
      })
      .immediate();
    if (health.persons > 0 && health.missingShares.length === health.persons) {
      throw new FacegateError(
        'keys_missing',
        `the database has ${health.persons} enrolled persons but none of their key shares is in ${this.#shares.dir}: keys/ was lost or comes from elsewhere; restore it (facegate will not start with an unreadable gallery)`,
        { exitCode: 78 },
      );
    }
    if (health.missingShares.length > 0) {
      this.#log?.warn(
        { count: health.missingShares.length },
        'some persons have no key share (erased after the restored backup was taken); their data cannot be opened',
      );
    }
    return health;
  }
}
