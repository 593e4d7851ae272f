import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccess, decide, type AccessSettings } from '../../../daemon/access/index.ts';
import { EventBus, type AccessDecision, type BusEvents, type FacegateEvent, type PersonAccess, type TrackVerdict } from '../../../daemon/core/index.ts';
import { Pseudonyms } from '../../../daemon/privacy/index.ts';
import { memoryLogger } from '../../support/logger.ts';
import { FakeClock } from '../../fakes/clock.ts';

const alice: PersonAccess = { personId: 'alice', enabled: true, validFrom: null, validUntil: null, schedule: null };

function verdict(over: Partial<TrackVerdict> = {}): TrackVerdict {
  return { door: 'front', trackId: 1, personId: 'alice', score: 0.8, margin: 0.4, liveness: 0.9, frames: 2, at: 0, firstAt: 0, ...over };
}

const now = Date.parse('2026-01-05T12:00:00Z');
const base = { person: alice, lockedOut: false, livenessMin: 0.5, now };

void test('policy: every way to be refused has its own reason', () => {
  assert.deepEqual(decide({ ...base, verdict: verdict() }), { granted: true, reason: 'match' });
  assert.equal(decide({ ...base, verdict: verdict(), lockedOut: true }).reason, 'lockout');
  assert.equal(decide({ ...base, verdict: verdict({ liveness: 0.2 }) }).reason, 'spoof_suspected');
  assert.equal(decide({ ...base, verdict: verdict({ liveness: null }) }).reason, 'liveness_unknown');
  assert.equal(decide({ ...base, verdict: verdict({ personId: null }), person: null }).reason, 'unknown');
  assert.equal(decide({ ...base, verdict: verdict(), person: null }).reason, 'unknown', 'erased between match and decision');
  assert.equal(decide({ ...base, verdict: verdict(), person: { ...alice, enabled: false } }).reason, 'disabled');
  assert.equal(decide({ ...base, verdict: verdict(), person: { ...alice, validFrom: '2026-02-01T00:00:00Z' } }).reason, 'not_yet_valid');
  assert.equal(decide({ ...base, verdict: verdict(), person: { ...alice, validUntil: '2026-01-05T12:00:00Z' } }).reason, 'expired');
  assert.equal(decide({ ...base, verdict: verdict(), person: { ...alice, validUntil: '2026-01-05T12:00:01Z' } }).reason, 'match');
  const weekend = { timezone: 'UTC', windows: [{ days: ['sat' as const, 'sun' as const], from: '00:00', to: '00:00' }] };
  assert.equal(decide({ ...base, verdict: verdict(), person: { ...alice, schedule: weekend } }).reason, 'outside_schedule');
  // A spoofed face is called a spoof even when it resembles nobody.
  assert.equal(decide({ ...base, verdict: verdict({ personId: null, liveness: 0.1 }), person: null }).reason, 'spoof_suspected');
  // The liveness threshold is inclusive.
  assert.equal(decide({ ...base, verdict: verdict({ liveness: 0.5 }) }).granted, true);
});

void test('policy: a liveness or match score that is not a finite number is never granted', () => {
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, undefined]) {
    const liveness = bad as number;
    assert.deepEqual(decide({ ...base, verdict: verdict({ liveness }) }), { granted: false, reason: 'liveness_unknown' }, `liveness ${bad}`);
    assert.deepEqual(decide({ ...base, verdict: verdict({ score: bad as number }) }), { granted: false, reason: 'unknown' }, `match score ${bad}`);
    assert.equal(decide({ ...base, verdict: verdict(), livenessMin: bad as number }).granted, false, `liveness_min ${bad}`);
  }
});

function setup(settings: Partial<AccessSettings> = {}) {
  const { log } = memoryLogger('warn');
  const bus = new EventBus<BusEvents>(log);
  const clock = new FakeClock('2026-01-05T12:00:00Z');
  const pseudonyms = new Pseudonyms(Buffer.alloc(32, 7));
  const people = new Map([['alice', alice]]);
  const access = createAccess({
    bus,
    clock,
    log,
    settings: { livenessMin: 0.5, lockoutAttempts: 3, lockoutWindowMs: 60_000, lockoutCooldownMs: 120_000, ...settings },
    lookupPerson: (id) => people.get(id) ?? null,
    subjectOf: (id) => pseudonyms.subject(id),
  });
  const events: FacegateEvent[] = [];
  const decisions: AccessDecision[] = [];
  bus.on('event', (e) => events.push(e));
  bus.on('decision', (d) => decisions.push(d));
  access.start();
  return { bus, clock, access, events, decisions, pseudonyms };
}

void test('a verdict on the bus becomes one decision and one pseudonymous public event', () => {
  const { bus, events, decisions, pseudonyms } = setup({ lockoutAttempts: 10 });
  bus.emit('verdict', verdict({ at: 1234 }));
  assert.equal(decisions.length, 1);
  assert.equal(events.length, 1);
  const e = events[0]!;
  // The decision names its event and the frame that concluded the vote (for a snapshot).
  assert.deepEqual(
    { ...decisions[0], at: 0 },
    { door: 'front', granted: true, reason: 'match', personId: 'alice', score: 0.8, liveness: 0.9, at: 0, eventId: e.id, frameAt: 1234 },
  );
  assert.equal(e.type, 'access_granted');
  assert.equal(e.subject, pseudonyms.subject('alice'));
  assert.match(e.subject!, /^p_[0-9a-f]{16}$/);
  assert.ok(!JSON.stringify(e).includes('alice'), 'the event never carries the person id');
  bus.emit('verdict', verdict({ personId: null, score: 0.1 }));
  bus.emit('verdict', verdict({ liveness: 0.1 }));
  bus.emit('verdict', verdict({ liveness: null }));
  assert.deepEqual(
    events.slice(1).map((x) => [x.type, x.reason]),
    [
      ['unknown_face', 'unknown'],
      ['spoof_suspected', 'spoof_suspected'],
      ['access_denied', 'liveness_unknown'],
    ],
  );
  assert.equal(events[1]!.subject, null);
});

void test("each face decision's event records the time from the face's first frame to the decision, on the monotonic clock", () => {
  const { bus, clock, events } = setup({ lockoutAttempts: 10 });
  const firstAt = clock.monotonic();
  clock.advance(340);
  bus.emit('verdict', verdict({ firstAt, at: firstAt + 300 }));
  bus.emit('verdict', verdict({ firstAt, liveness: 0.1 }));
  // A wall clock set back does not shorten the next one.
  clock.jumpWall(-3_600_000);
  clock.advance(60);
  bus.emit('verdict', verdict({ firstAt, personId: null }));
  assert.deepEqual(
    events.map((e) => [e.type, e.decision_ms]),
    [
      ['access_granted', 340],
      ['spoof_suspected', 340],
      ['unknown_face', 400],
    ],
  );
});

void test('K denials in the window start a lockout; it refuses everyone, then ends by itself', () => {
  const { bus, clock, access, events, decisions } = setup();
  bus.emit('verdict', verdict({ personId: null }));
  clock.advance(10_000);
  bus.emit('verdict', verdict({ personId: null }));
  assert.equal(access.lockedOut('front'), false);
  clock.advance(10_000);
  bus.emit('verdict', verdict({ liveness: 0.1 }));
  assert.equal(access.lockedOut('front'), true);
  assert.equal(events.at(-1)!.type, 'lockout_started');
  // Even the owner is refused during the cooldown, and nothing about the face is disclosed.
  bus.emit('verdict', verdict());
  assert.deepEqual([decisions.at(-1)!.granted, decisions.at(-1)!.reason, decisions.at(-1)!.personId], [false, 'lockout', null]);
  assert.equal(events.at(-1)!.subject, null);
  // Denials during the lockout do not extend it.
  for (let i = 0; i < 5; i++) bus.emit('verdict', verdict({ personId: null }));
  clock.advance(119_999);
  assert.equal(access.lockedOut('front'), true);
  assert.ok(!events.some((e) => e.type === 'lockout_ended'));
  clock.advance(1);
  assert.equal(access.lockedOut('front'), false);
  assert.equal(events.filter((e) => e.type === 'lockout_ended').length, 1);
  bus.emit('verdict', verdict());
  assert.equal(decisions.at(-1)!.granted, true);
});

void test('denials spread wider than the window never lock out; a grant clears the count', () => {
  const { bus, clock, access } = setup();
  for (let i = 0; i < 6; i++) {
    bus.emit('verdict', verdict({ personId: null }));
    clock.advance(31_000);
  }
  assert.equal(access.lockedOut('front'), false);
  bus.emit('verdict', verdict({ personId: null }));
  bus.emit('verdict', verdict());
  bus.emit('verdict', verdict({ personId: null }));
  assert.equal(access.lockedOut('front'), false, 'the grant between reset the count');
  // Lockouts are per door.
  for (let i = 0; i < 3; i++) bus.emit('verdict', verdict({ door: 'back', personId: null }));
  assert.equal(access.lockedOut('back'), true);
  assert.equal(access.lockedOut('front'), false);
});

void test('after stop no verdict is handled and no lockout timer is left', () => {
  const { bus, clock, access, decisions } = setup();
  for (let i = 0; i < 3; i++) bus.emit('verdict', verdict({ personId: null }));
  assert.equal(clock.pending, 1);
  access.stop();
  assert.equal(clock.pending, 0);
  bus.emit('verdict', verdict());
  assert.equal(decisions.length, 3);
});
