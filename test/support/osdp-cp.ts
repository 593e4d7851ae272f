import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The independent control panel on libosdp, and libosdp itself, in the shared folder (read-only). */
export const OSDP_CP_SOURCES = fileURLToPath(new URL('../../../shared/tools/osdp-cp/', import.meta.url));
const LIBOSDP_SOURCES = fileURLToPath(new URL('../../../shared/vendor/libosdp/', import.meta.url));

function hashTree(hash: ReturnType<typeof createHash>, dir: string): void {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) hashTree(hash, path);
    else hash.update(path.slice(dir.length)).update(readFileSync(path));
  }
}

/**
 * Builds osdp-cp once per version of its sources (and libosdp's) into /tmp/osdp-cp-<hash>, so a CI
 * run builds it once however many tests use it; flock(1) keeps two test files from building the
 * same tree at the same time. Returns the path of the osdp-cp binary.
 */
export function buildOsdpCp(): string {
  const hash = createHash('sha256');
  hashTree(hash, OSDP_CP_SOURCES);
  hashTree(hash, LIBOSDP_SOURCES);
  const out = `/tmp/osdp-cp-${hash.digest('hex').slice(0, 16)}`;
  const bin = join(out, 'bin', 'osdp-cp');
  if (existsSync(bin) && existsSync(join(out, 'bin', 'osdp-pd-sample'))) return bin;
  for (const tool of ['cmake', 'socat', 'cc', 'flock']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      throw new Error(`the OSDP tests need ${tool} (scripts/dev.sh test installs socat, cmake and build-essential)`);
    }
  }
  execFileSync('flock', [`${out}.lock`, join(OSDP_CP_SOURCES, 'build.sh')], {
    env: { ...process.env, OSDP_CP_BUILD: out },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return bin;
}

/** A null-modem cable between two pty link names, which stay the same across a cut and restore. */
export interface PtyPair {
  cpPath: string;
  pdPath: string;
  /** kills socat: both ends hang up, as when the RS-485 pair is cut */
  cut(): Promise<void>;
  /** starts socat again on the same link names */
  restore(): Promise<void>;
}

export async function ptyPair(dir: string): Promise<PtyPair> {
  const cpPath = join(dir, 'cp.tty');
  const pdPath = join(dir, 'pd.tty');
  let socat: ChildProcess | null = null;
  const restore = async () => {
    // links left by a killed socat would make the new one fail
    rmSync(cpPath, { force: true });
    rmSync(pdPath, { force: true });
    const p = spawn('socat', [`pty,raw,echo=0,link=${cpPath}`, `pty,raw,echo=0,link=${pdPath}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    socat = p;
    const deadline = Date.now() + 5000;
    while (!(existsSync(cpPath) && existsSync(pdPath))) {
      if (Date.now() > deadline || p.exitCode !== null) throw new Error(`socat did not make the pty pair: ${err || `exit ${p.exitCode}`}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const cut = async () => {
    const p = socat;
    socat = null;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await exited;
  };
  await restore();
  return { cpPath, pdPath, cut, restore };
}

/** One JSON line osdp-cp printed. */
export type CpEvent = { event: string } & Record<string, unknown>;

export interface ControlPanel {
  events: CpEvent[];
  /** the first event at or after index `from` that matches, waiting up to ms */
  waitFor(match: (e: CpEvent) => boolean, ms: number, what: string, from?: number): Promise<CpEvent>;
  send(command: Record<string, string | number | boolean>): void;
  stderr(): string;
  stop(): Promise<void>;
}

export function startControlPanel(bin: string, args: string[]): ControlPanel {
  const cp = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const events: CpEvent[] = [];
  let err = '';
  cp.stderr.on('data', (d: Buffer) => (err += d.toString()));
  createInterface({ input: cp.stdout }).on('line', (l) => events.push(JSON.parse(l) as CpEvent));
  return {
    events,
    async waitFor(match, ms, what, from = 0) {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = events.slice(from).find(match);
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(`osdp-cp: no ${what} within ${ms} ms; saw ${JSON.stringify(events.slice(from))}; stderr: ${err.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    send: (command) => cp.stdin.write(`${JSON.stringify(command)}\n`),
    stderr: () => err,
    async stop() {
      if (cp.exitCode !== null) return;
      const exited = new Promise((r) => cp.once('exit', r));
      cp.kill('SIGTERM');
      await exited;
    },
  };
}
