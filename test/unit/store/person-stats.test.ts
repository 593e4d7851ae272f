// One person's figures on a real SQLite store: events appended as the daemon appends them, the
// figures read back through EventStore.personStats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeEvent, type EventInput } from '../../../daemon/core/index.ts';
import { CLOSE_MEDIAN, DECISION_BIN_MS, EventStore, openDatabase } from '../../../daemon/store/index.ts';
import { tempDir } from '../../support/tmp.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-10T12:00:00.000Z');
const ALICE = 'p_alicealicealice';
const BOB = 'p_bobbobbobbobbob';

/** [bin, count] of the bins that count something. */
const nonZero = (bins: number[]): number[][] => bins.flatMap((n, i) => (n ? [[i, n]] : []));

function store(): EventStore {
  return new EventStore(openDatabase(tempDir()));
}

function add(events: EventStore, input: Omit<EventInput, 'door'>, daysAgo: number): void {
  events.append(makeEvent({ door: 'front', ...input }, NOW - daysAgo * DAY));
}

const grant = (score: number, ms?: number): Omit<EventInput, 'door'> => ({
  type: 'access_granted',
  subject: ALICE,
  score,
  liveness: 0.95,
  reason: 'match',
  ...(ms !== undefined ? { decision_ms: ms } : {}),
});

/** Alice's month: five passages, a printed photo of her, a schedule refusal; Bob and strangers beside her. */
function aliceMonth(events: EventStore): void {
  add(events, grant(0.8, 300), 1);
  add(events, grant(0.74, 210), 2);
  add(events, grant(0.9, 450), 3);
  add(events, grant(0.7, 260), 10);
  // Stored before decisions were timed: counted as a grant, not as a time.
  add(events, grant(0.78), 20);
  add(events, { type: 'spoof_suspected', subject: ALICE, score: 0.66, liveness: 0.04, reason: 'spoof_suspected' }, 5);
  add(events, { type: 'access_denied', subject: ALICE, score: 0.81, liveness: 0.9, reason: 'outside_schedule', decision_ms: 280 }, 4);
  add(events, { type: 'access_granted', subject: BOB, score: 0.45, liveness: 0.9, reason: 'match', decision_ms: 900 }, 1);
  add(events, { type: 'access_denied', subject: BOB, score: 0.6, liveness: 0.9, reason: 'expired' }, 0.5);
  add(events, { type: 'unknown_face', score: 0.3, liveness: 0.9, reason: 'unknown' }, 1);
  add(events, { type: 'access_denied', reason: 'lockout' }, 1);
  add(events, { type: 'door_opened', subject: ALICE }, 1);
  // Older than the month.
  add(events, { type: 'access_denied', subject: ALICE, score: 0.8, liveness: 0.9, reason: 'expired' }, 40);
}

test("one person's month: grants, decision times, refusals with the last one in words, their scores against the threshold", () => {
  const events = store();
  aliceMonth(events);
  const s = events.personStats(ALICE, 30, 0.41, NOW);

  assert.deepEqual([s.days, s.from, s.to, s.threshold], [30, new Date(NOW - 30 * DAY).toISOString(), new Date(NOW).toISOString(), 0.41]);
  assert.deepEqual(s.grants, { count: 5 });
  // Times of granted passages only: 210, 260, 300, 450 (the schedule refusal's 280 is not an unlock).
  const { bins, ...quantiles } = s.decision_ms;
  assert.deepEqual(quantiles, { count: 4, p50: 280, p90: 450, max: 450, bin_ms: DECISION_BIN_MS });
  assert.equal(bins.length, 20);
  assert.deepEqual(nonZero(bins), [
    [2, 2],
    [3, 1],
    [4, 1],
  ]);
  assert.equal(s.refusals.count, 2);
  assert.deepEqual(s.refusals.reasons, [
    { reason: 'outside_schedule', count: 1 },
    { reason: 'spoof_suspected', count: 1 },
  ]);
  assert.deepEqual(s.refusals.last, { ts: new Date(NOW - 4 * DAY).toISOString(), reason: 'outside_schedule', text: 'outside their schedule' });
  assert.equal(s.scores.granted.count, 5);
  // Bins of 0.05: 0.70 and 0.74 in [0.70, 0.75), 0.78, 0.80, 0.90 in the three after.
  assert.deepEqual(nonZero(s.scores.granted.bins), [
    [14, 2],
    [15, 1],
    [16, 1],
    [18, 1],
  ]);
  assert.equal(s.scores.refused.count, 2);
  assert.equal(s.scores.lowest, 0.7);
  assert.equal(s.scores.median_margin, 0.37, 'median 0.78 − 0.41');
  assert.equal(s.enrollment.status, 'ok');
  assert.equal(s.enrollment.text, 'scores well above the threshold (median 0.37 above 0.41): enrollment ok');
  assert.doesNotMatch(JSON.stringify(s), /p_alice|p_bob|subject|liveness/, 'no pseudonym, no other field of the events');
});

test('the period: a week leaves out the older passages, a day keeps one; another person is counted on their own', () => {
  const events = store();
  aliceMonth(events);
  const week = events.personStats(ALICE, 7, 0.41, NOW);
  assert.equal(week.grants.count, 3);
  assert.equal(week.refusals.count, 2);
  const day = events.personStats(ALICE, 1, 0.41, NOW);
  assert.deepEqual([day.grants.count, day.refusals.count, day.refusals.last], [1, 0, null]);
  const year = events.personStats(ALICE, 365, 0.41, NOW);
  assert.equal(year.refusals.last?.reason, 'outside_schedule', 'the last refusal, not the oldest');
  assert.equal(year.refusals.count, 3);
  const bob = events.personStats(BOB, 30, 0.41, NOW);
  assert.deepEqual([bob.grants.count, bob.decision_ms.max, bob.refusals.last?.text], [1, 900, 'after their access ended (validity window)']);
});

test('scores close to the threshold ask for a sharper photo; under it, they would be refused now; none without a passage', () => {
  const events = store();
  aliceMonth(events);
  const close = events.personStats(ALICE, 30, 0.7, NOW);
  assert.ok(close.scores.median_margin !== null && close.scores.median_margin < CLOSE_MEDIAN);
  assert.equal(close.enrollment.status, 'close');
  assert.equal(close.enrollment.text, 'scores close to the threshold (median 0.08 above 0.70): add a sharper photo, taken facing the camera in good light');
  const crossed = events.personStats(ALICE, 30, 0.8, NOW);
  assert.equal(crossed.enrollment.status, 'crossed');
  assert.match(crossed.enrollment.text, /^scores under today's threshold \(median 0\.02 below 0\.80\)/);

  const refusedOnly = store();
  add(refusedOnly, { type: 'access_denied', subject: ALICE, score: 0.7, liveness: 0.9, reason: 'disabled' }, 1);
  const r = refusedOnly.personStats(ALICE, 30, 0.41, NOW);
  assert.deepEqual({ ...r.decision_ms, bins: nonZero(r.decision_ms.bins) }, { count: 0, p50: null, p90: null, max: null, bin_ms: 100, bins: [] });
  assert.deepEqual([r.scores.median_margin, r.scores.lowest], [null, null]);
  assert.deepEqual(r.enrollment, { status: 'none', text: 'only refusals in this period: nothing to judge their enrollment by yet' });
  assert.equal(r.refusals.last?.text, 'their access is disabled');
  const slow = store();
  add(slow, grant(0.8, 2600), 1);
  add(slow, grant(0.8, 1999), 1);
  assert.deepEqual(nonZero(slow.personStats(ALICE, 30, 0.41, NOW).decision_ms.bins), [[19, 2]], 'a passage slower than 2 s counts in the last bin');
  assert.equal(store().personStats(ALICE, 30, 0.41, NOW).enrollment.text, 'no passage in this period: nothing to judge their enrollment by yet');
});

test('after the erasure of their events (by pseudonym) nothing of their figures is left', () => {
  const events = store();
  aliceMonth(events);
  assert.ok(events.deleteSubject(ALICE) > 0);
  const s = events.personStats(ALICE, 365, 0.41, NOW);
  assert.deepEqual([s.grants.count, s.refusals.count, s.decision_ms.count, s.scores.granted.count, s.refusals.last], [0, 0, 0, 0, null]);
  assert.equal(events.personStats(BOB, 30, 0.41, NOW).grants.count, 1, "the other person's are kept");
});
