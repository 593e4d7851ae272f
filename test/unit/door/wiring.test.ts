import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeLevel, lockedLevel, unlockedLevel, type Level } from '../../../daemon/door/index.ts';
import { Debouncer } from '../../../daemon/door/debounce.ts';
import { FakeClock } from '../../fakes/clock.ts';
import { doorConfig, input, setup, wiredDoor } from './harness.ts';

void test('locked level for every lock type and relay polarity', () => {
  assert.equal(lockedLevel({ type: 'fail_secure', active_low: false }), 0, 'strike, relay on high: unpowered = 0');
  assert.equal(lockedLevel({ type: 'fail_secure', active_low: true }), 1, 'strike, relay on low: unpowered = 1');
  assert.equal(lockedLevel({ type: 'fail_safe', active_low: false }), 1, 'maglock, relay on high: powered = 1');
  assert.equal(lockedLevel({ type: 'fail_safe', active_low: true }), 0, 'maglock, relay on low: powered = 0');
  for (const type of ['fail_secure', 'fail_safe'] as const) {
    for (const active_low of [false, true]) assert.notEqual(unlockedLevel({ type, active_low }), lockedLevel({ type, active_low }));
  }
});

void test('active level of an input for every contact type and pull', () => {
  assert.equal(activeLevel({ contact: 'nc', pull: 'up' }), 1, 'NC opens when active: the pull-up wins');
  assert.equal(activeLevel({ contact: 'no', pull: 'up' }), 0, 'NO closes to ground when active');
  assert.equal(activeLevel({ contact: 'nc', pull: 'down' }), 0);
  assert.equal(activeLevel({ contact: 'no', pull: 'down' }), 1);
});

void test('active-low relay: the door idles at 1 and pulses to 0', () => {
  const h = wiredDoor({ lock: { pin: 17, numbering: 'bcm', chip: null, active_low: true, type: 'fail_secure' } });
  assert.equal(h.lockLevel(), 1);
  h.door.unlock({ kind: 'face' });
  assert.equal(h.lockLevel(), 0);
  h.clock.advance(3000);
  assert.equal(h.lockLevel(), 1);
  h.door.unlock({ kind: 'face' });
  h.doors.stop();
  assert.equal(h.sim.level('front.lock'), 1, 'the lock output stays at its locked level after stop');
});

void test('fail-safe maglock: powered to lock, unpowered to open', () => {
  const h = wiredDoor({ lock: { pin: 17, numbering: 'bcm', chip: null, active_low: false, type: 'fail_safe' } });
  assert.equal(h.lockLevel(), 1);
  h.door.unlock({ kind: 'face' });
  assert.equal(h.lockLevel(), 0);
});

void test('NO contact with pull-down: inputs are read through their wiring', () => {
  const h = wiredDoor({ door_contact: input(22, { contact: 'no', pull: 'down' }) });
  h.sim.drive('front.door_contact', 1);
  h.clock.advance(100);
  assert.equal(h.status().position, 'open');
  assert.equal(h.status().alarm, 'forced');
  h.sim.drive('front.door_contact', 0);
  h.clock.advance(100);
  assert.equal(h.status().position, 'closed');
});

void test('debounce: contact bounce gives one change, after the line has been steady for debounce_ms', () => {
  const h = wiredDoor({ door_contact: input(22, { debounce_ms: 50 }) });
  const n = h.events.length;
  for (const level of [1, 0, 1, 0, 1] as Level[]) {
    h.sim.drive('front.door_contact', level);
    h.clock.advance(10);
  }
  h.clock.advance(39);
  assert.equal(h.status().position, 'closed', 'not yet steady for 50 ms');
  h.clock.advance(1);
  assert.equal(h.status().position, 'open');
  assert.deepEqual(h.since(n), ['door_opened:while_locked', 'door_forced:opened_while_locked']);
});

void test('debounce: a glitch shorter than debounce_ms never reaches the door', () => {
  const h = wiredDoor({ door_contact: input(22, { debounce_ms: 50 }) });
  const n = h.events.length;
  h.sim.drive('front.door_contact', 1);
  h.clock.advance(49);
  h.sim.drive('front.door_contact', 0);
  h.clock.advance(500);
  assert.deepEqual(h.since(n), []);
  assert.equal(h.status().alarm, 'none');
});

void test('debounce 0 reports every change at once; a press of the exit button is one unlock', () => {
  const h = wiredDoor({ exit_button: { ...input(23, { contact: 'no', debounce_ms: 0 }), unlocks: true } });
  h.sim.drive('front.exit_button', 0);
  assert.equal(h.lockLevel(), 1);
  h.sim.drive('front.exit_button', 1);
  assert.equal(h.types().filter((t) => t === 'rex_unlock').length, 1);
});

void test('Debouncer alone: the stable level follows the last raw level once quiet', () => {
  const clock = new FakeClock();
  const seen: Level[] = [];
  const d = new Debouncer(clock, 20, 0, (l) => seen.push(l));
  d.raw(1);
  clock.advance(19);
  d.raw(1);
  clock.advance(19);
  assert.deepEqual(seen, []);
  clock.advance(1);
  assert.deepEqual(seen, [1]);
  assert.equal(d.stable, 1);
  d.raw(0);
  d.cancel();
  clock.advance(100);
  assert.deepEqual(seen, [1], 'cancelled');
});

void test('lines() shows each line with its wiring and level; history() the changes in order', () => {
  const h = wiredDoor();
  h.door.unlock({ kind: 'face' });
  h.act('door_contact', true);
  h.act('door_contact', false);
  const lines = h.doors.lines();
  assert.deepEqual(
    lines.map((l) => [l.line, l.direction, l.gpio, l.level, l.active]),
    [
      ['front.lock', 'out', 17, 0, null],
      ['front.door_contact', 'in', 22, 0, false],
      ['front.exit_button', 'in', 23, 1, false],
      ['front.tamper', 'in', 24, 0, false],
    ],
  );
  assert.equal(lines[0]?.driver, 'simulated');
  const changes = h.doors.history().map((c) => `${c.line}=${c.level}`);
  assert.deepEqual(changes, ['front.lock=0', 'front.lock=0', 'front.lock=1', 'front.door_contact=1', 'front.door_contact=0', 'front.lock=0']);
  assert.equal(h.doors.history(2).length, 2);
  assert.match(h.doors.history(1)[0]?.at ?? '', /^\d{4}-\d\d-\d\dT/);
});

void test('two doors on one simulated driver keep their own lines and state', () => {
  const h = setup([
    doorConfig({ id: 'front' }),
    doorConfig({ id: 'back', name: 'Back', lock: { pin: 18, numbering: 'bcm', chip: null, active_low: false, type: 'fail_secure' } }),
  ]);
  h.doors.get('back').unlock({ kind: 'face' });
  assert.equal(h.sim.level('back.lock'), 1);
  assert.equal(h.sim.level('front.lock'), 0);
  assert.deepEqual(
    h.doors.list().map((s) => `${s.door}:${s.lock}`),
    ['front:locked', 'back:unlocked'],
  );
});
