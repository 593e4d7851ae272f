// A real `facegate run` child for the bench parts that measure the whole daemon: written config
// (only keys this build's schema has), launched as the systemd unit launches it (scripts/lib/facegate-process.ts), stopped cleanly.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { embeddedDefaults } from '../../../daemon/config/index.ts';
import { facegateEnv, launchFacegate, runFacegate } from '../../lib/facegate-process.ts';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** CPU (clock ticks) of a process and all its descendants, with the children they have reaped (tools spawned and gone). */
export function treeTicks(root: number): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(name), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
    } catch {
      // gone
    }
  }
  let total = 0;
  const todo = [root];
  while (todo.length > 0) {
    const pid = todo.pop() as number;
    total += stats.get(pid)?.ticks ?? 0;
    for (const [child, s] of stats) if (s.ppid === pid) todo.push(child);
  }
  return total;
}

/** Resident memory of one process, MB (VmRSS). */
export function rssMb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for process ${pid}`);
  return Number(m[1]) / 1024;
}

export interface BenchDaemon {
  child: ChildProcess;
  pid: number;
  dataDir: string;
  /** Every JSON log line so far. */
  logs: Record<string, unknown>[];
  /** The last 4,000 characters of its log. */
  stderr(): string;
  /** Whether a log line with this message has been seen. */
  saw(msg: string): boolean;
  /** The first log line with this message and when it came, ms after the spawn; throws if the daemon exits or `timeoutMs` passes first. */
  waitFor(msg: string, timeoutMs?: number): Promise<{ line: Record<string, unknown>; ms: number }>;
  /** Sleeps, waking early if the daemon exits. */
  sleep(seconds: number): Promise<unknown>;
  /** Throws with the log tail if the daemon is gone. */
  assertRunning(): void;
  stop(): Promise<void>;
}

/**
 * A config file in `dir` for the daemon on a replay folder at 10 fps, with its own data directory
 * and ports; `extra` sections are merged in (only keys this build's schema has).
 */
async function writeBenchConfig(dir: string, frames: string, extra: Record<string, Record<string, unknown>> = {}): Promise<string> {
  const defaults = embeddedDefaults() as unknown as Record<string, Record<string, unknown>>;
  const config: Record<string, Record<string, unknown>> = {
    daemon: { data_dir: join(dir, 'data'), log_level: 'info' },
    camera: { source: 'replay', fps: 10, replay: { path: frames, loop: true } },
  };
  if (defaults.admin && 'port' in defaults.admin) config.admin = { port: 0 };
  if (defaults.mqtt && 'embedded_port' in defaults.mqtt) config.mqtt = { embedded_port: await freePort() };
  for (const [section, values] of Object.entries(extra)) config[section] = { ...config[section], ...values };
  const file = join(dir, 'config.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

/** Runs a `facegate` command to completion (e.g. enroll) on a bench config; throws with its stderr if it fails. */
export async function runFacegateCommand(args: string[]): Promise<void> {
  const r = await runFacegate(args, { env: facegateEnv() });
  if (r.code !== 0) throw new Error(`facegate ${args[0]} failed (${r.code}): ${r.stderr.slice(-4000)}`);
}

/** Starts `facegate run` on a config file; `tuned` false launches it as a bare `node bin/facegate.js run`, without the memory settings. */
function startBenchDaemon(file: string, tuned: boolean, dataDir: string, extraEnv: NodeJS.ProcessEnv = {}): BenchDaemon {
  const spawnedAt = performance.now();
  const p = launchFacegate(['run', '--config', file], { env: facegateEnv(extraEnv), tuned, stdout: 'ignore' });
  /** First line of each message, with when it came. */
  const seen = new Map<string, { line: Record<string, unknown>; ms: number }>();
  p.onLog((entry) => {
    if (typeof entry.msg === 'string' && !seen.has(entry.msg)) seen.set(entry.msg, { line: entry, ms: performance.now() - spawnedAt });
  });
  return {
    child: p.child,
    pid: p.child.pid as number,
    dataDir,
    logs: p.logs,
    stderr: () => p.stderrTail(),
    saw: (msg) => seen.has(msg),
    async waitFor(msg, timeoutMs = 180_000) {
      await p
        .waitForLog((l) => l.msg === msg, timeoutMs)
        .catch((err: unknown) => {
          throw new Error(`waiting for "${msg}": ${String(err)}`.slice(0, 6000));
        });
      return seen.get(msg) as { line: Record<string, unknown>; ms: number };
    },
    sleep: (s) => Promise.race([p.exited, new Promise((r) => setTimeout(r, s * 1000))]),
    assertRunning() {
      if (p.child.exitCode !== null) throw new Error(`the daemon exited: ${p.stderrTail()}`);
    },
    async stop() {
      p.child.kill('SIGTERM');
      await p.exited;
    },
  };
}

/**
 * A daemon in a temporary directory, from frames to clean-up: `frames` writes the replay folder
 * into the directory and returns it, `beforeStart` runs on the written config (e.g. an
 * enrollment), `use` measures. The daemon is stopped and the directory removed whatever happens.
 */
export async function withBenchDaemon<T>(
  opts: {
    name: string;
    frames: (dir: string) => Promise<string>;
    tuned?: boolean;
    env?: NodeJS.ProcessEnv;
    config?: Record<string, Record<string, unknown>>;
    beforeStart?: (config: string) => Promise<void>;
  },
  use: (daemon: BenchDaemon) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `facegate-bench-${opts.name}-`));
  try {
    const frames = await opts.frames(dir);
    const config = await writeBenchConfig(dir, frames, opts.config);
    await opts.beforeStart?.(config);
    const daemon = startBenchDaemon(config, opts.tuned ?? true, join(dir, 'data'), opts.env);
    try {
      return await use(daemon);
    } finally {
      await daemon.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
