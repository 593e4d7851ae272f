import { test } from 'node:test';
import assert from 'node:assert/strict';
import { doorConfig, input, setup, wiredDoor } from './harness.ts';

void test('starts locked: output at the locked level, door closed, no alarm', () => {
  const h = wiredDoor();
  assert.equal(h.lockLevel(), 0);
  assert.deepEqual(h.status(), { door: 'front', lock: 'locked', position: 'closed', mode: 'normal', alarm: 'none', heldUnlockedUntil: null });
  assert.equal(h.statuses.at(-1)?.lock, 'locked');
});

void test('a face unlock pulses for the strike time, then relocks', () => {
  const h = wiredDoor({ unlock_pulse_ms: 3000 });
  const n = h.events.length;
  assert.equal(h.door.unlock({ kind: 'face' }), true);
  assert.equal(h.lockLevel(), 1);
  assert.equal(h.status().lock, 'unlocked');
  h.clock.advance(2999);
  assert.equal(h.lockLevel(), 1);
  h.clock.advance(1);
  assert.equal(h.lockLevel(), 0);
  assert.deepEqual(h.since(n), ['door_unlocked:face', 'door_locked:pulse_end']);
  assert.equal(h.status().lock, 'locked');
});

void test('a second unlock during the pulse restarts the strike time', () => {
  const h = wiredDoor({ unlock_pulse_ms: 1000 });
  h.door.unlock({ kind: 'face' });
  h.clock.advance(800);
  h.door.unlock({ kind: 'face' });
  h.clock.advance(800);
  assert.equal(h.lockLevel(), 1);
  h.clock.advance(200);
  assert.equal(h.lockLevel(), 0);
});

void test('relocks as soon as the door closes after an entry', () => {
  const h = wiredDoor({ unlock_pulse_ms: 10_000 });
  const n = h.events.length;
  h.door.unlock({ kind: 'face' });
  h.act('door_contact', true);
  assert.equal(h.status().position, 'open');
  assert.equal(h.lockLevel(), 1);
  h.act('door_contact', false);
  assert.equal(h.lockLevel(), 0, 'relocked on close, before the strike time ended');
  h.clock.advance(20_000);
  assert.deepEqual(h.since(n), ['door_unlocked:face', 'door_opened', 'door_closed', 'door_locked:closed']);
});

void test('with relock_on_close off the lock stays open for the whole strike time', () => {
  const h = wiredDoor({ unlock_pulse_ms: 10_000, relock_on_close: false });
  h.door.unlock({ kind: 'face' });
  h.act('door_contact', true);
  h.act('door_contact', false);
  assert.equal(h.lockLevel(), 1);
  h.clock.advance(10_000);
  assert.equal(h.lockLevel(), 0);
});

void test('opened while locked: door_forced alarm until it closes', () => {
  const h = wiredDoor();
  const n = h.events.length;
  h.act('door_contact', true);
  assert.equal(h.status().alarm, 'forced');
  assert.equal(h.lockLevel(), 0);
  h.act('door_contact', false);
  assert.equal(h.status().alarm, 'none');
  assert.deepEqual(h.since(n), ['door_opened:while_locked', 'door_forced:opened_while_locked', 'door_closed']);
});

void test('open longer than held_open_s: door_held_open alarm, cleared by closing', () => {
  const h = wiredDoor({ held_open_s: 30 });
  h.door.unlock({ kind: 'face' });
  h.act('door_contact', true); // 1 s of settle time included
  h.clock.advance(28_000);
  assert.equal(h.status().alarm, 'none');
  h.clock.advance(1_100);
  assert.equal(h.status().alarm, 'held_open');
  assert.equal(h.types().filter((t) => t === 'door_held_open').length, 1);
  h.act('door_contact', false);
  assert.equal(h.status().alarm, 'none');
  assert.equal(h.status().position, 'closed');
});

void test('the exit button unlocks (rex_unlock) and the opening is not forced', () => {
  const h = wiredDoor();
  const n = h.events.length;
  h.act('exit_button', true);
  assert.equal(h.lockLevel(), 1);
  h.act('exit_button', false);
  h.act('door_contact', true);
  assert.equal(h.status().alarm, 'none');
  assert.deepEqual(h.since(n), ['door_unlocked:rex', 'rex_unlock:exit_button', 'door_opened']);
});

void test('an exit button that does not unlock only excuses the next opening within the strike time', () => {
  const h = wiredDoor({ unlock_pulse_ms: 5000, exit_button: { ...input(23, { contact: 'no', debounce_ms: 30 }), unlocks: false } });
  h.act('exit_button', true);
  assert.equal(h.lockLevel(), 0, 'no unlock');
  h.act('exit_button', false);
  h.doors.simulate('front', 'door_contact', true);
  h.clock.advance(60);
  assert.equal(h.status().alarm, 'none', 'exit opening is not forced');
  h.act('door_contact', false);
  h.act('door_contact', true);
  assert.equal(h.status().alarm, 'forced', 'the excuse is used up by one opening');
});

void test('manual unlocks through the API or MQTT raise unlocked_manually', () => {
  const h = wiredDoor();
  const n = h.events.length;
  assert.equal(h.door.unlock({ kind: 'api', actor: 'admin' }), true);
  h.clock.advance(5000);
  assert.equal(h.door.unlock({ kind: 'mqtt' }), true);
  assert.deepEqual(h.since(n), ['door_unlocked:api', 'unlocked_manually:api', 'door_locked:pulse_end', 'door_unlocked:mqtt', 'unlocked_manually:mqtt']);
});

void test('tamper switch: tripped and restored events, tamper alarm in between', () => {
  const h = wiredDoor();
  const n = h.events.length;
  h.act('tamper', true);
  assert.equal(h.status().alarm, 'tamper');
  h.act('tamper', false);
  assert.equal(h.status().alarm, 'none');
  assert.deepEqual(h.since(n), ['tamper:tripped', 'tamper:restored']);
});

void test('lockdown refuses face, exit button and plain manual unlocks; a manual override still opens', () => {
  const h = wiredDoor();
  h.door.unlock({ kind: 'face' });
  const n = h.events.length;
  h.door.setLockdown(true, 'guard');
  assert.equal(h.lockLevel(), 0, 'lockdown relocks at once');
  assert.equal(h.status().mode, 'lockdown');
  assert.equal(h.door.unlock({ kind: 'face' }), false);
  assert.equal(h.door.unlock({ kind: 'face', override: true }), false, 'override is for manual unlocks only');
  assert.equal(h.door.unlock({ kind: 'api' }), false);
  h.act('exit_button', true);
  h.act('exit_button', false);
  assert.equal(h.lockLevel(), 0);
  assert.equal(h.door.unlock({ kind: 'manual', actor: 'guard', override: true }), true);
  assert.equal(h.lockLevel(), 1);
  h.clock.advance(5000);
  h.door.setLockdown(false, 'guard');
  assert.equal(h.door.unlock({ kind: 'face' }), true);
  assert.deepEqual(h.since(n), [
    'door_locked:lockdown',
    'lockdown_changed:on',
    'command_rejected:lockdown:face',
    'command_rejected:lockdown:face',
    'command_rejected:lockdown:api',
    'command_rejected:lockdown:rex',
    'door_unlocked:manual:override',
    'unlocked_manually:manual:override',
    'door_locked:pulse_end',
    'lockdown_changed:off',
    'door_unlocked:face',
  ]);
});

void test('hold unlocked until a time: stays open through closings, relocks at the time', () => {
  const h = wiredDoor({ held_open_s: 10 });
  const until = new Date(h.clock.now() + 8 * 3600_000);
  h.door.holdUnlockedUntil(until, 'office');
  assert.equal(h.lockLevel(), 1);
  assert.deepEqual({ mode: h.status().mode, until: h.status().heldUnlockedUntil }, { mode: 'held_unlocked', until: until.toISOString() });
  h.act('door_contact', true);
  h.clock.advance(60_000);
  assert.equal(h.status().alarm, 'none', 'no held-open alarm while held unlocked');
  h.act('door_contact', false);
  assert.equal(h.lockLevel(), 1, 'closing does not end a hold');
  assert.equal(h.door.unlock({ kind: 'face' }), true);
  h.clock.advanceTo(until.getTime() - 1);
  assert.equal(h.lockLevel(), 1);
  h.clock.advance(1);
  assert.equal(h.lockLevel(), 0);
  assert.deepEqual({ mode: h.status().mode, until: h.status().heldUnlockedUntil }, { mode: 'normal', until: null });
  assert.equal(h.events.at(-1)?.reason, 'hold_ended');
});

void test('a hold can be cleared early, and is ended by a lockdown', () => {
  const h = wiredDoor();
  h.door.holdUnlockedUntil(new Date(h.clock.now() + 3600_000), 'office');
  h.door.holdUnlockedUntil(null, 'office');
  assert.equal(h.lockLevel(), 0);
  assert.equal(h.status().mode, 'normal');
  h.door.holdUnlockedUntil(new Date(h.clock.now() + 3600_000), 'office');
  h.door.setLockdown(true, 'guard');
  assert.equal(h.lockLevel(), 0);
  assert.deepEqual({ mode: h.status().mode, until: h.status().heldUnlockedUntil }, { mode: 'lockdown', until: null });
  h.clock.advance(2 * 3600_000);
  assert.equal(h.status().mode, 'lockdown', 'the old hold timer does not end the lockdown');
});

void test('a hold that ends while the door stands open starts the held-open timer', () => {
  const h = wiredDoor({ held_open_s: 5 });
  h.door.holdUnlockedUntil(new Date(h.clock.now() + 60_000), 'office');
  h.act('door_contact', true);
  h.clock.advance(60_000);
  assert.equal(h.status().alarm, 'none');
  h.clock.advance(5_000);
  assert.equal(h.status().alarm, 'held_open');
});

void test('hold: a past time, more than 7 days ahead, an invalid date or a lockdown are refused and leave the door locked', () => {
  const h = wiredDoor();
  assert.throws(() => h.door.holdUnlockedUntil(new Date(h.clock.now() - 1), 'x'), { code: 'door_hold_time', message: /not in the future/ });
  assert.throws(() => h.door.holdUnlockedUntil(new Date(h.clock.now() + 8 * 24 * 3600_000), 'x'), { code: 'door_hold_time', message: /7 days/ });
  assert.throws(() => h.door.holdUnlockedUntil(new Date('nonsense'), 'x'), { code: 'door_hold_time' });
  h.door.setLockdown(true, 'guard');
  assert.throws(() => h.door.holdUnlockedUntil(new Date(h.clock.now() + 60_000), 'x'), { code: 'door_lockdown' });
  assert.equal(h.lockLevel(), 0);
  assert.equal(h.status().lock, 'locked');
});

void test('door:status is published on every change and only on a change', () => {
  const h = wiredDoor();
  const n = h.statuses.length;
  h.door.unlock({ kind: 'face' });
  h.door.setLockdown(false, 'x'); // no change
  h.act('door_contact', true);
  h.act('door_contact', false);
  const seen = h.statuses.slice(n).map((s) => `${s.lock}/${s.position}`);
  assert.deepEqual(seen, ['unlocked/closed', 'unlocked/open', 'locked/closed']);
});

void test('without a door contact the position is unknown and only the strike time relocks', () => {
  const h = setup([doorConfig()]);
  assert.equal(h.status().position, 'unknown');
  h.door.unlock({ kind: 'face' });
  h.clock.advance(3000);
  assert.equal(h.lockLevel(), 0);
  assert.throws(() => h.doors.simulate('front', 'door_contact', true), { code: 'door_no_input' });
});
