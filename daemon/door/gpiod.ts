/**
 * GPIO over the character device (/dev/gpiochipN) through libgpiod's own tools, run as long-lived
 * child processes: `gpioset` holds each output, `gpiomon` watches each input. Works with the tools
 * of libgpiod 1.6 (Raspberry Pi OS bookworm, Ubuntu 22.04 / JetPack 6) and 2.x (Debian 13),
 * told apart at run time by `gpiodetect --version` (gpiod-tools.ts). Why tools and not a binding: docs/door.md.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync, constants as fsConstants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FacegateError, type Logger } from '../core/index.ts';
import { dialect, type Dialect, type GpiodTools } from './gpiod-tools.ts';
import type { GpioDriver, InputLine, Level, OutputLine, Pull } from './lines.ts';
import { resolvePin, type ChipInfo, type PinSpec, type ResolvedPin } from './pins.ts';

/** A holder or monitor that died is started again no sooner than this; doubled while it keeps dying at once, up to RESPAWN_MAX_MS. */
export const RESPAWN_MS = 1000;
export const RESPAWN_MAX_MS = 30_000;
/** A holder that lived this long was working: the next death starts the backoff again. */
const HEALTHY_MS = 5000;
/** gpioset says nothing once it holds a line, but exits at once when it cannot: alive this long, it holds it. */
const HOLDING_MS = 300;

function lineError(pin: ResolvedPin, what: string, why: string): FacegateError {
  return new FacegateError('door_gpio', `GPIO ${pin.describe} (${pin.chip} line ${pin.offset}): ${what}: ${why}`);
}

/** A tool's last words, for the error: its stderr, trimmed. */
function collectStderr(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.on('data', (d: Buffer) => {
    text = (text + d.toString()).slice(-400);
  });
  return () => text.trim().split('\n').at(-1) ?? '';
}

export interface GpiodGpioOptions {
  tools: GpiodTools;
  log: Logger;
  env?: NodeJS.ProcessEnv;
}

export class GpiodGpio implements GpioDriver {
  readonly kind = 'gpiod' as const;
  readonly tools: GpiodTools;
  readonly #log: Logger;
  readonly #env: NodeJS.ProcessEnv;
  /** resolvePin works on sysfs-like chips: each chip gets a made-up base so that every line has its own number. */
  readonly #chips: (ChipInfo & { name: string })[];

  constructor(opts: GpiodGpioOptions) {
    this.tools = opts.tools;
    this.#log = opts.log;
    this.#env = opts.env ?? process.env;
    let base = 0;
    this.#chips = opts.tools.chips.map((c) => {
      const chip = { base, label: c.label, ngpio: c.lines, name: c.name };
      base += c.lines;
      return chip;
    });
  }

  resolve(spec: PinSpec): ResolvedPin {
    if (spec.numbering === 'sysfs') {
      throw new FacegateError(
        'door_pin',
        `GPIO sysfs ${spec.pin}: sysfs numbers mean nothing on the character device; use numbering bcm, board or line (with chip)`,
        { exitCode: 78 },
      );
    }
    return resolvePin(spec, this.#chips);
  }

  #chipName(pin: ResolvedPin): string {
    const chip = this.#chips.find((c) => c.label === pin.chip);
    if (!chip) throw lineError(pin, 'no such chip', `the tools list ${this.#chips.map((c) => c.label).join(', ')}`);
    return chip.name;
  }

  output(name: string, pin: ResolvedPin, initial: Level): OutputLine {
    return new HeldOutput(name, pin, this.#chipName(pin), initial, dialect(this.tools), this.#env, this.#log);
  }

  input(name: string, pin: ResolvedPin, _idle: Level, pull: Pull | null = null): InputLine {
    return new MonitoredInput(name, pin, this.#chipName(pin), pull, dialect(this.tools), this.#env, this.#log);
  }
}

/**
 * An output held by one process for as long as the daemon runs (2.x's `gpioset --interactive`, or
 * on 1.6 gpiod-line.py): requested once, its level changed by commands written synchronously to a
 * FIFO that is its stdin (so the exit handler's last write lands too); the daemon's end closes the
 * FIFO and the holder exits. 1.6's own gpioset cannot change a held line: without the helper each
 * new level is a new `gpioset --mode=signal`, the old one stopped first.
 */
class HeldOutput implements OutputLine {
  readonly name: string;
  readonly #pin: ResolvedPin;
  readonly #chip: string;
  readonly #dialect: Dialect;
  readonly #env: NodeJS.ProcessEnv;
  readonly #log: Logger;
  readonly #failures: ((err: Error) => void)[] = [];
  #child: ChildProcess | null = null;
  #fifoDir: string | null = null;
  #writeFd: number | null = null;
  #level: Level;
  #spawnedAt = Number.NEGATIVE_INFINITY;
  #lastWords = (): string => '';
  #respawn: NodeJS.Timeout | null = null;
  #backoffMs = RESPAWN_MS;
  #released = false;
  #ready: Promise<void> | null = null;

  constructor(name: string, pin: ResolvedPin, chip: string, initial: Level, dialect: Dialect, env: NodeJS.ProcessEnv, log: Logger) {
    this.name = name;
    this.#pin = pin;
    this.#chip = chip;
    this.#dialect = dialect;
    this.#env = env;
    this.#log = log;
    this.#level = initial;
    this.#spawn(initial);
  }

  write(level: Level): void {
    if (this.#released) throw lineError(this.#pin, 'write failed', 'the line was released');
    if (!this.#child) {
      // Dead holder: the respawn timer starts a new one at this level (not a tight loop of spawns).
      if (this.#respawn) {
        this.#level = level;
        throw lineError(this.#pin, 'write failed', `${this.#dialect.holder} is not running (${this.#lastWords() || 'it exited'}); starting it again`);
      }
      this.#spawn(level);
    } else if (this.#dialect.set) {
      try {
        writeSync(this.#writeFd as number, this.#dialect.set(this.#pin.offset, level));
      } catch (err) {
        throw lineError(this.#pin, 'write failed', (err as Error).message);
      }
    } else if (level !== this.#level) {
      const old = this.#child;
      this.#child = null;
      old.removeAllListeners('close');
      old.once('close', () => this.#spawn(level));
      old.kill('SIGTERM');
    }
    this.#level = level;
  }

  level(): Level {
    return this.#level;
  }

  onFailure(listener: (err: Error) => void): void {
    this.#failures.push(listener);
  }

  /** Whether the first holder took the line: its ready line, or still alive after HOLDING_MS. */
  ready(): Promise<void> {
    return this.#ready ?? Promise.resolve();
  }

  release(): void {
    this.#released = true;
    if (this.#respawn) clearTimeout(this.#respawn);
    const child = this.#child;
    this.#child = null;
    child?.removeAllListeners('close');
    // A held line's holder exits at the end of its input; 1.6's gpioset at SIGTERM. The kernel keeps the last level on most chips.
    if (this.#writeFd !== null) closeSync(this.#writeFd);
    this.#writeFd = null;
    if (!this.#dialect.set) child?.kill('SIGTERM');
    if (this.#fifoDir) rmSync(this.#fifoDir, { recursive: true, force: true });
  }

  #spawn(level: Level): void {
    if (this.#released) return;
    if (this.#respawn) clearTimeout(this.#respawn);
    this.#respawn = null;
    this.#spawnedAt = performance.now();
    let stdin: number | 'ignore' = 'ignore';
    let readFd: number | null = null;
    if (this.#dialect.set) {
      if (this.#writeFd !== null) closeSync(this.#writeFd);
      ({ readFd, writeFd: this.#writeFd } = this.#fifo());
      stdin = readFd;
    }
    const { cmd, args } = this.#dialect.hold(this.#chip, this.#pin.offset, level);
    const child = spawn(cmd, args, { env: this.#env, stdio: [stdin, 'pipe', 'pipe'] });
    if (readFd !== null) closeSync(readFd); // the holder has its own copy: when our write end closes, it sees the end
    this.#lastWords = collectStderr(child);
    this.#child = child;
    if (!this.#ready) {
      this.#ready = this.#holding(child);
      this.#ready.catch(() => undefined); // asked for by Doors.settled(); later deaths go to onFailure
    }
    child.once('error', (err) => this.#died(child, err.message));
    child.once('close', (code, signal) => this.#died(child, this.#lastWords() || `exited (${code ?? signal})`));
  }

  #holding(child: ChildProcess): Promise<void> {
    const readyLine = this.#dialect.readyLine;
    return new Promise((resolve, reject) => {
      let out = '';
      const timer = readyLine === null ? setTimeout(resolve, HOLDING_MS) : null;
      // Read always (an unread pipe would fill up and stall the holder); only the ready line matters.
      child.stdout?.on('data', (d: Buffer) => {
        if (readyLine === null) return;
        out += d.toString();
        if (out.split('\n').some((l) => l.trim() === readyLine)) resolve();
      });
      child.once('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        reject(lineError(this.#pin, `${this.#dialect.holder} could not hold the output`, this.#lastWords() || `exited (${code ?? signal})`));
      });
    });
  }

  /** A FIFO as gpioset's stdin: written with writeSync, and it reaches end-of-file when we exit. */
  #fifo(): { readFd: number; writeFd: number } {
    this.#fifoDir ??= mkdtempSync(join(tmpdir(), 'facegate-gpioset-'));
    const path = join(this.#fifoDir, 'in');
    rmSync(path, { force: true });
    execFileSync('mkfifo', ['-m', '600', path]);
    // A non-blocking reader lets the writer open; the blocking reader gpioset gets opens once a writer exists.
    const probe = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    const writeFd = openSync(path, fsConstants.O_WRONLY);
    const readFd = openSync(path, fsConstants.O_RDONLY);
    closeSync(probe);
    return { readFd, writeFd };
  }

  #died(child: ChildProcess, why: string): void {
    if (this.#child !== child) return;
    this.#child = null;
    const err = lineError(this.#pin, `${this.#dialect.holder} stopped holding the output`, why);
    this.#log.error({ line: this.name, why }, 'the output holder exited: the output is not held; starting it again');
    for (const l of this.#failures) l(err);
    // Held again at the last level asked for (the door's fault path has asked for locked by now).
    const lived = performance.now() - this.#spawnedAt;
    this.#backoffMs = lived > HEALTHY_MS ? RESPAWN_MS : Math.min(this.#backoffMs * 2, RESPAWN_MAX_MS);
    const wait = lived > HEALTHY_MS ? RESPAWN_MS : this.#backoffMs;
    if (!this.#child && !this.#released)
      this.#respawn = setTimeout(() => {
        if (!this.#child) this.#spawn(this.#level);
      }, wait);
  }
}

/**
 * An input read once with `gpioget`, then watched by one monitor (`gpiomon`, or on 1.6
 * gpiod-line.py, which also reports the level it found at its request): edge events, with the pull
 * set through the character device. A monitor that dies is reported to the door and started again.
 */
class MonitoredInput implements InputLine {
  readonly name: string;
  readonly #pin: ResolvedPin;
  readonly #chip: string;
  readonly #pull: Pull | null;
  readonly #dialect: Dialect;
  readonly #env: NodeJS.ProcessEnv;
  readonly #log: Logger;
  readonly #listeners: ((err: Error | null, level: Level) => void)[] = [];
  #child: ChildProcess | null = null;
  #retry: NodeJS.Timeout | null = null;
  #level: Level;
  #released = false;

  constructor(name: string, pin: ResolvedPin, chip: string, pull: Pull | null, dialect: Dialect, env: NodeJS.ProcessEnv, log: Logger) {
    this.name = name;
    this.#pin = pin;
    this.#chip = chip;
    this.#pull = pull;
    this.#dialect = dialect;
    this.#env = env;
    this.#log = log;
    this.#level = this.#get();
  }

  read(): Level {
    return this.#level;
  }

  watch(listener: (err: Error | null, level: Level) => void): void {
    this.#listeners.push(listener);
    if (!this.#child && !this.#retry) this.#monitor();
  }

  release(): void {
    this.#released = true;
    if (this.#retry) clearTimeout(this.#retry);
    const child = this.#child;
    this.#child = null;
    child?.kill('SIGTERM');
  }

  #get(): Level {
    let out: string;
    try {
      out = execFileSync('gpioget', this.#dialect.get(this.#chip, this.#pin.offset, this.#pull), {
        env: this.#env,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 5000,
      }).trim();
    } catch (err) {
      const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
      throw lineError(this.#pin, 'cannot read the input', stderr || (err as Error).message);
    }
    if (out !== '0' && out !== '1') throw lineError(this.#pin, 'cannot read the input', `gpioget said "${out.slice(0, 40)}"`);
    return out === '1' ? 1 : 0;
  }

  #emit(err: Error | null, level: Level): void {
    for (const l of [...this.#listeners]) l(err, level);
  }

  #monitor(): void {
    if (this.#released) return;
    const { cmd, args } = this.#dialect.monitor(this.#chip, this.#pin.offset, this.#pull);
    const child = spawn(cmd, args, { env: this.#env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lastWords = collectStderr(child);
    this.#child = child;
    let buffered = '';
    child.stdout?.on('data', (d: Buffer) => {
      buffered += d.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const level = this.#dialect.levelOf(buffered.slice(0, nl), this.#pin.offset);
        buffered = buffered.slice(nl + 1);
        if (level === null || level === this.#level) continue;
        this.#level = level;
        this.#emit(null, level);
      }
    });
    const died = (why: string): void => {
      if (this.#child !== child) return;
      this.#child = null;
      this.#failed(why);
    };
    child.once('error', (err) => died(err.message));
    child.once('close', (code, signal) => died(lastWords() || `exited (${code ?? signal})`));
  }

  /** Tells the door (its fault path) and starts watching again after RESPAWN_MS, reading the level first. */
  #failed(why: string): void {
    if (this.#released) return;
    this.#log.error({ line: this.name, why, retryInMs: RESPAWN_MS }, 'the input monitor exited: the input is not watched; starting it again');
    this.#emit(lineError(this.#pin, 'the monitor (gpiomon) stopped watching the input', why), this.#level);
    this.#retry = setTimeout(() => {
      this.#retry = null;
      try {
        const level = this.#get();
        if (level !== this.#level) {
          this.#level = level;
          this.#emit(null, level);
        }
      } catch (err) {
        this.#failed((err as Error).message);
        return;
      }
      this.#monitor();
    }, RESPAWN_MS);
  }
}
