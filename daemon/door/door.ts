import {
  FacegateError,
  makeEvent,
  type BusEvents,
  type Clock,
  type DoorControl,
  type DoorPosition,
  type DoorStatus,
  type EventBus,
  type EventType,
  type LockState,
  type Logger,
  type TimerHandle,
} from '../core/index.ts';
import { Debouncer } from './debounce.ts';
import { checkDoorConfig, type DoorConfig, type InputRole } from './door-config.ts';
import { MANUAL_KINDS, badRequest, checkUnlockRequest, holdTime, type UnlockRequest } from './door-requests.ts';
import { JamRetry } from './jam-retry.ts';
import { activeLevel, lockedLevel, unlockedLevel } from './levels.ts';
import type { InputLine, Level, OutputLine } from './lines.ts';

export interface DoorParts {
  config: DoorConfig;
  lock: OutputLine;
  inputs: Partial<Record<InputRole, InputLine>>;
  bus: EventBus<BusEvents>;
  log: Logger;
  clock: Clock;
}

/**
 * One door: the lock output, its optional inputs, and the state machine between them.
 * Every failure path ends with the output at its locked level.
 */
export class Door implements DoorControl {
  readonly id: string;
  readonly #c: DoorConfig;
  readonly #out: OutputLine;
  readonly #inputs: Partial<Record<InputRole, InputLine>>;
  readonly #bus: EventBus<BusEvents>;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #locked: Level;
  readonly #unlocked: Level;
  readonly #debouncers = new Map<InputRole, Debouncer>();
  readonly #jamRetry: JamRetry;

  #running = false;
  #lock: LockState = 'locked';
  #position: DoorPosition = 'unknown';
  #mode: DoorStatus['mode'] = 'normal';
  #heldUntil: number | null = null;
  #forced = false;
  #heldOpen = false;
  #tampered = false;
  /** The door opened during this unlock: its closing ends the entry (relock_on_close). */
  #entered = false;
  /** Until then an opening is not forced: an exit button that only shunts the alarm was pressed. */
  /** Monotonic ms until which an opening counts as an exit (exit button without unlock). */
  #shuntUntil = Number.NEGATIVE_INFINITY;
  #pulseTimer: TimerHandle | null = null;
  #holdTimer: TimerHandle | null = null;
  #heldOpenTimer: TimerHandle | null = null;
  #lastStatus = '';

  constructor(parts: DoorParts) {
    checkDoorConfig(parts.config);
    this.id = parts.config.id;
    this.#c = parts.config;
    this.#out = parts.lock;
    this.#inputs = parts.inputs;
    this.#bus = parts.bus;
    this.#log = parts.log.child({ door: this.id });
    this.#clock = parts.clock;
    this.#locked = lockedLevel(parts.config.lock);
    this.#unlocked = unlockedLevel(parts.config.lock);
    this.#jamRetry = new JamRetry(
      this.#clock,
      this.#log,
      () => this.#out.write(this.#locked),
      () => {
        this.#lock = 'locked';
        this.#log.warn('the lock output could be written again: locked');
        this.#event('door_locked', 'jam_cleared');
        this.#publishStatus();
      },
    );
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    // The line was claimed at its locked level; write it again in case it was left otherwise.
    this.#drive('locked', 'start');
    // A holder process that dies between writes (gpiod): the fault path, as for a failed write.
    this.#out.onFailure?.((err) => {
      if (this.#running) this.#gpioFailure(err, this.#out.name, 'output');
    });
    for (const role of ['door_contact', 'exit_button', 'tamper'] as const) {
      const line = this.#inputs[role];
      const wiring = this.#c[role];
      if (!line || !wiring) continue;
      const active = activeLevel(wiring);
      let initial: Level;
      try {
        initial = line.read();
      } catch (err) {
        this.#gpioFailure(err, line.name);
        continue;
      }
      const deb = new Debouncer(this.#clock, wiring.debounce_ms, initial, (level) => this.#onInput(role, level === active));
      this.#debouncers.set(role, deb);
      line.watch((err, level) => {
        if (!this.#running) return;
        if (err) return this.#gpioFailure(err, line.name);
        deb.raw(level);
      });
      if (role === 'door_contact') this.#position = initial === active ? 'open' : 'closed';
      if (role === 'tamper' && initial === active) this.#onInput('tamper', true);
    }
    this.#log.info({ lock: this.#c.lock, inputs: Object.keys(this.#inputs) }, 'door ready, locked');
    this.#publishStatus();
  }

  /** Locks and lets go of the inputs; the output stays at its locked level after the process. */
  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    for (const t of [this.#pulseTimer, this.#holdTimer, this.#heldOpenTimer]) if (t) this.#clock.clearTimeout(t);
    this.#pulseTimer = this.#holdTimer = this.#heldOpenTimer = null;
    this.#jamRetry.cancel();
    for (const d of this.#debouncers.values()) d.cancel();
    this.forceLocked('stop');
  }

  /** Synchronous, for stop and the process exit handler: the output to locked, whatever state we were in. */
  forceLocked(reason: string): void {
    try {
      this.#out.write(this.#locked);
      this.#log.info({ reason, level: this.#locked }, 'lock output set to its locked level');
      this.#jamRetry.cleared();
      this.#lock = 'locked';
    } catch (err) {
      this.#log.error({ err, reason }, 'could not set the lock output to its locked level');
      this.#event('gpio_error', `${reason}: ${(err as Error).message}`);
      // Locked before and the write changed nothing: still locked. Otherwise nobody knows.
      if (this.#lock !== 'locked') this.#jam(`${this.#out.name}: ${(err as Error).message}`);
    }
    if (this.#lock === 'locked') this.#event('door_locked', reason);
    this.#publishStatus();
  }

  unlock(by: UnlockRequest): boolean {
    // Callers behind the API and MQTT may hand in anything: refuse what is not a request, never unlock on it.
    checkUnlockRequest(this.id, by);
    const manual = MANUAL_KINDS.has(by.kind);
    if (!this.#running) {
      this.#log.warn({ by: by.kind }, 'unlock refused: door not running');
      return false;
    }
    if (this.#mode === 'lockdown' && !(manual && by.override === true)) {
      this.#log.warn({ by: by.kind, actor: by.actor }, 'unlock refused: lockdown');
      this.#event('command_rejected', `lockdown:${by.kind}`);
      return false;
    }
    if (this.#lock === 'jammed') {
      // The output could not be locked: a write that works now must lock it, not open the door wider.
      this.#log.warn({ by: by.kind, actor: by.actor }, 'unlock refused: the lock output is jammed');
      return false;
    }
    if (this.#mode === 'held_unlocked') return true; // already open until the hold ends
    if (!this.#drive('unlocked', by.kind)) return false;
    // An unlock while the door already stands open: its closing ends this entry.
    this.#entered = this.#position === 'open';
    if (this.#pulseTimer) this.#clock.clearTimeout(this.#pulseTimer);
    this.#pulseTimer = this.#clock.setTimeout(() => {
      this.#pulseTimer = null;
      this.#relock('pulse_end');
    }, this.#c.unlock_pulse_ms);
    this.#log.info({ by: by.kind, actor: by.actor, override: by.override === true, pulseMs: this.#c.unlock_pulse_ms }, 'unlocked');
    this.#event('door_unlocked', by.override === true ? `${by.kind}:override` : by.kind);
    if (manual) this.#event('unlocked_manually', by.override === true ? `${by.kind}:override` : by.kind);
    if (by.kind === 'rex') this.#event('rex_unlock', 'exit_button');
    this.#publishStatus();
    return true;
  }

  holdUnlockedUntil(until: Date | null, actor: string): void {
    if (!this.#running) throw new FacegateError('door_stopped', `door "${this.id}" is not running`);
    if (until === null) {
      if (this.#mode !== 'held_unlocked') return;
      this.#endHold('hold_cleared');
      this.#log.info({ actor }, 'hold cleared');
      return;
    }
    const { at, ms } = holdTime(this.id, until, this.#clock);
    if (this.#lock === 'jammed') {
      throw new FacegateError('door_jammed', `door "${this.id}": the lock output is jammed (it could not be set to locked); not holding it unlocked`, {
        exitCode: 64,
      });
    }
    if (this.#mode === 'lockdown') {
      this.#event('command_rejected', 'lockdown:hold');
      throw new FacegateError('door_lockdown', `door "${this.id}" is in lockdown: end the lockdown before holding it unlocked`, { exitCode: 64 });
    }
    if (!this.#drive('unlocked', 'hold')) throw new FacegateError('door_gpio', `door "${this.id}": the lock output failed; it was set to locked`);
    if (this.#pulseTimer) this.#clock.clearTimeout(this.#pulseTimer);
    if (this.#holdTimer) this.#clock.clearTimeout(this.#holdTimer);
    if (this.#heldOpenTimer) this.#clock.clearTimeout(this.#heldOpenTimer);
    this.#pulseTimer = this.#heldOpenTimer = null;
    this.#heldOpen = false;
    this.#mode = 'held_unlocked';
    this.#heldUntil = at;
    this.#holdTimer = this.#clock.setTimeout(() => {
      this.#holdTimer = null;
      this.#endHold('hold_ended');
    }, ms);
    this.#log.info({ actor, until: until.toISOString() }, 'held unlocked');
    this.#event('door_unlocked', 'hold');
    this.#event('unlocked_manually', 'hold');
    this.#publishStatus();
  }

  setLockdown(on: boolean, actor: string): void {
    if (typeof on !== 'boolean') throw badRequest(this.id, `lockdown must be true or false, not ${JSON.stringify(on) ?? 'nothing'}`);
    if (!this.#running) throw new FacegateError('door_stopped', `door "${this.id}" is not running`);
    if (on === (this.#mode === 'lockdown')) return;
    if (on) {
      if (this.#holdTimer) this.#clock.clearTimeout(this.#holdTimer);
      this.#holdTimer = null;
      this.#heldUntil = null;
      this.#mode = 'lockdown';
      this.#relock('lockdown');
    } else {
      this.#mode = 'normal';
    }
    this.#log.warn({ actor, lockdown: on }, on ? 'lockdown on: unlocks refused except a manual override' : 'lockdown off');
    this.#event('lockdown_changed', on ? 'on' : 'off');
    this.#publishStatus();
  }

  status(): DoorStatus {
    return {
      door: this.id,
      lock: this.#lock,
      position: this.#position,
      mode: this.#mode,
      alarm: this.#tampered ? 'tamper' : this.#forced ? 'forced' : this.#heldOpen ? 'held_open' : 'none',
      heldUnlockedUntil: this.#heldUntil === null ? null : new Date(this.#heldUntil).toISOString(),
    };
  }

  #endHold(reason: string): void {
    if (this.#holdTimer) this.#clock.clearTimeout(this.#holdTimer);
    this.#holdTimer = null;
    this.#mode = 'normal';
    this.#heldUntil = null;
    this.#relock(reason);
    if (this.#position === 'open') this.#startHeldOpenTimer();
    this.#publishStatus();
  }

  #relock(reason: string): void {
    if (this.#pulseTimer) this.#clock.clearTimeout(this.#pulseTimer);
    this.#pulseTimer = null;
    this.#entered = false;
    if (this.#lock === 'locked') return;
    if (this.#drive('locked', reason)) {
      this.#log.info({ reason }, 'locked');
      this.#event('door_locked', reason);
    }
    this.#publishStatus();
  }

  /** Sets the output; on a GPIO error the output goes to locked (if it still can) and false is returned. */
  #drive(state: LockState, why: string): boolean {
    try {
      this.#out.write(state === 'locked' ? this.#locked : this.#unlocked);
      if (state === 'locked') this.#jamRetry.cleared();
      this.#lock = state;
      return true;
    } catch (err) {
      this.#gpioFailure(err, this.#out.name, why);
      return false;
    }
  }

  #gpioFailure(err: unknown, line: string, why = 'input'): void {
    const message = err instanceof Error ? err.message : String(err);
    this.#log.error({ err, line, during: why }, 'GPIO error: setting the lock output to locked');
    if (this.#pulseTimer) this.#clock.clearTimeout(this.#pulseTimer);
    if (this.#holdTimer) this.#clock.clearTimeout(this.#holdTimer);
    this.#pulseTimer = this.#holdTimer = null;
    if (this.#mode === 'held_unlocked') this.#mode = 'normal';
    this.#heldUntil = null;
    this.#event('gpio_error', `${line}: ${message}`);
    const wasLocked = this.#lock === 'locked';
    try {
      this.#out.write(this.#locked);
      this.#jamRetry.cleared();
      this.#lock = 'locked';
      if (!wasLocked) this.#event('door_locked', 'gpio_error');
    } catch (again) {
      this.#log.error(
        { err: again, line: this.#out.name },
        'the lock output cannot be written; the lock hardware decides (fail_secure locks stay locked unpowered)',
      );
      // A failed unlock left a locked output as it was; a failed relock leaves the door open, or not: jammed.
      if (!wasLocked) this.#jam(`${this.#out.name}: ${again instanceof Error ? again.message : String(again)}`);
    }
    this.#publishStatus();
  }

  /** The output could not be set to locked: say so once (lock_jammed), then keep trying to lock it. */
  #jam(reason: string): void {
    if (this.#lock !== 'jammed') {
      this.#lock = 'jammed';
      this.#log.error({ reason }, 'lock output jammed: the door may not be locked; retrying');
      this.#event('lock_jammed', reason);
    }
    if (this.#running) this.#jamRetry.start();
  }

  #onInput(role: InputRole, active: boolean): void {
    if (role === 'door_contact') return active ? this.#opened() : this.#closed();
    if (role === 'exit_button') {
      if (!active) return;
      if (this.#c.exit_button?.unlocks !== false) {
        this.unlock({ kind: 'rex' });
      } else {
        this.#shuntUntil = this.#clock.monotonic() + this.#c.unlock_pulse_ms;
        this.#log.info('exit button: next opening is an exit');
      }
      return;
    }
    if (this.#tampered === active) return;
    this.#tampered = active;
    this.#log.warn({ tampered: active }, active ? 'tamper switch tripped' : 'tamper switch restored');
    this.#event('tamper', active ? 'tripped' : 'restored');
    this.#publishStatus();
  }

  #opened(): void {
    this.#position = 'open';
    const authorised = this.#lock === 'unlocked' || this.#clock.monotonic() < this.#shuntUntil;
    this.#shuntUntil = Number.NEGATIVE_INFINITY;
    this.#entered = this.#lock === 'unlocked';
    this.#event('door_opened', authorised ? null : 'while_locked');
    if (!authorised) {
      this.#forced = true;
      this.#log.warn('door forced open');
      this.#event('door_forced', 'opened_while_locked');
    }
    if (this.#mode !== 'held_unlocked') this.#startHeldOpenTimer();
    this.#publishStatus();
  }

  #closed(): void {
    this.#position = 'closed';
    if (this.#heldOpenTimer) this.#clock.clearTimeout(this.#heldOpenTimer);
    this.#heldOpenTimer = null;
    this.#heldOpen = false;
    this.#forced = false;
    this.#event('door_closed');
    if (this.#c.relock_on_close && this.#entered && this.#mode === 'normal') this.#relock('closed');
    this.#entered = false;
    this.#publishStatus();
  }

  #startHeldOpenTimer(): void {
    if (this.#heldOpenTimer) this.#clock.clearTimeout(this.#heldOpenTimer);
    this.#heldOpenTimer = this.#clock.setTimeout(() => {
      this.#heldOpenTimer = null;
      if (this.#position !== 'open' || this.#mode === 'held_unlocked') return;
      this.#heldOpen = true;
      this.#log.warn({ limitS: this.#c.held_open_s }, 'door held open');
      this.#event('door_held_open', `open_over_${this.#c.held_open_s}s`);
      this.#publishStatus();
    }, this.#c.held_open_s * 1000);
  }

  #event(type: EventType, reason: string | null = null): void {
    this.#bus.emit('event', makeEvent({ door: this.id, type, reason }, this.#clock.now()));
  }

  #publishStatus(): void {
    const status = this.status();
    const key = JSON.stringify(status);
    if (key === this.#lastStatus) return;
    this.#lastStatus = key;
    this.#bus.emit('door:status', status);
  }
}
