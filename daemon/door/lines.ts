import type { PinSpec, ResolvedPin } from './pins.ts';

/** A physical line level: what the pin carries, before any wiring logic. */
export type Level = 0 | 1;

/** An input's pull resistor, as configured (the chardev driver sets it; sysfs cannot). */
export type Pull = 'up' | 'down';

/** An output the door drives (the lock relay). write() throws when the GPIO fails. */
export interface OutputLine {
  readonly name: string;
  write(level: Level): void;
  /** The level last written. */
  level(): Level;
  /** Lets go of the line without changing its level (sysfs keeps an exported output as it is). */
  release(): void;
  /** Drivers whose output can fail between writes (a holder process that dies) say so here. */
  onFailure?(listener: (err: Error) => void): void;
  /** Drivers that claim a line asynchronously (a holder process): resolves once it holds the line, rejects with why not. */
  ready?(): Promise<void>;
}

/** An input the door watches (contact, exit button, tamper). Reports raw, undebounced levels. */
export interface InputLine {
  readonly name: string;
  read(): Level;
  /** Called on every raw change; err when the GPIO fails (then the level is meaningless). */
  watch(listener: (err: Error | null, level: Level) => void): void;
  release(): void;
}

/** A way to reach GPIO lines: onoff/sysfs on a board, in memory elsewhere. */
export interface GpioDriver {
  readonly kind: 'onoff' | 'sysfs-file' | 'gpiod' | 'simulated';
  resolve(spec: PinSpec): ResolvedPin;
  /** Claims an output and sets it to `initial` at once (no glitch through another level). */
  output(name: string, pin: ResolvedPin, initial: Level): OutputLine;
  /** `idle` is where a simulated input starts (real lines read the pin); `pull` where the driver can set it. */
  input(name: string, pin: ResolvedPin, idle: Level, pull?: Pull): InputLine;
}
