import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MOSQUITTO_BIN = process.env.MOSQUITTO_BIN ?? '/usr/sbin/mosquitto';

/** A free TCP port on 127.0.0.1 (the OS picks it; it is released before returning). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface Mosquitto {
  port: number;
  url: string;
  /** Stops the broker (SIGTERM) and waits until it exited; without `persistent`, retained messages go with it. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Everything the broker logged, for failure messages. */
  output(): string;
  /** The URL with one of `users`' name and password in it. */
  urlAs(user: string): string;
}

export interface MosquittoOptions {
  port?: number;
  extraConfig?: string;
  persistent?: boolean;
  anonymous?: boolean;
  /** Broker users and their passwords (a mosquitto_passwd file); anonymous access then defaults to off. */
  users?: Record<string, string>;
  /** An acl_file's lines (an allow-list per `user` block). */
  acl?: string[];
}

/**
 * A real Mosquitto on a free loopback port, anonymous access allowed, persistence only when asked.
 * Stop it with stop() (and restart with start() on the same port for outage tests).
 */
export async function startMosquitto(options: MosquittoOptions = {}): Promise<Mosquitto> {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'facegate-mosquitto-'));
  const users = options.users ?? {};
  const auth: string[] = [];
  if (Object.keys(users).length > 0) {
    const passwords = join(dir, 'passwords');
    Object.entries(users).forEach(([name, password], i) => {
      execFileSync('mosquitto_passwd', ['-b', ...(i === 0 ? ['-c'] : []), passwords, name, password], { stdio: 'ignore' });
    });
    auth.push(`password_file ${passwords}`);
  }
  if (options.acl) {
    writeFileSync(join(dir, 'acl'), `${options.acl.join('\n')}\n`);
    auth.push(`acl_file ${join(dir, 'acl')}`);
  }
  const conf = join(dir, 'mosquitto.conf');
  // persistent: sessions of clean:false clients, their queued QoS 1 messages and retained ones survive stop()/start().
  const persistence = options.persistent ? [`persistence true`, `persistence_location ${dir}/`, 'autosave_interval 0'] : ['persistence false'];
  // As root mosquitto drops to the `mosquitto` user, which could not write the persistence file in our 0700 temp dir.
  const user = process.getuid?.() === 0 ? ['user root'] : [];
  const lines = [
    `listener ${port} 127.0.0.1`,
    `allow_anonymous ${options.anonymous ?? auth.length === 0}`,
    ...user,
    ...persistence,
    'log_dest stderr',
    'log_type error',
    'log_type warning',
  ];
  writeFileSync(conf, [...lines, ...auth, options.extraConfig ?? ''].join('\n'));
  let child: ChildProcess | null = null;
  let log = '';
  const m: Mosquitto = {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    output: () => log,
    urlAs: (name) => `mqtt://${encodeURIComponent(name)}:${encodeURIComponent(users[name] ?? '')}@127.0.0.1:${port}`,
    async start() {
      if (child) return;
      const proc = spawn(MOSQUITTO_BIN, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
      child = proc;
      proc.stderr?.on('data', (d: Buffer) => {
        log += d.toString();
      });
      const exited = new Promise<never>((_, reject) => proc.once('exit', (code) => reject(new Error(`mosquitto exited (${code}): ${log}`))));
      exited.catch(() => undefined);
      await Promise.race([waitFor(() => canConnect(port), `mosquitto on port ${port}`), exited]);
    },
    async stop() {
      const proc = child;
      if (!proc) return;
      child = null;
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      });
    },
  };
  await m.start();
  process.once('exit', () => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  return m;
}
