import { FacegateError } from '../core/index.ts';
import type { GpioDriver, InputLine, Level, OutputLine } from './lines.ts';
import { SIMULATED_PI_CHIPS, resolvePin, type ChipInfo, type PinSpec, type ResolvedPin } from './pins.ts';

interface SimLine {
  name: string;
  direction: 'in' | 'out';
  level: Level;
  pin: ResolvedPin;
  listeners: ((err: Error | null, level: Level) => void)[];
  /** Set to make the next write fail, as a broken GPIO would. */
  failWrites: Error | null;
  /** Released lines keep their last level (as a real pin would) and may be claimed again. */
  released: boolean;
}

/**
 * GPIO in memory, for machines without GPIO and for tests. Pi pin numbers resolve as on a Pi 4;
 * `line` numbering accepts any chip label. Inputs are driven with drive().
 */
export class SimulatedGpio implements GpioDriver {
  readonly kind = 'simulated' as const;
  readonly #lines = new Map<string, SimLine>();
  readonly #chips: ChipInfo[] = [...SIMULATED_PI_CHIPS];

  resolve(spec: PinSpec): ResolvedPin {
    if (spec.numbering === 'line' && spec.chip && !this.#chips.some((c) => c.label === spec.chip)) {
      const top = this.#chips.reduce((m, c) => Math.max(m, c.base + c.ngpio), 0);
      this.#chips.push({ base: top, label: spec.chip, ngpio: 1024 });
    }
    return resolvePin(spec, this.#chips);
  }

  output(name: string, pin: ResolvedPin, initial: Level): OutputLine {
    const line = this.#claim(name, 'out', pin, initial);
    return {
      name,
      write: (level) => {
        if (line.failWrites) throw line.failWrites;
        line.level = level;
      },
      level: () => line.level,
      release: () => this.#release(line),
    };
  }

  input(name: string, pin: ResolvedPin, idle: Level): InputLine {
    const line = this.#claim(name, 'in', pin, idle);
    return {
      name,
      read: () => line.level,
      watch: (listener) => {
        line.listeners.push(listener);
      },
      release: () => this.#release(line),
    };
  }

  /** Sets an input's raw level, as a switch on the pin would. */
  drive(name: string, level: Level): void {
    const line = this.#line(name);
    if (line.direction !== 'in') throw new FacegateError('door_sim', `line ${name} is an output; only inputs can be driven`);
    if (line.level === level) return;
    line.level = level;
    for (const l of [...line.listeners]) l(null, level);
  }

  /** Makes an output's writes throw (or work again with null), as a failing GPIO would. */
  failWrites(name: string, err: Error | null): void {
    this.#line(name).failWrites = err;
  }

  /** Reports a GPIO error on an input, as onoff's poller would. */
  failInput(name: string, err: Error): void {
    const line = this.#line(name);
    for (const l of [...line.listeners]) l(err, line.level);
  }

  level(name: string): Level {
    return this.#line(name).level;
  }

  #line(name: string): SimLine {
    const line = this.#lines.get(name);
    if (!line) throw new FacegateError('door_sim', `no simulated line ${name}; lines: ${[...this.#lines.keys()].join(', ') || 'none'}`);
    return line;
  }

  #release(line: SimLine): void {
    line.released = true;
    line.listeners.length = 0;
  }

  #claim(name: string, direction: 'in' | 'out', pin: ResolvedPin, level: Level): SimLine {
    if (this.#lines.get(name)?.released === false) throw new FacegateError('door_pin', `line ${name} is already claimed`);
    const line: SimLine = { name, direction, level, pin, listeners: [], failWrites: null, released: false };
    this.#lines.set(name, line);
    return line;
  }
}
