import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { EventBus, type BusEvents, type FacegateEvent } from '../../../daemon/core/index.ts';
import { embeddedDefaults } from '../../../daemon/config/index.ts';
import { createDoors, type DoorConfig } from '../../../daemon/door/index.ts';
import { FakeClock } from '../../fakes/clock.ts';
import { makeFakeGpiod, type FakeGpiod } from '../../fakes/gpiod-tools.ts';
import { memoryLogger } from '../../support/logger.ts';
import { tempDir } from '../../support/tmp.ts';
import { eventually } from '../../support/within.ts';

// Issue 23: the character-device driver through libgpiod's tools, against fake tools on PATH in
// both dialects (1.6 and 2.x), as a Pi 4 without sysfs GPIO shows them.
const PI4 = ['gpiochip0 [pinctrl-bcm2711] (58 lines)', 'gpiochip1 [raspberrypi-exp-gpio] (8 lines)'];
const base = embeddedDefaults().doors[0] as DoorConfig;
const wired = (over: Partial<DoorConfig> = {}): DoorConfig => ({
  ...base,
  driver: 'gpiod',
  lock: { ...base.lock, pin: 17, active_low: true },
  door_contact: { pin: 27, numbering: 'bcm', chip: null, contact: 'nc', pull: 'up', debounce_ms: 50 },
  tamper: { pin: 22, numbering: 'bcm', chip: null, contact: 'nc', pull: 'up', debounce_ms: 50 },
  ...over,
});

function start(fake: FakeGpiod, doors: DoorConfig[]) {
  const clock = new FakeClock();
  const { log, lines } = memoryLogger();
  const bus = new EventBus<BusEvents>(log);
  const events: FacegateEvent[] = [];
  bus.on('event', (e) => events.push(e));
  // No sysfs tree at this root: auto and gpiod go to the character device.
  const d = createDoors({ config: { doors }, bus, log, clock, sysfsRoot: `${fake.dir}/no-sysfs`, gpiodEnv: fake.env, exitHandler: false });
  d.start();
  return { clock, doors: d, events, logLines: lines, types: () => events.map((e) => e.type) };
}

const spawned = (fake: FakeGpiod, tool: string) => fake.calls().filter((c) => c[0] === tool);
/** Every input's monitor is watching (its pid file is written once it is). */
const watching = (fake: FakeGpiod, tool: 'gpiomon' | 'gpiod-line', offsets: number[]) => offsets.every((o) => fake.pid(tool, 'gpiochip0', o) !== null);

for (const major of [2, 1] as const) {
  void test(`libgpiod ${major === 2 ? '2.x' : '1.6'}: the lock is held by gpioset from start to stop, inputs come from gpiomon edges with the pull set, strike time and forced opening as on sysfs`, async () => {
    const fake = makeFakeGpiod(tempDir(), major, PI4);
    fake.set('gpiochip0', 22, 0); // tamper closed
    const h = start(fake, [wired()]);
    try {
      // The tools run as child processes: what they did shows up a moment later.
      await eventually(5000, () => fake.level('gpiochip0', 17) === '1' && watching(fake, 'gpiomon', [27, 22]), 'the lock claimed, both inputs watched');
      const set = spawned(fake, 'gpioset');
      assert.deepEqual(
        set[0]?.slice(1),
        major === 2 ? ['--consumer', 'facegate', '--chip', 'gpiochip0', '--interactive', '17=1'] : ['--mode=signal', 'gpiochip0', '17=1'],
      );
      const mon = spawned(fake, 'gpiomon').map((c) => c.slice(1).join(' '));
      assert.ok(
        mon.includes(
          major === 2
            ? '--consumer facegate --chip gpiochip0 --bias pull-up --edges both --format %o %e 27'
            : '-B pull-up --line-buffered --format=%o %e gpiochip0 27',
        ),
        mon.join('\n'),
      );
      const line = h.doors.lines().find((l) => l.role === 'lock');
      assert.deepEqual([line?.driver, line?.chip, line?.offset], ['gpiod', 'pinctrl-bcm2711', 17]);
      assert.ok(
        h.logLines().some((l) => l.msg === 'doors running' && JSON.stringify(l.lines).includes('front.lock: gpiod pinctrl-bcm2711 line 17')),
        'the log says which driver drives which line',
      );

      // Strike time: unlocked for the pulse, then locked again.
      h.doors.get('front').unlock({ kind: 'face' });
      await eventually(5000, () => fake.level('gpiochip0', 17) === '0', 'the unlocked level');
      h.clock.advance(3000);
      await eventually(5000, () => fake.level('gpiochip0', 17) === '1', 'locked after the strike time');
      // 2.x holds the line with one gpioset all along; 1.6 needs one per level.
      assert.equal(spawned(fake, 'gpioset').length, major === 2 ? 1 : 3);

      // Opened while locked (NC contact, pull-up: open reads 1) after the debounce: forced.
      fake.set('gpiochip0', 27, 1);
      await eventually(5000, () => h.doors.lines().some((l) => l.role === 'door_contact' && l.level === 1), 'the edge from gpiomon');
      h.clock.advance(60);
      assert.deepEqual(
        h.types().filter((t) => t !== 'door_locked' && t !== 'door_unlocked'),
        ['door_opened', 'door_forced'],
      );
    } finally {
      h.doors.stop();
      await fake.exited();
    }
    if (major === 2) {
      await eventually(5000, () => fake.calls().some((c) => c[0] === 'stdin' && c[2] === '17=1'), 'the last set command');
    }
  });
}

void test('libgpiod 1.6 with python3-libgpiod: gpiod-line.py requests each line once as facegate, holds the lock across levels, reports edges; a killed holder is the fault path and is held again', async () => {
  const fake = makeFakeGpiod(tempDir(), 1, PI4, { pythonGpiod: true });
  fake.set('gpiochip0', 22, 0);
  const h = start(fake, [wired()]);
  const requests = () =>
    fake
      .calls()
      .filter((c) => c[0] === 'python-gpiod' && c[1] === 'request')
      .map((c) => c.slice(2).join(' '));
  try {
    // request <chip> <offset> <consumer> <type> <flags>: 3 output, 6 both edges; 32 pull-up.
    await eventually(5000, () => requests().length === 3 && watching(fake, 'gpiod-line', [27, 22]), 'the lock and both inputs requested');
    assert.deepEqual(requests().sort(), ['gpiochip0 17 facegate 3 0', 'gpiochip0 22 facegate 6 32', 'gpiochip0 27 facegate 6 32']);
    assert.equal(spawned(fake, 'gpioset').length + spawned(fake, 'gpiomon').length, 0, "1.6's own tools do not hold or watch anything");
    h.doors.get('front').unlock({ kind: 'face' });
    await eventually(5000, () => fake.level('gpiochip0', 17) === '0', 'unlocked');
    h.clock.advance(3000);
    await eventually(5000, () => fake.level('gpiochip0', 17) === '1', 'locked after the strike time');
    assert.equal(requests().filter((r) => r.startsWith('gpiochip0 17')).length, 1, 'one request for the lock, held across both changes');

    fake.set('gpiochip0', 27, 1);
    await eventually(5000, () => h.doors.lines().some((l) => l.role === 'door_contact' && l.level === 1), 'the edge');
    h.clock.advance(60);
    assert.ok(h.types().includes('door_forced'));

    const holder = fake.pid('gpiod-line', 'gpiochip0', 17) as number;
    h.doors.get('front').unlock({ kind: 'face' });
    await eventually(5000, () => fake.level('gpiochip0', 17) === '0', 'unlocked again');
    process.kill(holder, 'SIGKILL');
    await eventually(5000, () => h.events.some((e) => e.type === 'gpio_error' && /gpiod-line\.py stopped holding/.test(String(e.reason))), 'the output fault');
    assert.equal(h.doors.status('front').lock, 'locked');
    await eventually(5000, () => fake.pid('gpiod-line', 'gpiochip0', 17) !== holder && fake.level('gpiochip0', 17) === '1', 'held again at the locked level');
  } finally {
    h.doors.stop();
    await fake.exited();
  }
});

void test('on the gpiod driver as on the others: relock on close, held open, tamper', async () => {
  const fake = makeFakeGpiod(tempDir(), 2, PI4);
  fake.set('gpiochip0', 22, 0);
  const h = start(fake, [wired({ unlock_pulse_ms: 10_000, held_open_s: 30 })]);
  // An edge reaches the door through gpiomon (a moment later); then the debounce runs on the door's clock.
  const edge = async (offset: number, level: 0 | 1, role: string) => {
    fake.set('gpiochip0', offset, level);
    await eventually(5000, () => h.doors.lines().some((l) => l.role === role && l.level === level), `${role} at ${level}`);
    h.clock.advance(60);
  };
  try {
    await eventually(5000, () => watching(fake, 'gpiomon', [27, 22]), 'both inputs watched');
    h.doors.get('front').unlock({ kind: 'face' });
    await edge(27, 1, 'door_contact');
    await edge(27, 0, 'door_contact');
    assert.equal(h.doors.status('front').lock, 'locked', 'relocked on close, before the 10 s strike time');
    await eventually(5000, () => fake.level('gpiochip0', 17) === '1', 'the line at the locked level');

    h.doors.get('front').unlock({ kind: 'face' });
    await edge(27, 1, 'door_contact');
    h.clock.advance(31_000);
    assert.equal(h.doors.status('front').alarm, 'held_open');
    await edge(27, 0, 'door_contact');
    assert.equal(h.doors.status('front').alarm, 'none', 'cleared by closing');

    await edge(22, 1, 'tamper');
    assert.equal(h.doors.status('front').alarm, 'tamper');
    assert.ok(h.types().includes('door_held_open') && h.types().includes('tamper'), h.types().join(', '));
  } finally {
    h.doors.stop();
    await fake.exited();
  }
});

void test('a gpiomon killed mid-run is a gpio_error with the door locked, and is started again; a killed gpioset is held again at the locked level', async () => {
  const fake = makeFakeGpiod(tempDir(), 2, PI4);
  const h = start(fake, [wired({ tamper: null })]);
  try {
    await eventually(5000, () => fake.pid('gpiomon', 'gpiochip0', 27) !== null, 'gpiomon running');
    const monitor = fake.pid('gpiomon', 'gpiochip0', 27) as number;
    process.kill(monitor, 'SIGKILL');
    await eventually(5000, () => h.types().includes('gpio_error'), 'the fault');
    assert.match(String(h.events.find((e) => e.type === 'gpio_error')?.reason), /stopped watching the input/);
    assert.equal(h.doors.status('front').lock, 'locked');
    await eventually(5000, () => fake.pid('gpiomon', 'gpiochip0', 27) !== monitor, 'gpiomon started again');

    const holder = fake.pid('gpioset', 'gpiochip0', 17) as number;
    assert.ok(holder, 'gpioset holds the lock (it wrote the locked level)');
    h.doors.get('front').unlock({ kind: 'face' });
    await eventually(5000, () => fake.level('gpiochip0', 17) === '0', 'unlocked');
    process.kill(holder, 'SIGKILL');
    await eventually(5000, () => h.events.filter((e) => e.type === 'gpio_error').length === 2, 'the output fault');
    assert.match(String(h.events.filter((e) => e.type === 'gpio_error')[1]?.reason), /gpioset stopped holding the output/);
    assert.equal(h.doors.status('front').lock, 'locked', 'the door is back to locked');
    await eventually(5000, () => fake.pid('gpioset', 'gpiochip0', 17) !== holder, 'gpioset started again');
    assert.equal(fake.level('gpiochip0', 17), '1', 'held again at the locked level');
    assert.equal(spawned(fake, 'gpioset').at(-1)?.at(-1), '17=1');
  } finally {
    h.doors.stop();
    await fake.exited();
  }
});

void test('driver gpiod without the tools, or a pin on no chip, refuses to start; auto without sysfs takes the character device', async () => {
  const fake = makeFakeGpiod(tempDir(), 2, PI4);
  const none = { ...fake, env: { ...fake.env, PATH: '/nonexistent' } };
  assert.throws(() => start(none, [wired()]), /driver gpiod needs libgpiod's tools/);
  assert.throws(
    () => start(fake, [wired({ lock: { ...base.lock, pin: 3, numbering: 'line', chip: 'tegra234-gpio' } })]),
    /no gpiochip labelled "tegra234-gpio"/,
  );
  assert.throws(() => start(fake, [wired({ lock: { ...base.lock, pin: 529, numbering: 'sysfs' } })]), /sysfs numbers mean nothing/);
  // A lock line another process holds: settled() (which start-up waits for) says so, per holder kind.
  for (const [major, pythonGpiod] of [
    [2, false],
    [1, true],
    [1, false],
  ] as const) {
    const taken = makeFakeGpiod(tempDir(), major, PI4, { pythonGpiod });
    taken.busy('gpiochip0', 17);
    const t = start(taken, [wired({ door_contact: null, tamper: null })]);
    await assert.rejects(
      t.doors.settled(),
      /bcm 17 \(pinctrl-bcm2711 line 17\): (gpioset|gpiod-line\.py) could not hold the output: .*(busy|Device or resource busy)/i,
      `libgpiod ${major}${pythonGpiod ? ' + python3-libgpiod' : ''}`,
    );
    t.doors.stop();
    await taken.exited();
  }
  const h = start(fake, [wired({ driver: 'auto', door_contact: null, tamper: null })]);
  await h.doors.settled();
  assert.equal(h.doors.lines()[0]?.driver, 'gpiod');
  h.doors.stop();
  await fake.exited();
  assert.ok(existsSync(fake.dir));
});
