import { FacegateError, type BusEvents, type Clock, type DoorStatus, type EventBus, type Logger, type Service } from '../core/index.ts';
import { Door } from './door.ts';
import { checkDoorConfig, type DoorConfig, type InputRole } from './door-config.ts';
import { activeLevel, lockedLevel } from './levels.ts';
import { LineLog, type LineChange } from './line-log.ts';
import type { GpioDriver, InputLine, Level, OutputLine } from './lines.ts';
import { DEFAULT_SYSFS_ROOT, type ResolvedPin } from './pins.ts';
import { GpiodGpio } from './gpiod.ts';
import { detectGpiodTools } from './gpiod-tools.ts';
import { SimulatedGpio } from './simulated.ts';
import { SysfsGpio } from './sysfs.ts';

export interface DoorsOptions {
  config: { doors: DoorConfig[] };
  bus: EventBus<BusEvents>;
  log: Logger;
  clock: Clock;
  /** /sys/class/gpio unless a test points it at a fake tree. */
  sysfsRoot?: string;
  /** The environment libgpiod's tools run in (their PATH); tests put fake tools first. */
  gpiodEnv?: NodeJS.ProcessEnv;
  /** Set the lock outputs to locked from a process 'exit' handler (on by default; tests of many doors turn it off). */
  exitHandler?: boolean;
}

export interface LineSnapshot {
  line: string;
  door: string;
  role: 'lock' | InputRole;
  driver: GpioDriver['kind'];
  direction: 'in' | 'out';
  pin: string;
  gpio: number;
  chip: string;
  offset: number;
  level: Level | null;
  /** For inputs: whether the level means active (open / pressed / tampered). */
  active: boolean | null;
}

interface Planned {
  config: DoorConfig;
  driver: GpioDriver;
  pins: { role: 'lock' | InputRole; pin: ResolvedPin }[];
}

interface Running {
  door: Door;
  driver: GpioDriver;
  lock: OutputLine;
  inputs: Partial<Record<InputRole, InputLine>>;
  pins: Planned['pins'];
}

const ROLES: readonly InputRole[] = ['door_contact', 'exit_button', 'tamper'];

/** All configured doors: builds their lines on start, gives out their controls, locks them on stop or exit. */
export class Doors implements Service {
  readonly #opts: DoorsOptions;
  readonly #log: Logger;
  readonly #plan: Planned[];
  readonly #running = new Map<string, Running>();
  readonly #lineLog: LineLog;
  readonly #simulated: SimulatedGpio;
  #onExit: (() => void) | null = null;

  constructor(opts: DoorsOptions) {
    this.#opts = opts;
    this.#log = opts.log.child({ room: 'door' });
    this.#lineLog = new LineLog(opts.clock, this.#log);
    this.#simulated = new SimulatedGpio();
    this.#plan = this.#makePlan();
  }

  #makePlan(): Planned[] {
    const root = this.#opts.sysfsRoot ?? DEFAULT_SYSFS_ROOT;
    let sysfs: SysfsGpio | null = null;
    const sysfsDriver = (): SysfsGpio => (sysfs ??= new SysfsGpio({ root, clock: this.#opts.clock, log: this.#log }));
    // Looked for once, and only when a door needs it: the tools are run to find out.
    let gpiod: GpiodGpio | null | undefined;
    const gpiodDriver = (): GpiodGpio | null => {
      if (gpiod !== undefined) return gpiod;
      const env = this.#opts.gpiodEnv ?? process.env;
      const tools = detectGpiodTools(env);
      gpiod = tools ? new GpiodGpio({ tools, log: this.#log, env }) : null;
      if (tools) this.#log.info({ libgpiod: tools.version, chips: tools.chips.map((c) => `${c.name} [${c.label}]`) }, 'libgpiod tools found');
      return gpiod;
    };
    const seenIds = new Set<string>();
    const used = new Map<string, string>();
    const plan: Planned[] = [];
    for (const c of this.#opts.config.doors) {
      if (seenIds.has(c.id)) throw new FacegateError('door_config', `door id "${c.id}" is configured twice`, { exitCode: 78 });
      seenIds.add(c.id);
      checkDoorConfig(c);
      const driver = this.#driverFor(c, root, sysfsDriver, gpiodDriver);
      const pins: Planned['pins'] = [{ role: 'lock', pin: driver.resolve(c.lock) }];
      for (const role of ROLES) {
        const wiring = c[role];
        if (wiring) pins.push({ role, pin: driver.resolve(wiring) });
      }
      for (const { role, pin } of pins) {
        const key = `${driver.kind === 'simulated' ? 'sim' : 'gpio'}:${pin.gpio}`;
        const user = `${c.id}.${role}`;
        const other = used.get(key);
        if (other)
          throw new FacegateError('door_pin', `GPIO ${pin.describe} (${pin.chip} line ${pin.offset}) is used twice: by ${other} and by ${user}`, {
            exitCode: 78,
          });
        used.set(key, user);
      }
      plan.push({ config: c, driver, pins });
    }
    return plan;
  }

  /** The configured driver, or for auto the first that this system has: sysfs, then the character device, then none (simulated). */
  #driverFor(c: DoorConfig, root: string, sysfs: () => SysfsGpio, gpiod: () => GpiodGpio | null): GpioDriver {
    const refuse = (why: string): never => {
      throw new FacegateError('door_config', `door "${c.id}": ${why}; use driver: simulated to run without GPIO`, { exitCode: 78 });
    };
    switch (c.driver) {
      case 'simulated':
        return this.#simulated;
      case 'onoff':
        return SysfsGpio.available(root)
          ? sysfs()
          : refuse(
              `driver onoff needs sysfs GPIO at ${root}, which this system does not have (see docs/door.md: kernels without CONFIG_GPIO_SYSFS); driver gpiod uses the character device`,
            );
      case 'gpiod':
        return (
          gpiod() ??
          refuse(
            "driver gpiod needs libgpiod's tools (Debian/Ubuntu package gpiod: gpiodetect, gpioset, gpioget, gpiomon) and a /dev/gpiochipN they can open; none was found",
          )
        );
      default: {
        if (SysfsGpio.available(root)) return sysfs();
        const chardev = gpiod();
        if (chardev) return chardev;
        this.#log.warn({ door: c.id, root }, 'no sysfs GPIO and no GPIO character device here: this door uses the simulated driver, and no door opens');
        return this.#simulated;
      }
    }
  }

  start(): void {
    if (this.#running.size > 0) return;
    try {
      for (const p of this.#plan) this.#startDoor(p);
    } catch (err) {
      this.#stopAll('start_failed');
      throw err;
    }
    if (this.#opts.exitHandler !== false) {
      // Last resort on a crash: 'exit' handlers run synchronously even after an uncaught exception.
      this.#onExit = () => {
        for (const r of this.#running.values()) r.door.forceLocked('exit');
      };
      process.on('exit', this.#onExit);
    }
    // Which driver drives which line: the first thing an installer checks when a door does not open.
    const lines = this.lines().map((l) => `${l.line}: ${l.driver} ${l.chip} line ${l.offset} (${l.pin})`);
    this.#log.info({ doors: this.list().map((s) => s.door), drivers: [...new Set(this.#plan.map((p) => p.driver.kind))], lines }, 'doors running');
  }

  /**
   * Resolves once every lock output is held: drivers that claim lines through a process (gpiod)
   * know only a moment after start(). Rejects with the first line that could not be claimed.
   */
  async settled(): Promise<void> {
    await Promise.all([...this.#running.values()].map((r) => r.lock.ready?.()));
  }

  #startDoor(p: Planned): void {
    const { config: c, driver } = p;
    const lockPin = p.pins[0]?.pin as ResolvedPin;
    const locked = lockedLevel(c.lock);
    if (driver.kind === 'simulated') for (const { role } of p.pins) this.#lineLog.loud(`${c.id}.${role}`);
    const lock = this.#lineLog.output(driver.output(`${c.id}.lock`, lockPin, locked), locked);
    const inputs: Partial<Record<InputRole, InputLine>> = {};
    const running: Running = { door: null as unknown as Door, driver, lock, inputs, pins: p.pins };
    try {
      for (const { role, pin } of p.pins) {
        if (role === 'lock') continue;
        const wiring = c[role];
        const idle: Level = wiring && activeLevel(wiring) === 1 ? 0 : 1;
        inputs[role] = this.#lineLog.input(driver.input(`${c.id}.${role}`, pin, idle, wiring?.pull));
      }
      running.door = new Door({ config: c, lock, inputs, bus: this.#opts.bus, log: this.#log, clock: this.#opts.clock });
    } catch (err) {
      for (const line of Object.values(inputs)) line.release();
      lock.release();
      throw err;
    }
    this.#running.set(c.id, running);
    running.door.start();
  }

  stop(): void {
    if (this.#onExit) process.off('exit', this.#onExit);
    this.#onExit = null;
    this.#stopAll('stop');
  }

  #stopAll(why: string): void {
    for (const [id, r] of [...this.#running].reverse()) {
      try {
        r.door.stop();
      } catch (err) {
        this.#log.error({ err, door: id, why }, 'door did not stop cleanly');
      }
      for (const line of [...Object.values(r.inputs), r.lock]) {
        try {
          line.release();
        } catch (err) {
          this.#log.warn({ err, line: line.name }, 'could not release a line');
        }
      }
    }
    this.#running.clear();
  }

  /** The control of one door; a clear error for a door that is not configured. */
  get(id: string): Door {
    const r = this.#running.get(id);
    if (r) return r.door;
    const known = this.#plan.map((p) => p.config.id);
    if (known.includes(id)) throw new FacegateError('door_stopped', `door "${id}" is not running`, { exitCode: 69 });
    throw new FacegateError('door_unknown', `no door "${String(id).slice(0, 64)}"; configured doors: ${known.join(', ')}`, { exitCode: 64 });
  }

  has(id: string): boolean {
    return this.#running.has(id);
  }

  status(id: string): DoorStatus {
    return this.get(id).status();
  }

  list(): DoorStatus[] {
    return [...this.#running.values()].map((r) => r.door.status());
  }

  /** Every line with its wiring and present level. */
  lines(): LineSnapshot[] {
    const out: LineSnapshot[] = [];
    for (const [id, r] of this.#running) {
      const c = this.#plan.find((p) => p.config.id === id)?.config;
      for (const { role, pin } of r.pins) {
        let level: Level | null = null;
        try {
          level = role === 'lock' ? r.lock.level() : (r.inputs[role]?.read() ?? null);
        } catch {
          level = null;
        }
        const wiring = role === 'lock' ? null : c?.[role];
        out.push({
          line: `${id}.${role}`,
          door: id,
          role,
          driver: r.driver.kind,
          direction: role === 'lock' ? 'out' : 'in',
          pin: pin.describe,
          gpio: pin.gpio,
          chip: pin.chip,
          offset: pin.offset,
          level,
          active: wiring && level !== null ? level === activeLevel(wiring) : null,
        });
      }
    }
    return out;
  }

  /** The newest line changes, oldest first. */
  history(limit?: number): LineChange[] {
    return this.#lineLog.history(limit);
  }

  /**
   * Acts on a simulated input as its switch would (door opened, button pressed, tamper tripped).
   * For demos, the admin panel and tests; refused for a door on real GPIO.
   */
  simulate(id: string, role: InputRole, active: boolean): void {
    const r = this.#running.get(id);
    if (!r) this.get(id);
    const c = this.#plan.find((p) => p.config.id === id)?.config;
    const wiring = c?.[role];
    if (!r || !c) return;
    if (r.driver.kind !== 'simulated')
      throw new FacegateError('door_not_simulated', `door "${id}" is on real GPIO; inputs cannot be simulated`, { exitCode: 64 });
    if (!wiring) throw new FacegateError('door_no_input', `door "${id}" has no ${role} configured`, { exitCode: 64 });
    const level = activeLevel(wiring);
    this.#simulated.drive(`${id}.${role}`, active ? level : level === 1 ? 0 : 1);
  }

  /** The in-memory driver, for tests that make lines fail. */
  get simulatedGpio(): SimulatedGpio {
    return this.#simulated;
  }
}

export function createDoors(opts: DoorsOptions): Doors {
  return new Doors(opts);
}
