import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Gpio as OnoffGpio } from 'onoff';
import { FacegateError, type Clock, type Logger, type TimerHandle } from '../core/index.ts';
import type { GpioDriver, InputLine, Level, OutputLine } from './lines.ts';
import { DEFAULT_SYSFS_ROOT, listChips, resolvePin, type PinSpec, type ResolvedPin } from './pins.ts';

type OnoffModule = { Gpio: typeof OnoffGpio };

/** onoff is loaded lazily: its native epoll addon only matters on a board. */
function loadOnoff(): OnoffModule | Error {
  try {
    return createRequire(import.meta.url)('onoff') as OnoffModule;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

function gpioError(pin: ResolvedPin, what: string, err: unknown): FacegateError {
  const why = err instanceof Error ? err.message : String(err);
  return new FacegateError('door_gpio', `GPIO ${pin.describe} (sysfs ${pin.gpio}): ${what}: ${why}`, { cause: err });
}

export interface SysfsGpioOptions {
  /** /sys/class/gpio on a board; a fake tree in tests. */
  root?: string;
  clock: Clock;
  log: Logger;
  /** How often file-backed inputs are read (onoff inputs are interrupt driven). */
  pollMs?: number;
}

/**
 * Sysfs GPIO. On the real tree the lines are onoff Gpio objects (interrupts through epoll); on any
 * other root (tests) or when onoff cannot load, lines read and write the same sysfs files directly:
 * export, direction, active_low and value, just as onoff does.
 */
export class SysfsGpio implements GpioDriver {
  readonly kind: 'onoff' | 'sysfs-file';
  readonly root: string;
  readonly #onoff: OnoffModule | null;
  readonly #clock: Clock;
  readonly #pollMs: number;

  constructor(opts: SysfsGpioOptions) {
    this.root = opts.root ?? DEFAULT_SYSFS_ROOT;
    this.#clock = opts.clock;
    this.#pollMs = opts.pollMs ?? 20;
    let onoff: OnoffModule | null = null;
    if (this.root === DEFAULT_SYSFS_ROOT) {
      const loaded = loadOnoff();
      if (loaded instanceof Error) opts.log.warn({ err: loaded }, 'onoff did not load; driving sysfs GPIO files directly (inputs polled)');
      else onoff = loaded;
    }
    this.#onoff = onoff;
    this.kind = onoff ? 'onoff' : 'sysfs-file';
  }

  /** True when this root looks like a sysfs GPIO tree we could drive. */
  static available(root: string = DEFAULT_SYSFS_ROOT): boolean {
    return existsSync(join(root, 'export')) && listChips(root).length > 0;
  }

  resolve(spec: PinSpec): ResolvedPin {
    return resolvePin(spec, listChips(this.root));
  }

  output(name: string, pin: ResolvedPin, initial: Level): OutputLine {
    if (this.#onoff) {
      let gpio: OnoffGpio;
      try {
        // 'high'/'low' makes it an output already at that level: no glitch through the other one.
        gpio = new this.#onoff.Gpio(pin.gpio, initial === 1 ? 'high' : 'low', 'none', { activeLow: false });
      } catch (err) {
        throw gpioError(pin, 'cannot claim the output', err);
      }
      let last = initial;
      return {
        name,
        write: (level) => {
          try {
            gpio.writeSync(level);
          } catch (err) {
            throw gpioError(pin, 'write failed', err);
          }
          last = level;
        },
        level: () => last,
        // Not unexported: the kernel keeps an exported output at its level after we exit.
        release: () => undefined,
      };
    }
    return new FileOutput(name, this.root, pin, initial);
  }

  input(name: string, pin: ResolvedPin): InputLine {
    if (this.#onoff) {
      let gpio: OnoffGpio;
      try {
        gpio = new this.#onoff.Gpio(pin.gpio, 'in', 'both', { activeLow: false });
      } catch (err) {
        throw gpioError(pin, 'cannot claim the input', err);
      }
      return {
        name,
        read: () => gpio.readSync(),
        watch: (listener) => gpio.watch((err, value) => listener(err ?? null, value)),
        release: () => gpio.unexport(),
      };
    }
    return new FileInput(name, this.root, pin, this.#clock, this.#pollMs);
  }
}

function lineDir(root: string, pin: ResolvedPin): string {
  return join(root, `gpio${pin.gpio}`);
}

/** Exports the line if the kernel has not yet; the gpioN directory must then exist. */
function exportLine(root: string, pin: ResolvedPin): string {
  const dir = lineDir(root, pin);
  if (existsSync(dir)) return dir;
  try {
    writeFileSync(join(root, 'export'), String(pin.gpio));
  } catch (err) {
    throw gpioError(pin, 'export failed', err);
  }
  // udev may take a moment to create and chmod the files.
  const until = performance.now() + 1000;
  while (!existsSync(join(dir, 'value')) && performance.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  if (!existsSync(join(dir, 'value'))) throw gpioError(pin, 'export failed', new Error(`${dir} did not appear`));
  return dir;
}

function readLevel(file: string): Level {
  const text = readFileSync(file, 'utf8').trim();
  if (text === '0') return 0;
  if (text === '1') return 1;
  throw new Error(`${file} holds "${text.slice(0, 20)}", not 0 or 1`);
}

class FileOutput implements OutputLine {
  readonly name: string;
  readonly #value: string;
  readonly #pin: ResolvedPin;
  #last: Level;

  constructor(name: string, root: string, pin: ResolvedPin, initial: Level) {
    this.name = name;
    this.#pin = pin;
    const dir = exportLine(root, pin);
    this.#value = join(dir, 'value');
    try {
      writeFileSync(join(dir, 'active_low'), '0');
      writeFileSync(join(dir, 'direction'), initial === 1 ? 'high' : 'low');
    } catch (err) {
      throw gpioError(pin, 'cannot make it an output', err);
    }
    this.#last = initial;
    this.write(initial);
  }

  write(level: Level): void {
    try {
      writeFileSync(this.#value, String(level));
    } catch (err) {
      throw gpioError(this.#pin, 'write failed', err);
    }
    this.#last = level;
  }

  level(): Level {
    return this.#last;
  }

  release(): void {
    // Left exported on purpose: the output keeps its (locked) level after the process ends.
  }
}

class FileInput implements InputLine {
  readonly name: string;
  readonly #value: string;
  readonly #pin: ResolvedPin;
  readonly #clock: Clock;
  readonly #pollMs: number;
  readonly #listeners: ((err: Error | null, level: Level) => void)[] = [];
  #timer: TimerHandle | null = null;
  #last: Level;
  #released = false;
  /** A failing file is reported once, not on every poll, until it reads again. */
  #failing = false;

  constructor(name: string, root: string, pin: ResolvedPin, clock: Clock, pollMs: number) {
    this.name = name;
    this.#pin = pin;
    this.#clock = clock;
    this.#pollMs = pollMs;
    const dir = exportLine(root, pin);
    this.#value = join(dir, 'value');
    try {
      writeFileSync(join(dir, 'active_low'), '0');
      writeFileSync(join(dir, 'direction'), 'in');
      this.#last = readLevel(this.#value);
    } catch (err) {
      throw gpioError(pin, 'cannot make it an input', err);
    }
  }

  read(): Level {
    try {
      return readLevel(this.#value);
    } catch (err) {
      throw gpioError(this.#pin, 'read failed', err);
    }
  }

  watch(listener: (err: Error | null, level: Level) => void): void {
    this.#listeners.push(listener);
    if (!this.#timer) this.#schedule();
  }

  release(): void {
    this.#released = true;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(): void {
    this.#timer = this.#clock.setTimeout(() => this.#poll(), this.#pollMs);
  }

  #poll(): void {
    if (this.#released) return;
    let err: Error | null = null;
    let level = this.#last;
    try {
      level = this.read();
    } catch (e) {
      err = e as Error;
    }
    const report = err ? !this.#failing : this.#failing || level !== this.#last;
    this.#failing = err !== null;
    if (report) {
      this.#last = level;
      for (const l of [...this.#listeners]) l(err, level);
    }
    this.#schedule();
  }
}
