import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FacegateError, type Logger } from '../core/index.ts';
import { DB_FILE } from './database.ts';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, restrictMode, type ModeFix } from './file-modes.ts';
import { LOCK_FILE } from './instance-lock.ts';

/** The store's files, with the companions SQLite makes beside them. */
const STORE_FILES = [DB_FILE, LOCK_FILE].flatMap((f) => [f, `${f}-wal`, `${f}-shm`, `${f}-journal`]);

/**
 * Makes the data directory and checks it is writable; at every start it and the store's files
 * lose any group/other access (0700, 0600: they hold biometric data and keys), with a warning
 * naming each path that was too open. Returns those paths.
 */
export function prepareDataDir(dataDir: string, log?: Pick<Logger, 'warn'>): ModeFix[] {
  try {
    mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
    if (!statSync(dataDir).isDirectory()) throw new Error('not a directory');
    accessSync(dataDir, constants.W_OK | constants.R_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'EACCES' || code === 'EPERM'
        ? 'not writable'
        : code === 'EEXIST' || code === 'ENOTDIR'
          ? 'not a directory'
          : code === 'EROFS'
            ? 'on a read-only file system'
            : (err as Error).message;
    throw new FacegateError('data_dir', `data directory ${dataDir}: ${why}`, { exitCode: 73, cause: err });
  }
  const fixes = [restrictMode(dataDir, PRIVATE_DIR_MODE), ...STORE_FILES.map((f) => restrictMode(join(dataDir, f), PRIVATE_FILE_MODE))].filter(
    (fix): fix is ModeFix => fix !== null,
  );
  for (const fix of fixes) log?.warn(fix, `data directory: ${fix.path} was open to group/others (mode ${fix.was}); set to ${fix.now}`);
  return fixes;
}
