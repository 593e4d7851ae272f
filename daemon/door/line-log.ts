import type { Clock, Logger } from '../core/index.ts';
import type { InputLine, Level, OutputLine } from './lines.ts';

export interface LineChange {
  at: string;
  line: string;
  direction: 'in' | 'out';
  level: Level;
}

/**
 * Every level each line took, newest last, bounded: what the admin API shows as the GPIO log.
 * Each change is also logged: at info for simulated lines (nothing else shows them), else debug.
 */
export class LineLog {
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #max: number;
  readonly #changes: LineChange[] = [];
  readonly #loud = new Set<string>();

  constructor(clock: Clock, log: Logger, max = 500) {
    this.#clock = clock;
    this.#log = log;
    this.#max = max;
  }

  /** Logs this line's changes at info (simulated lines). */
  loud(line: string): void {
    this.#loud.add(line);
  }

  record(line: string, direction: 'in' | 'out', level: Level): void {
    const change: LineChange = { at: new Date(this.#clock.now()).toISOString(), line, direction, level };
    this.#changes.push(change);
    this.#log[this.#loud.has(line) ? 'info' : 'debug']({ gpio: change }, 'GPIO line');
    if (this.#changes.length > this.#max) this.#changes.splice(0, this.#changes.length - this.#max);
  }

  history(limit = this.#max): LineChange[] {
    return this.#changes.slice(-Math.max(0, limit));
  }

  output(line: OutputLine, initial: Level): OutputLine {
    this.record(line.name, 'out', initial);
    return {
      name: line.name,
      write: (level) => {
        line.write(level);
        this.record(line.name, 'out', level);
      },
      level: () => line.level(),
      release: () => line.release(),
      ...(line.onFailure ? { onFailure: (listener: (err: Error) => void) => line.onFailure?.(listener) } : {}),
      ...(line.ready ? { ready: () => line.ready?.() ?? Promise.resolve() } : {}),
    };
  }

  input(line: InputLine): InputLine {
    return {
      name: line.name,
      read: () => line.read(),
      watch: (listener) =>
        line.watch((err, level) => {
          if (!err) this.record(line.name, 'in', level);
          listener(err, level);
        }),
      release: () => line.release(),
    };
  }
}
