import type { Migration } from './types.ts';

export const coreMigrations: Migration[] = [
  {
    id: 'core-001-meta',
    up: `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;`,
  },
  {
    id: 'core-002-events',
    up: `CREATE TABLE events (
           seq INTEGER PRIMARY KEY AUTOINCREMENT,
           id TEXT NOT NULL UNIQUE,
           ts TEXT NOT NULL,
           door TEXT NOT NULL,
           type TEXT NOT NULL,
           subject TEXT,
           body TEXT NOT NULL
         ) STRICT;
         CREATE INDEX events_ts ON events (ts);
         CREATE INDEX events_type_ts ON events (type, ts);`,
  },
];
