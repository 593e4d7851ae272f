import { chownSync, closeSync, constants, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { hkdfSync, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { FacegateError, type Logger } from '../core/index.ts';
import { open, seal } from './seal.ts';

export const DEVICE_KEY_FILE = 'device.key';
/** A rotation writes the new key here first, so a crash mid-rotation never loses it. */
export const NEXT_KEY_FILE = 'device.key.next';
const KEY_BYTES = 32;
const EMPTY = Buffer.alloc(0);

export type KeySource = 'credential' | 'file' | 'memory';

export interface LoadOptions {
  dataDir: string;
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** Make a key file when there is none (first start). Default true; open() says false for a database already bound to a key. */
  create?: boolean;
}

function derive(key: Buffer, label: string, salt: Buffer = EMPTY): Buffer {
  return Buffer.from(hkdfSync('sha256', key, salt, Buffer.from(`facegate/v1/${label}`), KEY_BYTES));
}

function keyError(code: string, message: string, cause?: unknown): FacegateError {
  return new FacegateError(code, message, { exitCode: 78, cause });
}

/** 32 raw bytes, or the same as 64 hex characters or base64 text (what `systemd-creds` round-trips). */
export function parseKey(bytes: Buffer, where: string): Buffer {
  let key: Buffer | null = null;
  if (bytes.length === KEY_BYTES) key = Buffer.from(bytes);
  else {
    const text = bytes.toString('utf8').trim();
    if (/^[0-9a-fA-F]{64}$/.test(text)) key = Buffer.from(text, 'hex');
    else if (/^[A-Za-z0-9+/]{43}=$/.test(text)) key = Buffer.from(text, 'base64');
  }
  if (!key)
    throw keyError(
      'key_format',
      `device key ${where}: expected 32 raw bytes, 64 hex characters or base64 of 32 bytes; found ${bytes.length} bytes of something else`,
    );
  if (key.every((b) => b === 0)) throw keyError('key_format', `device key ${where}: all zero bytes; refusing a key that is not random`);
  return key;
}

/** Refuses a key file others could read: biometric data is only as safe as this file. */
function checkKeyFile(file: string): void {
  const st = statSync(file);
  if (!st.isFile()) throw keyError('key_file', `device key ${file}: not a regular file`);
  if ((st.mode & 0o077) !== 0) {
    const mode = (st.mode & 0o777).toString(8).padStart(3, '0');
    throw keyError(
      'key_permissions',
      `device key ${file} is readable or writable by group/others (mode ${mode}); refusing to start. Fix with: chmod 600 ${file}`,
    );
  }
  const uid = process.getuid?.();
  // root (an operator's `sudo facegate keys rotate`) may use the daemon user's file.
  if (uid !== undefined && uid !== 0 && st.uid !== uid) {
    throw keyError('key_owner', `device key ${file} is owned by uid ${st.uid}, not by the daemon's uid ${uid}; refusing to start`);
  }
}

function readKeyFile(file: string): Buffer {
  checkKeyFile(file);
  return parseKey(readFileSync(file), file);
}

/** Writes a new key file 0600 (never replacing one) and flushes it to disk before returning. */
export function writeKeyFile(file: string, key: Buffer): void {
  const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    writeSync(fd, `${key.toString('hex')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  fsyncDir(join(file, '..'));
}

export function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* not every file system lets a directory be fsynced; the rename is still atomic */
  }
}

interface MetaRow {
  value: string;
}

/**
 * The device key: the root of every other key. It comes from the systemd credential
 * `$CREDENTIALS_DIRECTORY/device.key` (LoadCredentialEncrypted=, TPM-bound where the board has one)
 * or else `<dataDir>/device.key`, made 0600 at first start. Person keys are wrapped under keys
 * derived from it; its id is recorded in the database so a database from another device, or a
 * wrong key, is named as such instead of showing up as an empty gallery.
 */
export class DeviceKeys {
  readonly id: string;
  readonly source: KeySource;
  /** Where the key was read from (a path), for messages; never the key itself. */
  readonly origin: string;
  readonly dataDir: string;
  readonly #key: Buffer;
  #pseudonymSecret: Buffer;

  private constructor(key: Buffer, source: KeySource, origin: string, dataDir: string) {
    this.#key = key;
    this.source = source;
    this.origin = origin;
    this.dataDir = dataDir;
    this.id = `dk_${derive(key, 'key-id').subarray(0, 8).toString('hex')}`;
    this.#pseudonymSecret = derive(key, 'pseudonym');
  }

  static load(opts: LoadOptions): DeviceKeys {
    const credDir = opts.env.CREDENTIALS_DIRECTORY;
    if (credDir) {
      const cred = join(credDir, DEVICE_KEY_FILE);
      if (existsSync(cred)) {
        let bytes: Buffer;
        try {
          bytes = readFileSync(cred);
        } catch (err) {
          throw keyError('key_unreadable', `device key credential ${cred}: ${(err as Error).message}`, err);
        }
        const keys = new DeviceKeys(parseKey(bytes, `credential ${cred}`), 'credential', cred, opts.dataDir);
        opts.log.info({ keyId: keys.id, source: 'credential' }, 'device key loaded from systemd credential');
        return keys;
      }
    }
    const file = join(opts.dataDir, DEVICE_KEY_FILE);
    if (!existsSync(file)) {
      if (existsSync(join(opts.dataDir, NEXT_KEY_FILE))) {
        // A rotation stopped between its two renames: the next key is the only key left.
        renameSync(join(opts.dataDir, NEXT_KEY_FILE), file);
      } else if (opts.create === false) {
        throw keyError(
          'key_missing',
          `no device key: neither ${credDir ? join(credDir, DEVICE_KEY_FILE) : '$CREDENTIALS_DIRECTORY/device.key (not set)'} nor ${file} exists, ` +
            'but the database was sealed with one. Restore the key file, or run under systemd with its credential; a new key would open nothing',
        );
      } else {
        writeKeyFile(file, randomBytes(KEY_BYTES));
        opts.log.warn(
          { file },
          'no device key: created a new one (0600). Back it up apart from the database, or better, make it a systemd credential (docs/SECURITY.md)',
        );
      }
    }
    const keys = new DeviceKeys(readKeyFile(file), 'file', file, opts.dataDir);
    opts.log.info({ keyId: keys.id, source: 'file' }, 'device key loaded');
    return keys;
  }

  /** A key held only in memory: tests and `facegate keys rotate` (before it is written). */
  static fromBytes(key: Buffer, dataDir: string, origin = 'memory'): DeviceKeys {
    return new DeviceKeys(parseKey(key, origin), 'memory', origin, dataDir);
  }

  static generate(dataDir: string): DeviceKeys {
    return new DeviceKeys(randomBytes(KEY_BYTES), 'memory', 'new key', dataDir);
  }

  /** Loads the key file (or the pending next key) of dataDir whose id is `id`, or null. */
  static findOnDisk(dataDir: string, id: string): DeviceKeys | null {
    for (const name of [NEXT_KEY_FILE, DEVICE_KEY_FILE, NEXT_KEY_FILE]) {
      const file = join(dataDir, name);
      try {
        const keys = new DeviceKeys(readKeyFile(file), 'file', join(dataDir, DEVICE_KEY_FILE), dataDir);
        if (keys.id === id) return keys;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    return null;
  }

  /** Loads the key and checks it against the database (see bind). */
  static open(opts: LoadOptions & { db: Database }): DeviceKeys {
    const bound = opts.db.prepare("SELECT 1 FROM meta WHERE key = 'device_key_id'").get() !== undefined;
    return DeviceKeys.load({ ...opts, create: opts.create ?? !bound }).bind(opts.db, opts.log);
  }

  /** The secret for HMAC pseudonyms; stable across key rotations once bound to a database. */
  get pseudonymSecret(): Buffer {
    return this.#pseudonymSecret;
  }

  #personKek(personId: string, share: Buffer): Buffer {
    return derive(this.#key, `person-kek\0${personId}`, share);
  }

  /**
   * Wraps a person key for one person. `share` is that person's random key share, kept outside
   * the database (see PersonKeys): without it the wrapped key opens for no one.
   */
  wrap(personKey: Buffer, personId: string, share: Buffer = EMPTY): Buffer {
    return seal(this.#personKek(personId, share), personKey, { recordId: personId, kind: 'person-key' });
  }

  unwrap(wrapped: Buffer, personId: string, share: Buffer = EMPTY): Buffer {
    return Buffer.from(open(this.#personKek(personId, share), wrapped, { recordId: personId, kind: 'person-key' }));
  }

  /** A key bound to this device key (changes on rotation): for what rotation re-seals itself. */
  purposeKey(purpose: string): Buffer {
    return derive(this.#key, `purpose\0${purpose}`);
  }

  /**
   * A key that stays the same across rotations (derived from the secret kept sealed in the
   * database): for data that belongs to no person, e.g. a snapshot of an unknown face.
   */
  stableKey(purpose: string): Buffer {
    return derive(this.#pseudonymSecret, `stable\0${purpose}`);
  }

  /**
   * Checks this key against the database it will open, and records it there on first use.
   * Returns the keys to use: itself, or the pending next key when a rotation had committed
   * before the process stopped. Throws a clear error for a database of another device.
   */
  bind(db: Database, log?: Logger): DeviceKeys {
    const get = db.prepare('SELECT value FROM meta WHERE key = ?');
    const stored = (get.get('device_key_id') as MetaRow | undefined)?.value;
    const nextFile = join(this.dataDir, NEXT_KEY_FILE);
    if (stored === undefined) {
      const persons = (db.prepare('SELECT count(*) AS n FROM person_keys').get() as { n: number }).n;
      if (persons > 0) {
        throw keyError(
          'key_unbound',
          `database in ${this.dataDir} holds ${persons} person keys but records no device key id: it was altered or not written by facegate; refusing to guess`,
        );
      }
      db.transaction(() => this.writeBinding(db, this.#pseudonymSecret))();
      return this;
    }
    if (stored === this.id) {
      // A device.key.next here is either a rotation that never committed or one in flight in
      // another process right now: never delete it from here (the next rotation settles it).
      this.#loadPseudonymSecret(db);
      return this;
    }
    if (this.source === 'file') {
      const next = DeviceKeys.findOnDisk(this.dataDir, stored);
      if (next) {
        if (existsSync(nextFile)) {
          renameSync(nextFile, join(this.dataDir, DEVICE_KEY_FILE));
          fsyncDir(this.dataDir);
          log?.warn({ keyId: next.id }, 'finished an interrupted key rotation');
        }
        next.#loadPseudonymSecret(db);
        return next;
      }
    }
    throw keyError(
      'key_mismatch',
      `the database in ${this.dataDir} was sealed with device key ${stored}, but the device key from ${this.origin} is ${this.id}: ` +
        'this database comes from another device, or the key was replaced. Restore the matching key or database; facegate will not start with an unreadable gallery',
    );
  }

  /** Records this key's id and the (stable) pseudonym secret sealed under it. Call inside a transaction. */
  writeBinding(db: Database, pseudonymSecret: Buffer): void {
    const sealed = seal(this.purposeKey('meta'), pseudonymSecret, { recordId: 'pseudonym_secret', kind: 'meta' });
    const put = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    put.run('device_key_id', this.id);
    put.run('pseudonym_secret', sealed.toString('base64'));
    this.#pseudonymSecret = Buffer.from(pseudonymSecret);
  }

  #loadPseudonymSecret(db: Database): void {
    const row = db.prepare("SELECT value FROM meta WHERE key = 'pseudonym_secret'").get() as MetaRow | undefined;
    if (!row) {
      db.prepare("INSERT INTO meta (key, value) VALUES ('pseudonym_secret', ?)").run(
        seal(this.purposeKey('meta'), this.#pseudonymSecret, { recordId: 'pseudonym_secret', kind: 'meta' }).toString('base64'),
      );
      return;
    }
    this.#pseudonymSecret = Buffer.from(open(this.purposeKey('meta'), Buffer.from(row.value, 'base64'), { recordId: 'pseudonym_secret', kind: 'meta' }));
  }

  /**
   * Settles a leftover device.key.next. Call while holding the database write lock (inside an
   * IMMEDIATE transaction), when no other rotation can be between its write and its commit:
   * a next key the database is bound to is moved into place; any other is a rotation that
   * never committed, and is removed.
   */
  static settlePending(dataDir: string, db: Database): void {
    const nextFile = join(dataDir, NEXT_KEY_FILE);
    if (!existsSync(nextFile)) return;
    const stored = (db.prepare("SELECT value FROM meta WHERE key = 'device_key_id'").get() as MetaRow | undefined)?.value;
    const next = new DeviceKeys(readKeyFile(nextFile), 'file', nextFile, dataDir);
    if (next.id === stored) {
      renameSync(nextFile, join(dataDir, DEVICE_KEY_FILE));
      fsyncDir(dataDir);
    } else {
      rmSync(nextFile, { force: true });
    }
  }

  /** Writes this (generated) key as the pending next key file of its data dir. */
  writeNext(): string {
    const file = join(this.dataDir, NEXT_KEY_FILE);
    rmSync(file, { force: true });
    writeKeyFile(file, this.#key);
    // Run as root beside the daemon: the new key must belong to the daemon's user, like the old one.
    const current = join(this.dataDir, DEVICE_KEY_FILE);
    if (process.getuid?.() === 0 && existsSync(current)) {
      const { uid, gid } = statSync(current);
      chownSync(file, uid, gid);
    }
    return file;
  }
}
