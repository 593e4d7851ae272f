import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { EventBus, type BusEvents } from '../../../daemon/core/index.ts';
import { ConfigSchema, validateConfig } from '../../../daemon/config/index.ts';
import { createDoors, type DoorConfig } from '../../../daemon/door/index.ts';
import { FakeClock } from '../../fakes/clock.ts';
import { memoryLogger } from '../../support/logger.ts';
import { doorConfig, input, setup, wiredDoor } from './harness.ts';

function build(doors: DoorConfig[], sysfsRoot?: string) {
  const { log, lines } = memoryLogger();
  const make = () =>
    createDoors({ config: { doors }, bus: new EventBus<BusEvents>(log), log, clock: new FakeClock(), exitHandler: false, ...(sysfsRoot ? { sysfsRoot } : {}) });
  return { make, lines };
}

const lock = (pin: number, numbering: 'bcm' | 'board' | 'line' | 'sysfs' = 'bcm', chip: string | null = null) => ({
  pin,
  numbering,
  chip,
  active_low: false,
  type: 'fail_secure' as const,
});

void test('a failing lock output: the unlock is refused, gpio_error raised, the door reported locked; it works again after', () => {
  const h = wiredDoor();
  h.sim.failWrites('front.lock', new Error('EIO: i/o error'));
  assert.equal(h.door.unlock({ kind: 'face' }), false);
  assert.equal(h.lockLevel(), 0);
  assert.equal(h.status().lock, 'locked');
  const err = h.events.find((e) => e.type === 'gpio_error');
  assert.match(err?.reason ?? '', /front\.lock: EIO/);
  assert.ok(h.logLines().some((l) => l.msg === 'GPIO error: setting the lock output to locked'));
  h.sim.failWrites('front.lock', null);
  assert.equal(h.door.unlock({ kind: 'face' }), true);
  assert.equal(h.lockLevel(), 1);
});

void test('an input that fails while the door is unlocked relocks it at once', () => {
  const h = wiredDoor({ unlock_pulse_ms: 30_000 });
  h.door.holdUnlockedUntil(new Date(h.clock.now() + 3600_000), 'office');
  assert.equal(h.lockLevel(), 1);
  h.sim.failInput('front.door_contact', new Error('poll failed'));
  assert.equal(h.lockLevel(), 0);
  assert.deepEqual({ lock: h.status().lock, mode: h.status().mode }, { lock: 'locked', mode: 'normal' });
  assert.deepEqual(h.since(h.events.length - 2), ['gpio_error:front.door_contact: poll failed', 'door_locked:gpio_error']);
});

void test('a relock that fails is reported, and the next write sets the locked level', () => {
  const h = wiredDoor({ unlock_pulse_ms: 1000 });
  h.door.unlock({ kind: 'face' });
  h.sim.failWrites('front.lock', new Error('EIO'));
  h.clock.advance(1000);
  assert.ok(h.types().includes('gpio_error'));
  assert.ok(h.logLines().some((l) => String(l.msg).startsWith('the lock output cannot be written')));
  h.sim.failWrites('front.lock', null);
  h.doors.stop();
  assert.equal(h.sim.level('front.lock'), 0);
});

void test('a consumer that throws on door events never keeps the lock open', () => {
  const h = wiredDoor({ unlock_pulse_ms: 1000 });
  h.bus.on('event', () => {
    throw new Error('store is full');
  });
  h.bus.on('door:status', () => {
    throw new Error('panel gone');
  });
  assert.equal(h.door.unlock({ kind: 'face' }), true);
  h.clock.advance(1000);
  assert.equal(h.lockLevel(), 0);
  assert.equal(h.status().lock, 'locked');
});

void test('stop relocks an unlocked door, says so, and refuses commands afterwards', () => {
  const h = wiredDoor({ unlock_pulse_ms: 60_000 });
  h.door.unlock({ kind: 'face' });
  h.doors.stop();
  assert.equal(h.sim.level('front.lock'), 0);
  assert.equal(h.events.at(-1)?.type, 'door_locked');
  assert.equal(h.events.at(-1)?.reason, 'stop');
  assert.ok(h.logLines().some((l) => l.msg === 'lock output set to its locked level' && l.reason === 'stop'));
  assert.equal(h.door.unlock({ kind: 'api' }), false);
  assert.throws(() => h.doors.get('front'), { code: 'door_stopped' });
  h.clock.advance(120_000);
  assert.equal(h.sim.level('front.lock'), 0);
});

void test('a command for a door that does not exist is a clear error', () => {
  const h = wiredDoor();
  assert.throws(() => h.doors.get('garage'), { code: 'door_unknown', message: 'no door "garage"; configured doors: front' });
  assert.throws(() => h.doors.status('garage'), { code: 'door_unknown' });
  assert.throws(() => h.doors.simulate('garage', 'door_contact', true), { code: 'door_unknown' });
});

void test('pulse of 0 or of a day: rejected by the config schema and at run time', () => {
  for (const pulse of [0, 86_400_000, 99, 60_001, 1.5]) {
    const candidate = Value.Default(ConfigSchema, { doors: [{ id: 'front', name: 'Front', unlock_pulse_ms: pulse }] });
    const problems = validateConfig(candidate);
    assert.ok(
      problems.some((p) => p.startsWith('doors.0.unlock_pulse_ms:')),
      `${pulse}: ${problems.join('; ')}`,
    );
    assert.throws(() => build([doorConfig({ unlock_pulse_ms: pulse })]).make(), {
      code: 'door_config',
      message: /unlock_pulse_ms must be a whole number of ms from 100 to 60000/,
    });
  }
});

void test('unknown keys and bad wiring values in a door entry are config errors', () => {
  const candidate = Value.Default(ConfigSchema, {
    doors: [{ id: 'front', name: 'Front', lock: { pin: 17, polarity: 'low' }, door_contact: { pin: 4, contact: 'maybe' }, held_open_s: 0 }],
  });
  const problems = validateConfig(candidate).join('\n');
  assert.match(problems, /doors\.0\.lock\.polarity: unknown key/);
  assert.match(problems, /doors\.0\.door_contact/);
  assert.match(problems, /doors\.0\.held_open_s/);
});

void test('an unknown pin is a clear error naming it', () => {
  assert.throws(() => build([doorConfig({ lock: lock(40) })]).make(), { code: 'door_pin', message: /GPIO bcm 40: the Pi header carries BCM GPIO 0–27 only/ });
  assert.throws(() => build([doorConfig({ lock: lock(2, 'board') })]).make(), { code: 'door_pin', message: /board 2: that header pin is power or ground/ });
  assert.throws(() => build([doorConfig({ lock: lock(41, 'board') })]).make(), { code: 'door_pin', message: /pins 1–40/ });
  assert.throws(() => build([doorConfig({ lock: lock(5, 'line') })]).make(), { code: 'door_pin', message: /numbering line needs chip/ });
  assert.throws(() => build([doorConfig({ lock: lock(9999, 'sysfs') })]).make(), { code: 'door_pin', message: /no gpiochip covers sysfs GPIO 9999/ });
});

void test('a pin used twice, in one door or across doors, is a clear error', () => {
  assert.throws(() => build([doorConfig({ lock: lock(17), door_contact: input(11, { numbering: 'board' }) })]).make(), {
    code: 'door_pin',
    message: /GPIO board 11 \(pinctrl-bcm2711 line 17\) is used twice: by front\.lock and by front\.door_contact/,
  });
  assert.throws(() => build([doorConfig({ id: 'front' }), doorConfig({ id: 'back', name: 'Back' })]).make(), {
    code: 'door_pin',
    message: /used twice: by front\.lock and by back\.lock/,
  });
  assert.throws(() => build([doorConfig({ id: 'front' }), doorConfig({ id: 'front', name: 'Again', lock: lock(18) })]).make(), {
    code: 'door_config',
    message: /door id "front" is configured twice/,
  });
});

void test('driver onoff where there is no sysfs GPIO is refused; auto falls back to simulated and says so', () => {
  const empty = mkdtempSync(join(tmpdir(), 'facegate-nogpio-'));
  try {
    assert.throws(() => build([doorConfig({ driver: 'onoff' })], empty).make(), {
      code: 'door_config',
      message: /driver onoff needs sysfs GPIO at .*facegate-nogpio/,
    });
    const b = build([doorConfig({ driver: 'auto' })], empty);
    const doors = b.make();
    doors.start();
    assert.equal(doors.lines()[0]?.driver, 'simulated');
    assert.ok(b.lines().some((l) => l.msg === 'no sysfs GPIO and no GPIO character device here: this door uses the simulated driver, and no door opens'));
    doors.stop();
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

void test('inputs can be simulated only where they are wired and only on the simulated driver', () => {
  const h = setup([doorConfig({ door_contact: input(22) })]);
  assert.throws(() => h.doors.simulate('front', 'tamper', true), { code: 'door_no_input', message: 'door "front" has no tamper configured' });
  assert.throws(() => h.sim.drive('front.lock', 1), { code: 'door_sim' });
});

void test('the exit handler is installed on start and removed on stop', () => {
  const { log } = memoryLogger();
  const before = process.listenerCount('exit');
  const doors = createDoors({ config: { doors: [doorConfig()] }, bus: new EventBus<BusEvents>(log), log, clock: new FakeClock() });
  doors.start();
  assert.equal(process.listenerCount('exit'), before + 1);
  doors.stop();
  assert.equal(process.listenerCount('exit'), before);
});

void test('malformed commands (as an untyped API or MQTT caller could send) are clear errors and never unlock', () => {
  const h = wiredDoor();
  const door = h.door as unknown as {
    unlock(by: unknown): boolean;
    setLockdown(on: unknown, actor: string): void;
    holdUnlockedUntil(until: unknown, actor: string): void;
  };
  assert.throws(() => door.unlock({ kind: 'admin' }), { code: 'door_bad_request', message: /unlock needs kind face, rex, manual, api or mqtt, not "admin"/ });
  assert.throws(() => door.unlock(null), { code: 'door_bad_request', message: /not nothing/ });
  assert.throws(() => door.unlock({ kind: 'api', override: 'yes' }), { code: 'door_bad_request' });
  assert.throws(() => door.setLockdown('off', 'x'), { code: 'door_bad_request', message: /lockdown must be true or false, not "off"/ });
  assert.throws(() => door.holdUnlockedUntil('2030-01-01', 'x'), { code: 'door_hold_time' });
  assert.equal(h.lockLevel(), 0);
  assert.deepEqual({ lock: h.status().lock, mode: h.status().mode }, { lock: 'locked', mode: 'normal' });
});
