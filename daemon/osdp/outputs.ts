import type { Clock, TimerHandle } from '../core/index.ts';
import type { OutputRecord } from './commands.ts';

interface OutputState {
  permanent: boolean;
  /** the state of a running temporary operation, or null */
  temporary: boolean | null;
  timer: TimerHandle | null;
}

/**
 * The PD's outputs as the panel set them with osdp_OUT: a permanent state, and a temporary one that
 * runs for its timer and then gives way to the permanent state again. `onChange` gets every change of
 * an output's effective state (also when a timer ends).
 */
export class Outputs {
  readonly #clock: Clock;
  readonly #states: OutputState[];
  readonly #onChange: (output: number, active: boolean) => void;

  constructor(clock: Clock, count: number, onChange: (output: number, active: boolean) => void) {
    this.#clock = clock;
    this.#states = Array.from({ length: count }, () => ({ permanent: false, temporary: null, timer: null }));
    this.#onChange = onChange;
  }

  /** The effective state of each output, for osdp_OSTATR. */
  states(): boolean[] {
    return this.#states.map(effective);
  }

  /** false: no such output or an unknown control code (the panel gets NAK 9). */
  apply(record: OutputRecord): boolean {
    const s = this.#states[record.output];
    if (!s || record.control > 6) return false;
    const before = effective(s);
    switch (record.control) {
      case 0:
        break;
      case 1:
      case 2:
        this.#endTemporary(s);
        s.permanent = record.control === 2;
        break;
      case 3:
      case 4:
        s.permanent = record.control === 4;
        break;
      case 5:
      case 6:
        this.#endTemporary(s);
        s.temporary = record.control === 5;
        s.timer = this.#clock.setTimeout(() => {
          const was = effective(s);
          s.temporary = null;
          s.timer = null;
          if (effective(s) !== was) this.#onChange(record.output, effective(s));
        }, record.timerMs);
        break;
    }
    if (effective(s) !== before) this.#onChange(record.output, effective(s));
    return true;
  }

  /** Cancels every running timer (on stop). */
  stop(): void {
    for (const s of this.#states) this.#endTemporary(s);
  }

  #endTemporary(s: OutputState): void {
    if (s.timer) this.#clock.clearTimeout(s.timer);
    s.timer = null;
    s.temporary = null;
  }
}

function effective(s: OutputState): boolean {
  return s.temporary ?? s.permanent;
}
