// The one way tests, benches, the load run and the demo start `facegate`: a real child process of
// bin/facegate.js, launched as the systemd unit launches it (the daemon's node flags and
// environment, daemon/health/memory-tuning.ts), its JSON log lines parsed as they come.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { DAEMON_ENV, DAEMON_NODE_FLAGS } from '../../daemon/health/index.ts';

export const FACEGATE_BIN = fileURLToPath(new URL('../../bin/facegate.js', import.meta.url));

export type LogLine = Record<string, unknown>;

export interface LaunchOptions {
  env: NodeJS.ProcessEnv;
  /** false: a bare `node bin/facegate.js`, without the memory settings (to measure what they are worth). */
  tuned?: boolean;
  /** Where the child's stdout goes; default kept in memory (FacegateProcess.stdout()). */
  stdout?: 'pipe' | 'inherit' | 'ignore';
  uid?: number;
  gid?: number;
  /** Another tree's bin/facegate.js (an installed or built copy); default this checkout's. */
  bin?: string;
}

export interface FacegateProcess {
  child: ChildProcess;
  /** Log lines so far (stderr): parsed JSON, or { raw } for a line that is not JSON. */
  logs: LogLine[];
  stdout(): string;
  /** The last 4,000 characters of stderr. */
  stderrTail(): string;
  /** Calls `listener` on every log line from now on. */
  onLog(listener: (line: LogLine) => void): void;
  /** Resolves with the first log line matching (seen already or to come); rejects after timeoutMs or when the process exits first. */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
}

/**
 * The environment for a facegate child: this process's, without any FACEGATE_ setting or systemd
 * socket it may carry (FACEGATE_DIST passes), with JSON log lines (whatever the terminal), then `settings` on top.
 */
export function facegateEnv(settings: NodeJS.ProcessEnv = {}, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    // FACEGATE_DIST is how to run (compiled or source, bin/runtime.js), not a setting: it passes.
    if (
      (k.startsWith('FACEGATE_') && k !== 'FACEGATE_DIST') ||
      k === 'NOTIFY_SOCKET' ||
      k === 'WATCHDOG_USEC' ||
      k === 'MALLOC_ARENA_MAX' ||
      k === 'NODE_OPTIONS'
    )
      continue;
    env[k] = v;
  }
  return { ...env, FACEGATE_LOG_FORMAT: 'json', ...settings };
}

export function launchFacegate(args: readonly string[], opts: LaunchOptions): FacegateProcess {
  const tuned = opts.tuned ?? true;
  const child = spawn(process.execPath, [...(tuned ? DAEMON_NODE_FLAGS : []), opts.bin ?? FACEGATE_BIN, ...args], {
    env: tuned ? { ...opts.env, ...DAEMON_ENV } : opts.env,
    stdio: ['ignore', opts.stdout ?? 'pipe', 'pipe'],
    ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
    ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
  });
  const logs: LogLine[] = [];
  const listeners: ((line: LogLine) => void)[] = [];
  let out = '';
  let tail = '';
  let partial = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (t: string) => {
    tail = (tail + t).slice(-4000);
    partial += t;
    for (let nl = partial.indexOf('\n'); nl >= 0; nl = partial.indexOf('\n')) {
      const raw = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      let line: LogLine;
      try {
        line = JSON.parse(raw) as LogLine;
      } catch {
        line = { raw };
      }
      logs.push(line);
      for (const l of [...listeners]) l(line);
    }
  });
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  const dump = () => logs.map((l) => JSON.stringify(l)).join('\n');
  return {
    child,
    logs,
    exited,
    stdout: () => out,
    stderrTail: () => tail,
    onLog: (listener) => {
      listeners.push(listener);
    },
    waitForLog(match, timeoutMs = 60_000) {
      const found = logs.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const listener = (line: LogLine): void => {
          if (!match(line)) return;
          done();
          resolve(line);
        };
        const done = (): void => {
          clearTimeout(timer);
          const at = listeners.indexOf(listener);
          if (at >= 0) listeners.splice(at, 1);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no matching log line within ${timeoutMs} ms; got:\n${dump()}`));
        }, timeoutMs);
        listeners.push(listener);
        void exited.then((code) => {
          done();
          reject(new Error(`facegate exited (${code}) before the log line; logs:\n${dump()}`));
        });
      });
    },
  };
}

/** Runs a `facegate` command to completion; exit code (or signal name), stdout and stderr. */
export async function runFacegate(args: readonly string[], opts: LaunchOptions): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const p = launchFacegate(args, opts);
  let stderr = '';
  p.child.stderr?.on('data', (t: string) => (stderr += t));
  // 'close' after 'exit': the last of stdout and stderr has been read.
  const [code] = await Promise.all([p.exited, once(p.child, 'close')]);
  return { code, stdout: p.stdout(), stderr };
}
