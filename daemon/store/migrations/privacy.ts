import type { Migration } from './types.ts';

/** Tables of daemon/privacy: person keys, the audit chain, consent records, sealed snapshots. */
export const privacyMigrations: Migration[] = [
  {
    id: 'privacy-001-person-keys',
    // wrapped: the person's AES key sealed under (device key + key share file); never plaintext.
    up: `CREATE TABLE person_keys (
           person_id TEXT PRIMARY KEY,
           wrapped BLOB NOT NULL,
           key_id TEXT NOT NULL,
           created_at TEXT NOT NULL
         ) STRICT;`,
  },
  {
    id: 'privacy-002-audit-log',
    // Append-only: the triggers stop accidental edits; the hash chain detects deliberate ones.
    up: `CREATE TABLE audit_log (
           seq INTEGER PRIMARY KEY,
           ts TEXT NOT NULL,
           actor TEXT NOT NULL,
           action TEXT NOT NULL,
           target TEXT,
           detail TEXT,
           prev_hash TEXT NOT NULL,
           hash TEXT NOT NULL
         ) STRICT;
         CREATE INDEX audit_log_target ON audit_log (target);
         CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
         CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;`,
  },
  {
    id: 'privacy-003-consents',
    up: `CREATE TABLE consents (
           id INTEGER PRIMARY KEY,
           person_id TEXT NOT NULL,
           basis TEXT NOT NULL,
           method TEXT NOT NULL,
           notice_version TEXT NOT NULL,
           recorded_by TEXT NOT NULL,
           given_at TEXT NOT NULL,
           withdrawn_at TEXT,
           withdrawn_by TEXT
         ) STRICT;
         CREATE INDEX consents_person ON consents (person_id);`,
  },
  {
    id: 'privacy-004-snapshots',
    up: `CREATE TABLE snapshots (
           id TEXT PRIMARY KEY,
           person_id TEXT,
           event_id TEXT,
           taken_at TEXT NOT NULL,
           mime TEXT NOT NULL,
           sealed BLOB NOT NULL
         ) STRICT;
         CREATE INDEX snapshots_taken_at ON snapshots (taken_at);
         CREATE INDEX snapshots_person ON snapshots (person_id);`,
  },
];
