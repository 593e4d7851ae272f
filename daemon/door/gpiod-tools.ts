/**
 * The libgpiod tools on this machine and how each speaks: which version (1.6 or 2.x) and chips
 * `gpiodetect` reports, whether 1.6's python3-libgpiod can run gpiod-line.py, and for each kind the
 * command lines that hold, read and watch a line and the output they answer with. gpiod.ts runs them.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Level, Pull } from './lines.ts';

/** The consumer name the kernel shows for our lines (`gpioinfo`); libgpiod 1.6's tools cannot set one. */
export const CONSUMER = 'facegate';

export interface GpiodChip {
  /** The device name the tools take: gpiochip0. */
  name: string;
  label: string;
  lines: number;
}

export interface GpiodTools {
  major: 1 | 2;
  version: string;
  chips: GpiodChip[];
  /** 1.6 only: python3-libgpiod (1.x API) can run gpiod-line.py, which holds lines as the 1.6 tools cannot. */
  lineHelper: boolean;
}

/** Debian's interpreter, where its python3-libgpiod lives (python3 on PATH may be another one). */
export const PYTHON = '/usr/bin/python3';
const LINE_HELPER = fileURLToPath(new URL('./gpiod-line.py', import.meta.url));

/** `gpiochip0 [pinctrl-bcm2711] (58 lines)`, the same in 1.6 and 2.x. */
export function parseGpiodetect(text: string): GpiodChip[] {
  const chips: GpiodChip[] = [];
  for (const line of text.split('\n')) {
    const m = /^(gpiochip\d+) \[(.*)\] \((\d+) lines?\)\s*$/.exec(line.trim());
    if (m) chips.push({ name: m[1] as string, label: m[2] as string, lines: Number(m[3]) });
  }
  return chips;
}

/** `gpiodetect (libgpiod) v1.6.3` or `gpiodetect (libgpiod) v2.1.3`; null for anything else. */
export function parseToolsVersion(text: string): { major: 1 | 2; version: string } | null {
  const m = /\(libgpiod\) v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return null;
  const major = Number(m[1]);
  if (major !== 1 && major !== 2) return null;
  if (major === 1 && Number(m[2]) < 5) return null; // bias (-B) and --format came with 1.5
  return { major, version: `${m[1]}.${m[2]}${m[3] === undefined ? '' : `.${m[3]}`}` };
}

/** What the libgpiod tools on PATH are and which chips they see; null when there are no tools or no chip. */
export function detectGpiodTools(env: NodeJS.ProcessEnv = process.env): GpiodTools | null {
  try {
    const version = parseToolsVersion(execFileSync('gpiodetect', ['--version'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5000 }));
    if (!version) return null;
    const chips = parseGpiodetect(execFileSync('gpiodetect', [], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5000 }));
    return chips.length > 0 ? { ...version, chips, lineHelper: version.major === 1 && lineHelperWorks(env) } : null;
  } catch {
    return null;
  }
}

function lineHelperWorks(env: NodeJS.ProcessEnv): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import gpiod; gpiod.LINE_REQ_DIR_OUT'], { env, stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

const BIAS: Record<Pull, string> = { up: 'pull-up', down: 'pull-down' };

/** How one kind of tool or helper holds, reads and watches a line. */
export interface Dialect {
  /** What holds the outputs, for messages. */
  holder: 'gpioset' | 'gpiod-line.py';
  /** The holder prints this line once it holds the output; null: it prints nothing (alive after HOLDING_MS is the sign). */
  readyLine: string | null;
  /** The process that holds an output at `level`. */
  hold(chip: string, offset: number, level: Level): { cmd: string; args: string[] };
  /** What its stdin takes to change the level; null: it cannot, a new holder is started per level (1.6's gpioset). */
  set: ((offset: number, level: Level) => string) | null;
  get(chip: string, offset: number, pull: Pull | null): string[];
  monitor(chip: string, offset: number, pull: Pull | null): { cmd: string; args: string[] };
  /** A line of the monitor's output: the level it reports for `offset`, or null. */
  levelOf(line: string, offset: number): Level | null;
}

/** `%o %e` lines; `%e` is 1 for rising and `falling` for falling. */
const edgeLevel =
  (falling: string) =>
  (line: string, offset: number): Level | null => {
    const [o, e] = line.trim().split(/\s+/);
    if (o !== String(offset)) return null;
    return e === '1' ? 1 : e === falling ? 0 : null;
  };

export function dialect(tools: Pick<GpiodTools, 'major' | 'lineHelper'>): Dialect {
  const bias = (flag: string, pull: Pull | null): string[] => (pull ? [flag, BIAS[pull]] : []);
  if (tools.major === 2) {
    return {
      holder: 'gpioset',
      readyLine: null,
      hold: (chip, offset, level) => ({ cmd: 'gpioset', args: ['--consumer', CONSUMER, '--chip', chip, '--interactive', `${offset}=${level}`] }),
      set: (offset, level) => `set ${offset}=${level}\n`,
      get: (chip, offset, pull) => ['--consumer', CONSUMER, '--chip', chip, '--numeric', ...bias('--bias', pull), String(offset)],
      // gpiomon writes through stdio: line-buffered, or edges would wait in a pipe buffer.
      monitor: (chip, offset, pull) => ({
        cmd: 'stdbuf',
        args: ['-oL', 'gpiomon', '--consumer', CONSUMER, '--chip', chip, ...bias('--bias', pull), '--edges', 'both', '--format', '%o %e', String(offset)],
      }),
      levelOf: edgeLevel('2'),
    };
  }
  const get = (chip: string, offset: number, pull: Pull | null): string[] => [...bias('-B', pull), chip, String(offset)];
  if (tools.lineHelper) {
    return {
      holder: 'gpiod-line.py',
      readyLine: 'ready',
      hold: (chip, offset, level) => ({ cmd: PYTHON, args: [LINE_HELPER, 'out', chip, String(offset), String(level), CONSUMER] }),
      set: (_offset, level) => `set ${level}\n`,
      get,
      monitor: (chip, offset, pull) => ({ cmd: PYTHON, args: ['-u', LINE_HELPER, 'in', chip, String(offset), pull ? BIAS[pull] : 'as-is', CONSUMER] }),
      levelOf: (line) => (line.trim() === 'level 1' ? 1 : line.trim() === 'level 0' ? 0 : null),
    };
  }
  return {
    holder: 'gpioset',
    readyLine: null,
    hold: (chip, offset, level) => ({ cmd: 'gpioset', args: ['--mode=signal', chip, `${offset}=${level}`] }),
    set: null,
    get,
    monitor: (chip, offset, pull) => ({ cmd: 'gpiomon', args: [...bias('-B', pull), '--line-buffered', '--format=%o %e', chip, String(offset)] }),
    levelOf: edgeLevel('0'),
  };
}
