import { closeSync, constants, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { FacegateError } from '../core/index.ts';
import { fsyncDir } from './device-keys.ts';

const SHARE_BYTES = 32;
export const SHARES_DIR = 'keys';

/**
 * Per-person random key shares, one small file each under `<dataDir>/keys/`, outside the database.
 * A person's key is wrapped under (device key + their share), so a copy of the database, or its
 * WAL, never holds enough to open a person's data on its own; erasing a person overwrites and
 * deletes their share, which makes every earlier database copy of their data unreadable.
 */
export class KeyShares {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, SHARES_DIR);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const mode = statSync(this.dir).mode & 0o077;
    if (mode !== 0) {
      throw new FacegateError(
        'key_permissions',
        `key share directory ${this.dir} is open to group/others; refusing to start. Fix with: chmod 700 ${this.dir}`,
        { exitCode: 78 },
      );
    }
  }

  /** The file name says nothing about the person: a hash of their (random) id. */
  static fileName(personId: string): string {
    return `${createHash('sha256').update(`facegate-share\0${personId}`).digest('hex').slice(0, 32)}.share`;
  }

  path(personId: string): string {
    return join(this.dir, KeyShares.fileName(personId));
  }

  /** Makes a new share (replacing a leftover one from an interrupted enrollment) and syncs it. */
  create(personId: string): Buffer {
    const share = randomBytes(SHARE_BYTES);
    const file = this.path(personId);
    this.shred(personId);
    const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      writeSync(fd, share);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    fsyncDir(this.dir);
    return share;
  }

  /** The share, or null if there is none (the person was erased, or keys/ was lost). */
  read(personId: string): Buffer | null {
    try {
      const share = readFileSync(this.path(personId));
      if (share.length !== SHARE_BYTES) {
        throw new FacegateError('share_corrupt', `key share ${this.path(personId)} is ${share.length} bytes, ${SHARE_BYTES} expected`, { exitCode: 65 });
      }
      return share;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  /**
   * Overwrites the share with random bytes, syncs, then deletes it. On flash storage the old
   * block may survive the overwrite (wear levelling); docs/PRIVACY.md says what that means.
   */
  shred(personId: string): boolean {
    const file = this.path(personId);
    let fd: number;
    try {
      fd = openSync(file, 'r+');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    try {
      writeSync(fd, randomBytes(SHARE_BYTES), 0, SHARE_BYTES, 0);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    rmSync(file, { force: true });
    fsyncDir(this.dir);
    return true;
  }

  /** File names of every share present. */
  list(): string[] {
    return readdirSync(this.dir).filter((f) => f.endsWith('.share'));
  }

  /** Shreds a share file by name (an orphan left by an interrupted enrollment). */
  shredFile(name: string): void {
    const file = join(this.dir, name);
    const fd = openSync(file, 'r+');
    try {
      writeSync(fd, randomBytes(SHARE_BYTES), 0, SHARE_BYTES, 0);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    rmSync(file, { force: true });
  }
}
