import { renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { FacegateError, type Logger } from '../core/index.ts';
import { AuditLog } from './audit-log.ts';
import { DEVICE_KEY_FILE, DeviceKeys, NEXT_KEY_FILE, fsyncDir, parseKey } from './device-keys.ts';
import { PersonKeys } from './person-keys.ts';

export interface RotateOptions {
  db: Database;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  log: Logger;
  actor: string;
  /** Required when the current key is a systemd credential: the new key (raw, hex or base64), to be encrypted as the next credential. */
  newKey?: Buffer;
}

export interface RotateResult {
  from: string;
  to: string;
  rewrapped: number;
  unrecoverable: number;
  /** Where the new key now is, or what the operator must still do with it. */
  keyFile: string | null;
}

/**
 * Replaces the device key without stopping the daemon. The new key file is written first
 * (`device.key.next`), then every person key is re-wrapped in one transaction that also records
 * the new key id, then the new file replaces the old. A crash at any point leaves a state the
 * next start completes or rolls back (DeviceKeys.bind); a running daemon follows the new key id
 * on its next key lookup.
 */
export function rotateDeviceKey(opts: RotateOptions): RotateResult {
  const { db, dataDir, env, log } = opts;
  const current = DeviceKeys.open({ dataDir, env, log, db });
  const persons = new PersonKeys(db, current, log);
  const audit = new AuditLog(db);
  if (current.source === 'credential') {
    if (!opts.newKey) {
      throw new FacegateError(
        'key_credential',
        `the device key comes from the systemd credential ${current.origin}; make a new key (e.g. head -c32 /dev/urandom > new.key), run \`facegate keys rotate --new-key new.key\`, then encrypt it with systemd-creds and restart (docs/SECURITY.md)`,
        { exitCode: 64 },
      );
    }
    const next = DeviceKeys.fromBytes(parseKey(opts.newKey, 'given with --new-key'), dataDir);
    if (next.id === current.id) throw new FacegateError('key_same', 'the new key is the current key', { exitCode: 64 });
    const r = persons.rewrapAll(next);
    audit.append({ actor: opts.actor, action: 'keys.rotate', detail: { from: current.id, to: next.id, persons: r.rewrapped, source: 'credential' } });
    return { from: current.id, to: next.id, rewrapped: r.rewrapped, unrecoverable: r.unrecoverable.length, keyFile: null };
  }
  if (opts.newKey) throw new FacegateError('usage', '--new-key is only for a device key held in a systemd credential', { exitCode: 64 });
  const next = DeviceKeys.generate(dataDir);
  let r: { rewrapped: number; unrecoverable: string[] } = { rewrapped: 0, unrecoverable: [] };
  // The whole file dance happens under the database write lock, so two rotations (or a rotation
  // and an enrollment) never interleave between writing device.key.next and committing.
  db.transaction(() => {
    DeviceKeys.settlePending(dataDir, db);
    next.writeNext();
    r = persons.rewrapAll(next);
  }).immediate();
  try {
    renameSync(join(dataDir, NEXT_KEY_FILE), join(dataDir, DEVICE_KEY_FILE));
  } catch (err) {
    // A running daemon that noticed the new key id first has already moved it into place.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fsyncDir(dataDir);
  audit.append({ actor: opts.actor, action: 'keys.rotate', detail: { from: current.id, to: next.id, persons: r.rewrapped, source: 'file' } });
  log.info({ from: current.id, to: next.id, persons: r.rewrapped }, 'device key rotated');
  return { from: current.id, to: next.id, rewrapped: r.rewrapped, unrecoverable: r.unrecoverable.length, keyFile: join(dataDir, DEVICE_KEY_FILE) };
}
