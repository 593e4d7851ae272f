import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DB_FILE } from '../../daemon/store/index.ts';
import { facegateEnv, launchFacegate, runFacegate as runFacegateCommand, type FacegateProcess } from '../../scripts/lib/facegate-process.ts';

export { FACEGATE_BIN } from '../../scripts/lib/facegate-process.ts';
export type DaemonProcess = FacegateProcess;

/** Env that keeps a test daemon to itself: its own data dir, no camera, no fixed ports, the TypeScript source (not a dist/ build). */
export function isolatedEnv(dataDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return facegateEnv({
    FACEGATE_DIST: '0',
    FACEGATE_DAEMON__DATA_DIR: dataDir,
    FACEGATE_CAMERA__SOURCE: 'none',
    FACEGATE_ADMIN__PORT: '0',
    FACEGATE_MQTT__EMBEDDED_PORT: '0',
    ...extra,
  });
}

/** Starts `facegate <args>` as a real child process, launched as the systemd unit launches it; `bin`: another tree's bin/facegate.js. */
export function startFacegate(args: string[], env: NodeJS.ProcessEnv, options: { uid?: number; gid?: number; bin?: string } = {}): DaemonProcess {
  return launchFacegate(args, { env, ...options });
}

/** Runs `facegate <args>` to completion; returns exit code, stdout and stderr. */
export function runFacegate(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { uid?: number; gid?: number } = {},
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  return runFacegateCommand(args, { env, ...options });
}

/** A clean stop: SIGTERM, and the daemon exits 0. */
export async function stopCleanly(d: DaemonProcess): Promise<void> {
  d.child.kill('SIGTERM');
  assert.equal(await d.exited, 0);
}

/** The stopped daemon's database, read-only: `check` looks inside, then the file must pass SQLite's integrity check. */
export function inspectStore<T>(dataDir: string, check: (db: Database.Database) => T): T {
  const db = new Database(join(dataDir, DB_FILE), { readonly: true });
  try {
    const result = check(db);
    assert.equal((db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check, 'ok');
    return result;
  } finally {
    db.close();
  }
}
