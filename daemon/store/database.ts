import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { FacegateError } from '../core/index.ts';
import { migrate } from './migrate.ts';
import { allMigrations, type Migration } from './migrations/index.ts';

export const DB_FILE = 'facegate.db';

/** Makes the data directory (0700: it holds biometric data and keys) and checks it is writable. */
export function prepareDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (!statSync(dataDir).isDirectory()) throw new Error('not a directory');
    accessSync(dataDir, constants.W_OK | constants.R_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' ? 'not writable' : code === 'EEXIST' || code === 'ENOTDIR' ? 'not a directory' : code === 'EROFS' ? 'on a read-only file system' : (err as Error).message;
    throw new FacegateError('data_dir', `data directory ${dataDir}: ${why}`, { exitCode: 73, cause: err });
  }
}

export interface OpenOptions {
  migrations?: readonly Migration[];
  readonly?: boolean;
}

/** Opens (or creates) the database in WAL mode and brings its schema up to date. */
export function openDatabase(dataDir: string, options: OpenOptions = {}): Database {
  const file = join(dataDir, DB_FILE);
  let db: Database;
  try {
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
    if (!options.readonly) migrate(db, options.migrations ?? allMigrations);
  } catch (err) {
    db.close();
    if (err instanceof FacegateError) throw err;
    const code = (err as { code?: string }).code;
    const why = code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' ? 'not a facegate database, or corrupt; it was left untouched' : (err as Error).message;
    throw new FacegateError('store_corrupt', `database ${file}: ${why}`, { exitCode: 74, cause: err });
  }
  return db;
}
