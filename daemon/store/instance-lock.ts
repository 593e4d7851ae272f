import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { FacegateError } from '../core/index.ts';
import { openDatabase, type OpenOptions } from './database.ts';
import { createPrivateFile } from './file-modes.ts';

export const LOCK_FILE = 'daemon.lock';

/**
 * One daemon per data directory. The lock is an exclusive SQLite lock on `daemon.lock`:
 * the kernel drops it when the process dies, so a crash never leaves a stale lock behind.
 */
export class InstanceLock {
  readonly #db: Database;
  readonly #pidFile: string;
  readonly #dataDir: string;

  private constructor(db: Database, pidFile: string, dataDir: string) {
    this.#db = db;
    this.#pidFile = pidFile;
    this.#dataDir = dataDir;
  }

  static acquire(dataDir: string): InstanceLock {
    const lockPath = join(dataDir, LOCK_FILE);
    const pidFile = join(dataDir, 'daemon.pid');
    createPrivateFile(lockPath);
    const db = new BetterSqlite3(lockPath, { timeout: 0 });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      db.exec('CREATE TABLE IF NOT EXISTS lock (pid INTEGER)');
      db.exec('BEGIN EXCLUSIVE');
      db.exec('COMMIT');
    } catch (err) {
      db.close();
      if ((err as { code?: string }).code === 'SQLITE_BUSY') {
        let holder = 'another process';
        try {
          holder = `process ${readFileSync(pidFile, 'utf8').trim()}`;
        } catch {
          /* the pid file is informative only */
        }
        throw new FacegateError('already_running', `another facegate daemon (${holder}) is already using data directory ${dataDir}`, { exitCode: 75 });
      }
      throw err;
    }
    writeFileSync(pidFile, `${process.pid}\n`, { mode: 0o644 });
    return new InstanceLock(db, pidFile, dataDir);
  }

  /** The directory's database, opened under this lock; when it cannot be opened the lock is released, so a failed start holds nothing. */
  openDatabase(options?: OpenOptions): Database {
    try {
      return openDatabase(this.#dataDir, options);
    } catch (err) {
      this.release();
      throw err;
    }
  }

  release(): void {
    if (this.#db.open) this.#db.close();
    void this.#pidFile;
  }
}
