import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wiredDoor } from './harness.ts';

const RETRY_MSG = 'the lock output still cannot be written; retrying';

void test('the relock write and its fallback both fail: the door reports jammed, raises lock_jammed, never claims locked', () => {
  const h = wiredDoor({ unlock_pulse_ms: 1000 });
  assert.equal(h.door.unlock({ kind: 'face' }), true);
  assert.equal(h.lockLevel(), 1);
  const before = h.events.length;
  h.sim.failWrites('front.lock', new Error('EIO: i/o error'));
  h.clock.advance(1000); // the pulse ends: relock, then the fallback write; both fail
  assert.equal(h.lockLevel(), 1, 'the line is still at its unlocked level');
  assert.equal(h.status().lock, 'jammed');
  assert.equal(h.statuses.at(-1)?.lock, 'jammed', 'the status published on the bus says so too');
  const after = h.since(before);
  assert.ok(after.includes('lock_jammed:front.lock: EIO: i/o error'), after.join(' '));
  assert.ok(!after.some((e) => e.startsWith('door_locked')), `never claimed locked: ${after.join(' ')}`);
  // While jammed, nothing unlocks it further (a working write would otherwise open a door we could not lock).
  assert.equal(h.door.unlock({ kind: 'api' }), false);
  assert.throws(() => h.door.holdUnlockedUntil(new Date(h.clock.now() + 60_000), 'office'), /jammed/);
});

void test('a jammed lock is retried with growing waits (0.5 s doubling to 30 s); the first write that works locks it and says so', () => {
  const h = wiredDoor({ unlock_pulse_ms: 1000 });
  h.door.unlock({ kind: 'face' });
  h.sim.failWrites('front.lock', new Error('EIO'));
  h.clock.advance(1000);
  h.clock.advance(120_000);
  const waits = h
    .logLines()
    .filter((l) => l.msg === RETRY_MSG)
    .map((l) => l.retryInMs);
  assert.deepEqual(waits.slice(0, 8), [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000], 'after the first retry at 0.5 s');
  assert.equal(h.status().lock, 'jammed');
  assert.equal(h.types().filter((t) => t === 'lock_jammed').length, 1, 'one alarm per jam, not one per retry');

  h.sim.failWrites('front.lock', null);
  h.clock.advance(30_000);
  assert.equal(h.lockLevel(), 0);
  assert.equal(h.status().lock, 'locked');
  assert.equal(h.since(h.events.length - 1)[0], 'door_locked:jam_cleared');
  assert.equal(h.clock.pending, 0, 'no retry left once locked');
  // Back to normal: it unlocks and relocks again.
  assert.equal(h.door.unlock({ kind: 'face' }), true);
  h.clock.advance(1000);
  assert.equal(h.lockLevel(), 0);
});

void test('a lock output that cannot be written at stop is reported jammed, not locked; no retry outlives the door', () => {
  const h = wiredDoor({ unlock_pulse_ms: 60_000 });
  h.door.unlock({ kind: 'face' });
  h.sim.failWrites('front.lock', new Error('EIO'));
  h.doors.stop();
  assert.equal(h.statuses.at(-1)?.lock, 'jammed', 'the last status published');
  assert.equal(h.events.at(-1)?.type, 'lock_jammed');
  assert.ok(!h.events.some((e) => e.type === 'door_locked' && e.reason === 'stop'));
  assert.equal(h.clock.pending, 0);
});

void test('lockdown on a jammed door tries to lock again, and does not raise a second alarm', () => {
  const h = wiredDoor({ unlock_pulse_ms: 1000 });
  h.door.unlock({ kind: 'face' });
  h.sim.failWrites('front.lock', new Error('EIO'));
  h.clock.advance(1000);
  h.door.setLockdown(true, 'admin');
  assert.equal(h.status().lock, 'jammed');
  assert.equal(h.types().filter((t) => t === 'lock_jammed').length, 1);
  h.sim.failWrites('front.lock', null);
  h.door.setLockdown(false, 'admin');
  h.door.setLockdown(true, 'admin');
  assert.equal(h.status().lock, 'locked', "the lockdown's relock got through");
  assert.equal(h.lockLevel(), 0);
  h.clock.advance(60_000);
  assert.equal(h.clock.pending, 0);
});
