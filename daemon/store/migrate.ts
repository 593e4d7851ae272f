import type { Database } from 'better-sqlite3';
import { FacegateError } from '../core/index.ts';
import type { Migration } from './migrations/index.ts';

/** Applies the migrations not yet recorded in schema_migrations; returns the ids it applied. */
export function migrate(db: Database, migrations: readonly Migration[]): string[] {
  const ids = new Set<string>();
  for (const m of migrations) {
    if (ids.has(m.id)) throw new Error(`duplicate migration id ${m.id}`);
    ids.add(m.id);
  }
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL) STRICT`);
  const done = new Set((db.prepare('SELECT id FROM schema_migrations').all() as { id: string }[]).map((r) => r.id));
  const unknown = [...done].filter((id) => !ids.has(id));
  if (unknown.length > 0) {
    throw new FacegateError('store_newer', `the database was written by a newer facegate (unknown migrations: ${unknown.join(', ')}); refusing to touch it`);
  }
  const record = db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
  const applied: string[] = [];
  for (const m of migrations) {
    if (done.has(m.id)) continue;
    db.transaction(() => {
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      record.run(m.id, new Date().toISOString());
    })();
    applied.push(m.id);
  }
  return applied;
}
