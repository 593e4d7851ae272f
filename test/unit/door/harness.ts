import { EventBus, type BusEvents, type DoorStatus, type FacegateEvent } from '../../../daemon/core/index.ts';
import { embeddedDefaults } from '../../../daemon/config/index.ts';
import { createDoors, type DoorConfig, type Doors, type InputRole } from '../../../daemon/door/index.ts';
import { FakeClock } from '../../fakes/clock.ts';
import { memoryLogger } from '../../support/logger.ts';

type Input = NonNullable<DoorConfig['door_contact']>;

/** A fully defaulted door entry (as the config loader makes it), on the simulated driver. */
export function doorConfig(over: Partial<DoorConfig> = {}): DoorConfig {
  const base = embeddedDefaults().doors[0] as DoorConfig;
  return { ...base, driver: 'simulated', ...over };
}

export function input(pin: number, over: Partial<Input> = {}): Input {
  return { pin, numbering: 'bcm', chip: null, contact: 'nc', pull: 'up', debounce_ms: 50, ...over };
}

/** A door with contact, exit button and tamper wired, on the simulated driver and a fake clock. */
export function wiredDoor(over: Partial<DoorConfig> = {}) {
  return setup([
    doorConfig({
      door_contact: input(22),
      exit_button: { ...input(23, { contact: 'no', debounce_ms: 30 }), unlocks: true },
      tamper: input(24),
      ...over,
    }),
  ]);
}

export function setup(configs: DoorConfig[]) {
  const clock = new FakeClock();
  const { log, lines: logLines } = memoryLogger();
  const bus = new EventBus<BusEvents>(log);
  const events: FacegateEvent[] = [];
  const statuses: DoorStatus[] = [];
  bus.on('event', (e) => events.push(e));
  bus.on('door:status', (s) => statuses.push(s));
  const doors: Doors = createDoors({ config: { doors: configs }, bus, log, clock, exitHandler: false });
  doors.start();
  const id = configs[0]?.id ?? 'front';
  const sim = doors.simulatedGpio;
  const settle = 1000; // longer than any debounce
  return {
    clock,
    bus,
    doors,
    sim,
    events,
    statuses,
    logLines,
    door: doors.get(id),
    types: () => events.map((e) => e.type),
    since: (n: number) => events.slice(n).map((e) => (e.reason ? `${e.type}:${e.reason}` : e.type)),
    lockLevel: () => sim.level(`${id}.lock`),
    status: () => doors.status(id),
    /** The switch acts and stays put long enough to pass the debounce. */
    act: (role: InputRole, active: boolean) => {
      doors.simulate(id, role, active);
      clock.advance(settle);
    },
  };
}
