import { chmodSync, closeSync, constants, openSync, statSync } from 'node:fs';
import { FacegateError } from '../core/index.ts';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** A path that group or others could reach, and the mode it had. */
export interface ModeFix {
  path: string;
  was: string;
  now: string;
}

const octal = (mode: number) => (mode & 0o777).toString(8).padStart(3, '0');

/**
 * Sets `path` to `mode` when group or others have any access to it (a missing path is skipped).
 * Modes given at creation do not last: a restore, a copy or a hand-made chmod loosens them.
 */
export function restrictMode(path: string, mode: number): ModeFix | null {
  let was: number;
  try {
    was = statSync(path).mode;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if ((was & 0o077) === 0) return null;
  try {
    chmodSync(path, mode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new FacegateError(
      'data_permissions',
      `${path} is open to group/others (mode ${octal(was)}) and could not be changed (${code}); refusing to start. Fix with: chmod ${octal(mode)} ${path}`,
      { exitCode: 78, cause: err },
    );
  }
  return { path, was: octal(was), now: octal(mode) };
}

/** Makes an empty file with mode 0600 unless it exists, so that SQLite (which gives -wal and -shm the database's mode) never makes it 0644. */
export function createPrivateFile(path: string): void {
  try {
    closeSync(openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, PRIVATE_FILE_MODE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}
