import type { Clock } from '../core/index.ts';
import type { InputLine, Level, OutputLine } from './lines.ts';

export interface LineChange {
  at: string;
  line: string;
  direction: 'in' | 'out';
  level: Level;
}

/** Every level each line took, newest last, bounded: what the admin API shows as the GPIO log. */
export class LineLog {
  readonly #clock: Clock;
  readonly #max: number;
  readonly #changes: LineChange[] = [];

  constructor(clock: Clock, max = 500) {
    this.#clock = clock;
    this.#max = max;
  }

  record(line: string, direction: 'in' | 'out', level: Level): void {
    this.#changes.push({ at: new Date(this.#clock.now()).toISOString(), line, direction, level });
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
