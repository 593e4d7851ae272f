import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { FacegateError } from '../core/index.ts';
import { createPrivateFile } from './file-modes.ts';
import { migrate } from './migrate.ts';
import { allMigrations, type Migration } from './migrations/index.ts';

export const DB_FILE = 'facegate.db';

export interface OpenOptions {
  migrations?: readonly Migration[];
  readonly?: boolean;
  /** false: a second connection of a running daemon (its admin worker), which leaves the schema to the first. */
  migrate?: boolean;
}

/** Opens (or creates) the database in WAL mode and brings its schema up to date. */
export function openDatabase(dataDir: string, options: OpenOptions = {}): Database {
  const file = join(dataDir, DB_FILE);
  let db: Database;
  try {
    if (!(options.readonly ?? false)) createPrivateFile(file);
    db = new BetterSqlite3(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (err) {
    throw new FacegateError('store_open', `database ${file}: cannot open: ${(err as Error).message}`, { exitCode: 74, cause: err });
  }
  try {
    // Reading the schema is the first thing that touches the file's content: a corrupt file fails here.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    if (!options.readonly && (options.migrate ?? true)) migrate(db, options.migrations ?? allMigrations);
  } catch (err) {
    db.close();
    if (err instanceof FacegateError) throw err;
    const code = (err as { code?: string }).code;
    const why = code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' ? 'not a facegate database, or corrupt; it was left untouched' : (err as Error).message;
    throw new FacegateError('store_corrupt', `database ${file}: ${why}`, { exitCode: 74, cause: err });
  }
  return db;
}
