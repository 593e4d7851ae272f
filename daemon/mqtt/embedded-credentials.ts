import { closeSync, constants, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from '../core/index.ts';

/** In the data directory, 0600: the one user of the embedded broker (facegate and a local hub). */
export const EMBEDDED_CREDENTIALS_FILE = 'mqtt-embedded.json';
const USERNAME = 'facegate';

export interface BrokerCredentials {
  username: string;
  password: string;
}

function write(file: string, creds: BrokerCredentials): void {
  // Written aside and renamed: a crash leaves the old file or the new one, never half of one.
  const tmp = `${file}.tmp`;
  rmSync(tmp, { force: true });
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    writeSync(fd, `${JSON.stringify(creds)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

function parse(text: string): BrokerCredentials | null {
  try {
    const doc = JSON.parse(text) as Partial<BrokerCredentials>;
    return typeof doc.username === 'string' && typeof doc.password === 'string' && doc.password.length >= 32
      ? { username: doc.username, password: doc.password }
      : null;
  } catch {
    return null;
  }
}

/**
 * The embedded broker's credentials: read from the data directory, made at first start. A file
 * that group or others could read (its password may be known) or that cannot be parsed is replaced.
 */
export function embeddedCredentials(dataDir: string, log: Logger): BrokerCredentials {
  const file = join(dataDir, EMBEDDED_CREDENTIALS_FILE);
  let why = 'first start';
  try {
    const st = statSync(file);
    const existing = (st.mode & 0o077) === 0 ? parse(readFileSync(file, 'utf8')) : null;
    if (existing) return existing;
    why = (st.mode & 0o077) !== 0 ? `it was readable by group or others (mode ${(st.mode & 0o777).toString(8)})` : 'it could not be read';
    log.warn({ file }, `embedded MQTT broker credentials replaced: ${why}; a local hub needs the new password from this file`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const creds = { username: USERNAME, password: randomBytes(32).toString('base64url') };
  write(file, creds);
  if (why === 'first start') log.info({ file }, 'embedded MQTT broker credentials made (0600); a local hub can use them');
  return creds;
}

/** Constant-time check of what a client sent against the credentials. */
export function credentialsMatch(creds: BrokerCredentials, username: string | undefined, password: Buffer | undefined): boolean {
  const same = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);
  const userOk = same(Buffer.from(username ?? ''), Buffer.from(creds.username));
  const passOk = same(password ?? Buffer.alloc(0), Buffer.from(creds.password));
  return userOk && passOk;
}
