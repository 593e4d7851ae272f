import type { Database } from 'better-sqlite3';
import { FacegateError, systemClock, type Clock } from '../core/index.ts';

/** GDPR Art. 9(2) grounds facegate supports; explicit consent is the one for a home or small office door. */
export const LEGAL_BASES = ['explicit_consent', 'employment_obligation', 'vital_interest'] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

/** How consent was given. */
export const CONSENT_METHODS = ['in_person_signed', 'in_person_verbal', 'admin_panel', 'self_enrollment', 'imported'] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];

export interface ConsentInput {
  personId: string;
  basis: LegalBasis;
  method: ConsentMethod;
  /** Version of the privacy notice the person was shown, e.g. "2026-01". */
  noticeVersion: string;
  /** The operator (admin account, `cli`) who recorded it. */
  recordedBy: string;
  /** When consent was given (ISO); defaults to now. */
  givenAt?: string;
}

export interface ConsentRecord {
  id: number;
  person_id: string;
  basis: LegalBasis;
  method: ConsentMethod;
  notice_version: string;
  recorded_by: string;
  given_at: string;
  withdrawn_at: string | null;
  withdrawn_by: string | null;
}

function bad(message: string): FacegateError {
  return new FacegateError('consent_input', message, { exitCode: 65 });
}

function text(field: string, v: unknown): string {
  if (typeof v !== 'string' || v.trim().length === 0 || v.length > 200) throw bad(`consent ${field} must be a non-empty string of at most 200 characters`);
  return v;
}

/**
 * Records of the legal basis and consent for each person: who, when, how, which notice.
 * They hold no name and no biometric data, and they outlive an erasure on purpose: the
 * controller must be able to show consent was given (Art. 7(1)) and when it was withdrawn.
 */
export class Consents {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock = systemClock) {
    this.#db = db;
    this.#clock = clock;
  }

  record(input: ConsentInput): ConsentRecord {
    text('person id', input.personId);
    if (!LEGAL_BASES.includes(input.basis)) throw bad(`consent basis must be one of ${LEGAL_BASES.join(', ')}`);
    if (!CONSENT_METHODS.includes(input.method)) throw bad(`consent method must be one of ${CONSENT_METHODS.join(', ')}`);
    text('notice version', input.noticeVersion);
    text('recorded by', input.recordedBy);
    const givenAt = input.givenAt ?? new Date(this.#clock.now()).toISOString();
    if (Number.isNaN(Date.parse(givenAt))) throw bad(`consent given_at is not a date: ${givenAt}`);
    const info = this.#db
      .prepare('INSERT INTO consents (person_id, basis, method, notice_version, recorded_by, given_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(input.personId, input.basis, input.method, input.noticeVersion, input.recordedBy, new Date(givenAt).toISOString());
    return this.#db.prepare('SELECT * FROM consents WHERE id = ?').get(info.lastInsertRowid) as ConsentRecord;
  }

  /** The consent in force for a person, or null (none given, or withdrawn). */
  current(personId: string): ConsentRecord | null {
    return (
      (this.#db.prepare('SELECT * FROM consents WHERE person_id = ? AND withdrawn_at IS NULL ORDER BY id DESC LIMIT 1').get(personId) as
        ConsentRecord | undefined) ?? null
    );
  }

  history(personId: string): ConsentRecord[] {
    return this.#db.prepare('SELECT * FROM consents WHERE person_id = ? ORDER BY id').all(personId) as ConsentRecord[];
  }

  /**
   * Marks every consent of the person withdrawn; returns how many. The caller must then erase
   * the person (identity's erase, which destroys their key): withdrawal means erasure.
   */
  withdraw(personId: string, by: string): number {
    text('withdrawn by', by);
    return this.#db
      .prepare('UPDATE consents SET withdrawn_at = ?, withdrawn_by = ? WHERE person_id = ? AND withdrawn_at IS NULL')
      .run(new Date(this.#clock.now()).toISOString(), by, personId).changes;
  }
}
