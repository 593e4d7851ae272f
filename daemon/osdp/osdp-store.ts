import type { Database } from 'better-sqlite3';
import { FacegateError, type Clock } from '../core/index.ts';
import { open, seal } from '../privacy/index.ts';
import { credentialProblem, type Credential } from './wiegand.ts';

/** What privacy's PersonKeys offers: a person's credential is sealed under their own key. */
export interface CredentialSealer {
  seal(personId: string, kind: string, recordId: string, plaintext: Uint8Array): Buffer;
  open(personId: string, kind: string, recordId: string, sealed: Uint8Array): Uint8Array;
}

const CREDENTIAL_KIND = 'osdp.credential';
const KEY_KIND = 'osdp.scbk';
const SCBK_NAME = 'scbk';

/**
 * The osdp room's tables: each person's credential (sealed under the person's key, so erasing the
 * person shreds it even in a backup) and the SCBK a panel set with KEYSET (sealed under
 * `deviceKey`, a device key that survives rotation: DeviceKeys.stableKey('osdp.scbk')).
 */
export class OsdpStore {
  readonly #db: Database;
  readonly #persons: CredentialSealer;
  readonly #deviceKey: Buffer;
  readonly #clock: Clock;

  constructor(opts: { db: Database; persons: CredentialSealer; deviceKey: Buffer; clock: Clock }) {
    this.#db = opts.db;
    this.#persons = opts.persons;
    this.#deviceKey = opts.deviceKey;
    this.#clock = opts.clock;
  }

  /** Sets (or with null removes) a person's credential; throws a clear error for one that cannot be sent. */
  setCredential(personId: string, credential: Credential | null): void {
    if (credential === null) {
      this.#db.prepare('DELETE FROM osdp_credentials WHERE person_id = ?').run(personId);
      return;
    }
    const problem = credentialProblem(credential);
    if (problem) throw new FacegateError('osdp_credential', `credential of ${JSON.stringify(personId)}: ${problem}`, { exitCode: 65 });
    const sealed = this.#persons.seal(personId, CREDENTIAL_KIND, personId, Buffer.from(JSON.stringify(credential), 'utf8'));
    this.#db
      .prepare(
        'INSERT INTO osdp_credentials (person_id, sealed, updated_at) VALUES (?, ?, ?) ON CONFLICT (person_id) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at',
      )
      .run(personId, sealed, new Date(this.#clock.now()).toISOString());
  }

  /** The person's credential, or null when they have none. */
  credential(personId: string): Credential | null {
    const row = this.#db.prepare('SELECT sealed FROM osdp_credentials WHERE person_id = ?').get(personId) as { sealed: Buffer } | undefined;
    if (!row) return null;
    return JSON.parse(Buffer.from(this.#persons.open(personId, CREDENTIAL_KIND, personId, row.sealed)).toString('utf8')) as Credential;
  }

  /** Erasure: the person's credential row (their key is shredded after). */
  deleteCredential(personId: string): number {
    return this.#db.prepare('DELETE FROM osdp_credentials WHERE person_id = ?').run(personId).changes;
  }

  /** The SCBK a panel set with KEYSET, or null. */
  storedScbk(): { scbk: Uint8Array; setAt: string } | null {
    const row = this.#db.prepare('SELECT sealed, set_at FROM osdp_keys WHERE name = ?').get(SCBK_NAME) as { sealed: Buffer; set_at: string } | undefined;
    if (!row) return null;
    return { scbk: open(this.#deviceKey, row.sealed, { recordId: SCBK_NAME, kind: KEY_KIND }), setAt: row.set_at };
  }

  /** Forgets the KEYSET key (to pair again); false when there was none. */
  forgetScbk(): boolean {
    return this.#db.prepare('DELETE FROM osdp_keys WHERE name = ?').run(SCBK_NAME).changes > 0;
  }

  storeScbk(scbk: Uint8Array): void {
    const sealed = seal(this.#deviceKey, scbk, { recordId: SCBK_NAME, kind: KEY_KIND });
    this.#db
      .prepare(
        'INSERT INTO osdp_keys (name, sealed, set_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET sealed = excluded.sealed, set_at = excluded.set_at',
      )
      .run(SCBK_NAME, sealed, new Date(this.#clock.now()).toISOString());
  }
}
