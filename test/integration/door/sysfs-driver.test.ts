import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { EventBus, type BusEvents, type FacegateEvent } from '../../../daemon/core/index.ts';
import { embeddedDefaults } from '../../../daemon/config/index.ts';
import { createDoors, forceLocksLocked, type DoorConfig } from '../../../daemon/door/index.ts';
import { FakeClock } from '../../fakes/clock.ts';
import { BOARDS, makeSysfsTree } from '../../fakes/sysfs-gpio.ts';
import { memoryLogger } from '../../support/logger.ts';
import { tempDir } from '../../support/tmp.ts';

const base = embeddedDefaults().doors[0] as DoorConfig;
const wired = (over: Partial<DoorConfig> = {}): DoorConfig => ({
  ...base,
  driver: 'onoff',
  lock: { ...base.lock, pin: 17, active_low: true },
  door_contact: { pin: 27, numbering: 'bcm', chip: null, contact: 'nc', pull: 'up', debounce_ms: 50 },
  tamper: { pin: 22, numbering: 'bcm', chip: null, contact: 'nc', pull: 'up', debounce_ms: 50 },
  ...over,
});

function start(root: string, doors: DoorConfig[]) {
  const clock = new FakeClock();
  const { log, lines } = memoryLogger();
  const bus = new EventBus<BusEvents>(log);
  const events: FacegateEvent[] = [];
  bus.on('event', (e) => events.push(e));
  const d = createDoors({ config: { doors }, bus, log, clock, sysfsRoot: root, exitHandler: false });
  d.start();
  return { clock, doors: d, events, logLines: lines, types: () => events.map((e) => e.type) };
}

// Pi 4 on kernel 6.6: BCM 17 → 529 (lock), 27 → 539 (contact), 22 → 534 (tamper).
void test('Pi 4, kernel 6.6: the lock is driven through sysfs 529 at the active-low levels', () => {
  const t = makeSysfsTree(join(tempDir(), 'gpio'), BOARDS.pi4Kernel66, [529, 539, 534], { 529: '0' });
  const h = start(t.root, [wired()]);
  assert.equal(t.value(529), '1', 'claimed straight at the locked level');
  assert.equal(t.direction(529), 'high', 'made an output already high: no glitch through 0');
  assert.equal(t.direction(539), 'in');
  assert.equal(h.doors.lines()[0]?.driver, 'sysfs-file');
  h.doors.get('front').unlock({ kind: 'face' });
  assert.equal(t.value(529), '0');
  h.clock.advance(3000);
  assert.equal(t.value(529), '1');
  h.doors.get('front').unlock({ kind: 'face' });
  h.doors.stop();
  assert.equal(t.value(529), '1', 'stop leaves the line exported at the locked level');
});

void test('inputs are read from their value files: opening while locked is forced, and debounced', () => {
  const t = makeSysfsTree(join(tempDir(), 'gpio'), BOARDS.pi4Kernel66, [529, 539, 534]);
  const h = start(t.root, [wired()]);
  t.set(539, '1');
  h.clock.advance(30);
  t.set(539, '0'); // a bounce, seen by one poll
  h.clock.advance(30);
  t.set(539, '1');
  h.clock.advance(200);
  assert.deepEqual(h.types(), ['door_opened', 'door_forced'], 'one opening despite the bounce');
  assert.equal(h.doors.status('front').alarm, 'forced');
  t.set(539, '0');
  h.clock.advance(200);
  assert.equal(h.doors.status('front').position, 'closed');
  h.doors.stop();
});

void test('a tamper switch already open at start raises tamper', () => {
  const t = makeSysfsTree(join(tempDir(), 'gpio'), BOARDS.pi4Kernel66, [529, 539, 534], { 534: '1' });
  const h = start(t.root, [wired()]);
  assert.equal(h.doors.status('front').alarm, 'tamper');
  assert.deepEqual(
    h.events.map((e) => `${e.type}:${e.reason}`),
    ['tamper:tripped'],
  );
  h.doors.stop();
});

void test('an input file that stops reading 0/1 is one gpio_error, and the door relocks', () => {
  const t = makeSysfsTree(join(tempDir(), 'gpio'), BOARDS.pi4Kernel66, [529, 539, 534]);
  const h = start(t.root, [wired()]);
  h.doors.get('front').holdUnlockedUntil(new Date(h.clock.now() + 3600_000), 'office');
  assert.equal(t.value(529), '0');
  t.set(539, 'x' as '1');
  h.clock.advance(500);
  assert.equal(t.value(529), '1');
  assert.equal(h.types().filter((x) => x === 'gpio_error').length, 1, 'reported once, not on every poll');
  assert.match(h.events.find((e) => e.type === 'gpio_error')?.reason ?? '', /front\.door_contact: .*not 0 or 1/);
  h.doors.stop();
});

void test('a line the kernel does not export: a clear start error, and the lock already claimed stays locked', () => {
  const t = makeSysfsTree(join(tempDir(), 'gpio'), BOARDS.pi4Kernel66, [529]);
  const { log } = memoryLogger();
  const d = createDoors({
    config: { doors: [wired({ tamper: null })] },
    bus: new EventBus<BusEvents>(log),
    log,
    clock: new FakeClock(),
    sysfsRoot: t.root,
    exitHandler: false,
  });
  assert.throws(() => d.start(), { code: 'door_gpio', message: /GPIO bcm 27 \(sysfs 539\): export failed: .*gpio539 did not appear/ });
  assert.equal(t.exportFile(), '539', 'the export was asked for');
  assert.equal(t.value(529), '1');
  assert.throws(() => d.get('front'), { code: 'door_stopped' });
});

void test('Jetson Orin: a door on tegra234-gpio lines', () => {
  const t = makeSysfsTree(join(tempDir(), 'gpio'), BOARDS.jetsonOrin, [433, 434]);
  const line = (pin: number) => ({ pin, numbering: 'line' as const, chip: 'tegra234-gpio' });
  const h = start(t.root, [
    wired({
      lock: { ...line(85), active_low: false, type: 'fail_secure' },
      door_contact: { ...line(86), contact: 'nc', pull: 'up', debounce_ms: 0 },
      tamper: null,
    }),
  ]);
  assert.equal(t.value(433), '0');
  h.doors.get('front').unlock({ kind: 'api' });
  assert.equal(t.value(433), '1');
  assert.deepEqual(
    h.doors.lines().map((l) => [l.line, l.gpio, l.chip, l.offset]),
    [
      ['front.lock', 433, 'tegra234-gpio', 85],
      ['front.door_contact', 434, 'tegra234-gpio', 86],
    ],
  );
  h.doors.stop();
  assert.equal(t.value(433), '0');
});

void test('forceLocksLocked sets every real lock to locked, skips simulated doors, reports a bad pin', () => {
  const t = makeSysfsTree(join(tempDir(), 'gpio'), BOARDS.pi4, [17, 18], { 17: '0', 18: '1' });
  const { log } = memoryLogger();
  const maglock = { ...base.lock, pin: 18, type: 'fail_safe' as const };
  const results = forceLocksLocked(
    {
      doors: [
        wired({ id: 'front' }),
        wired({ id: 'back', lock: { ...maglock, active_low: true } }),
        wired({ id: 'sim', driver: 'simulated' }),
        wired({ id: 'bad', lock: { ...base.lock, pin: 99 } }),
      ],
    },
    { log, sysfsRoot: t.root },
  );
  assert.deepEqual(
    results.map((r) => [r.door, r.gpio, r.level]),
    [
      ['front', 17, 1],
      ['back', 18, 0],
      ['bad', null, null],
    ],
  );
  assert.match(results[2]?.error ?? '', /bcm 99/);
  assert.equal(t.value(17), '1');
  assert.equal(t.value(18), '0');
});
