import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { DAEMON_ENV, DAEMON_NODE_FLAGS } from '../../daemon/health/index.ts';
import { DB_FILE } from '../../daemon/store/index.ts';

export const FACEGATE_BIN = fileURLToPath(new URL('../../bin/facegate.js', import.meta.url));

export interface DaemonProcess {
  child: ChildProcess;
  /** Parsed JSON log lines so far (stderr). */
  logs: Record<string, unknown>[];
  stdout: () => string;
  /** Resolves with the first log line matching, or rejects after timeoutMs. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
}

/** Env that keeps a test daemon to itself: its own data dir, no camera, no fixed ports. */
export function isolatedEnv(dataDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('FACEGATE_') || k === 'NOTIFY_SOCKET' || k === 'WATCHDOG_USEC') delete env[k];
  return {
    ...env,
    FACEGATE_DAEMON__DATA_DIR: dataDir,
    FACEGATE_CAMERA__SOURCE: 'none',
    FACEGATE_ADMIN__PORT: '0',
    FACEGATE_MQTT__EMBEDDED_PORT: '0',
    ...extra,
  };
}

/** Starts `facegate <args>` as a real child process, launched as the systemd unit launches it. */
export function startFacegate(args: string[], env: NodeJS.ProcessEnv, options: { uid?: number; gid?: number } = {}): DaemonProcess {
  const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, FACEGATE_BIN, ...args], { env: { ...env, ...DAEMON_ENV }, stdio: ['ignore', 'pipe', 'pipe'], ...options });
  const logs: Record<string, unknown>[] = [];
  const waiters: { match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  let out = '';
  let errBuf = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => {
    errBuf += d.toString();
    let nl: number;
    while ((nl = errBuf.indexOf('\n')) >= 0) {
      const line = errBuf.slice(0, nl);
      errBuf = errBuf.slice(nl + 1);
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        parsed = { raw: line };
      }
      logs.push(parsed);
      for (const w of [...waiters]) {
        if (w.match(parsed)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(parsed);
        }
      }
    }
  });
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  return {
    child,
    logs,
    stdout: () => out,
    exited,
    waitForLog(match, timeoutMs = 60_000) {
      const found = logs.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching log line within ${timeoutMs} ms; got:\n${logs.map((l) => JSON.stringify(l)).join('\n')}`)), timeoutMs);
        waiters.push({ match, resolve: (l) => { clearTimeout(timer); resolve(l); } });
        void exited.then((code) => { clearTimeout(timer); reject(new Error(`daemon exited (${code}) before the log line; logs:\n${logs.map((l) => JSON.stringify(l)).join('\n')}`)); });
      });
    },
  };
}

/** Runs `facegate <args>` to completion; returns exit code, stdout and stderr. */
export async function runFacegate(args: string[], env: NodeJS.ProcessEnv, options: { uid?: number; gid?: number } = {}): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [FACEGATE_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  return { code: code ?? signal ?? -1, stdout, stderr };
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
