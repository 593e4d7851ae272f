import type { Migration } from './types.ts';

/** The admin room's tables: operators, their sessions, API tokens, the first-run setup code, settings overrides. */
export const adminMigrations: Migration[] = [
  {
    id: 'admin-001-auth',
    up: `CREATE TABLE admin_users (
           id TEXT PRIMARY KEY,
           username TEXT NOT NULL UNIQUE COLLATE NOCASE,
           role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
           password_hash TEXT NOT NULL,
           created_at TEXT NOT NULL,
           revoked_at TEXT
         ) STRICT;
         CREATE TABLE admin_sessions (
           id_hash TEXT PRIMARY KEY,
           user_id TEXT NOT NULL REFERENCES admin_users (id) ON DELETE CASCADE,
           csrf TEXT NOT NULL,
           created_at TEXT NOT NULL,
           expires_at TEXT NOT NULL
         ) STRICT;
         CREATE INDEX admin_sessions_user ON admin_sessions (user_id);
         CREATE TABLE admin_api_tokens (
           id TEXT PRIMARY KEY,
           name TEXT NOT NULL,
           role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
           token_hash TEXT NOT NULL UNIQUE,
           created_by TEXT NOT NULL,
           created_at TEXT NOT NULL,
           last_used_at TEXT,
           revoked_at TEXT
         ) STRICT;
         CREATE TABLE admin_setup_code (
           one INTEGER PRIMARY KEY CHECK (one = 1),
           code_hash TEXT NOT NULL,
           created_at TEXT NOT NULL,
           used_at TEXT
         ) STRICT;
         CREATE TABLE admin_settings (
           key TEXT PRIMARY KEY,
           value TEXT NOT NULL,
           changed_by TEXT NOT NULL,
           changed_at TEXT NOT NULL
         ) STRICT;`,
  },
];
