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
  {
    // The operator whose authority a token carries (for a token made with a token, that token's operator),
    // so that revoking an operator revokes their tokens. Older rows are linked through created_by.
    id: 'admin-002-token-owner',
    up: (db) => {
      db.exec('ALTER TABLE admin_api_tokens ADD COLUMN owner_id TEXT REFERENCES admin_users (id)');
      // Compared with the column on the left, so that its NOCASE collation applies.
      db.exec(`UPDATE admin_api_tokens SET owner_id = (SELECT u.id FROM admin_users u WHERE u.username = substr(admin_api_tokens.created_by, 6))
               WHERE created_by LIKE 'user:%'`);
      // A token made with a token takes that token's operator; each pass links one more step of a chain.
      const parent = `SELECT p.owner_id FROM admin_api_tokens p
                      WHERE 'token:' || p.name = admin_api_tokens.created_by AND p.owner_id IS NOT NULL ORDER BY p.created_at LIMIT 1`;
      const link = db.prepare(`UPDATE admin_api_tokens SET owner_id = (${parent}) WHERE owner_id IS NULL AND EXISTS (${parent})`);
      for (;;) if (link.run().changes === 0) break;
    },
  },
];
