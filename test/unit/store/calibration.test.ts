// The calibration report on a real SQLite store: events appended as the daemon appends them, the
// report read back through EventStore.calibration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeEvent, type EventInput } from '../../../daemon/core/index.ts';
import { BINS, EventStore, calibrationReport, openDatabase, type CalibrationThresholds } from '../../../daemon/store/index.ts';
import { tempDir } from '../../support/tmp.ts';
import { STAND_IN_THRESHOLDS } from '../../support/calibration.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-10T12:00:00.000Z');
const T: CalibrationThresholds = STAND_IN_THRESHOLDS;

/** Bins with `n` counts at the given indexes, 0 elsewhere. */
function binsAt(...at: number[]): number[] {
  const bins = new Array<number>(BINS).fill(0);
  for (const i of at) bins[i]! += 1;
  return bins;
}

function store(): EventStore {
  const db = openDatabase(tempDir());
  return new EventStore(db);
}

function add(events: EventStore, input: EventInput, daysAgo = 1): void {
  events.append(makeEvent(input, NOW - daysAgo * DAY));
}

/** The front door's week: three granted people, two strangers, two prints, a schedule refusal, a lockout, a door event. */
function frontWeek(events: EventStore): void {
  for (const [score, liveness] of [
    [0.62, 0.9],
    [0.71, 0.95],
    [0.83, 0.97],
  ] as const)
    add(events, { door: 'front', type: 'access_granted', subject: 'p_secretsubject1', score, liveness, reason: 'match' });
  add(events, { door: 'front', type: 'unknown_face', score: 0.12, liveness: 0.8, reason: 'unknown' });
  add(events, { door: 'front', type: 'unknown_face', score: 0.31, liveness: 0.85, reason: 'unknown' }, 6.9);
  add(events, { door: 'front', type: 'spoof_suspected', subject: 'p_secretsubject1', score: 0.7, liveness: 0.21, reason: 'spoof_suspected' });
  add(events, { door: 'front', type: 'spoof_suspected', score: 0.2, liveness: 0.12, reason: 'spoof_suspected' });
  add(events, { door: 'front', type: 'access_denied', subject: 'p_secretsubject2', score: 0.66, liveness: 0.88, reason: 'outside_schedule' });
  add(events, { door: 'front', type: 'access_denied', reason: 'lockout' });
  add(events, { door: 'front', type: 'door_opened' });
  // Eight days ago: outside the default week, inside ten days.
  add(events, { door: 'front', type: 'unknown_face', score: 0.47, liveness: 0.9, reason: 'unknown' }, 8);
}

test('the report counts the week of one door: histograms, the closest stranger, margin ok, numbers only', () => {
  const events = store();
  frontWeek(events);
  add(events, { door: 'back', type: 'unknown_face', score: 0.4, liveness: 0.9, reason: 'unknown' });
  const r = events.calibration('front', 7, T, NOW);

  assert.equal(r.door, 'front');
  assert.equal(r.days, 7);
  assert.equal(r.from, new Date(NOW - 7 * DAY).toISOString());
  assert.equal(r.to, new Date(NOW).toISOString());
  assert.equal(r.match.threshold, 0.41);
  assert.equal(r.match.level, 'far_1e-4');
  assert.deepEqual(r.match.granted, { count: 3, bins: binsAt(12, 14, 16), lowest: 0.62 });
  assert.deepEqual(r.match.unknown, { count: 2, bins: binsAt(2, 6), highest: 0.31 });
  assert.deepEqual(r.match.verdict, { status: 'ok', text: 'the closest stranger scored 0.31, threshold 0.41: margin ok' });

  // Live: the granted three, the two strangers and the schedule refusal (they all passed PAD); the lockout has no score.
  assert.equal(r.pad.threshold, 0.5);
  assert.deepEqual(r.pad.live, { count: 6, bins: binsAt(16, 17, 17, 18, 19, 19), lowest: 0.8 });
  assert.deepEqual(r.pad.spoof, { count: 2, bins: binsAt(2, 4), highest: 0.21 });
  assert.deepEqual(r.pad.verdict, {
    status: 'ok',
    text: 'the highest suspected spoof scored 0.21 and the lowest live face 0.80, PAD threshold 0.50: margin ok',
  });

  const json = JSON.stringify(r);
  assert.doesNotMatch(json, /p_secret|subject|reason|schedule/, 'no pseudonym, no field about who');
});

test('the day window: ten days take in the stranger of eight days ago, who scored over the threshold', () => {
  const events = store();
  frontWeek(events);
  const r = events.calibration('front', 10, T, NOW);
  assert.equal(r.match.unknown.count, 3);
  assert.equal(r.match.unknown.highest, 0.47);
  assert.equal(r.match.verdict.status, 'crossed');
  assert.equal(
    r.match.verdict.text,
    'a stranger scored 0.47, at or over the threshold 0.41 (refused only by another rule): consider a stricter security level: far_1e-5',
  );
  assert.equal(events.calibration('front', 1, T, NOW).match.granted.count, 3, 'a day ago exactly is inside one day');
  assert.equal(events.calibration('front', 1, T, NOW - 1).match.granted.count, 3);
  assert.equal(events.calibration('front', 1, T, NOW + 1000).match.granted.count, 0, 'one second more and they fall out');
});

test('a stranger within the margin: too close, the stricter level advised with what it costs the granted', () => {
  const events = store();
  add(events, { door: 'back', type: 'unknown_face', score: 0.39, liveness: 0.9, reason: 'unknown' });
  add(events, { door: 'back', type: 'access_granted', subject: 'p_secretsubject3', score: 0.46, liveness: 0.52, reason: 'match' });
  add(events, { door: 'back', type: 'access_granted', subject: 'p_secretsubject3', score: 0.75, liveness: 0.9, reason: 'match' });
  const r = events.calibration('back', 7, T, NOW);
  assert.deepEqual(r.match.verdict, {
    status: 'close',
    text: 'a stranger came within 0.02 of the threshold 0.41: consider a stricter security level: far_1e-5 (1 of 2 granted passages scored under its 0.48)',
  });
  assert.equal(r.pad.verdict.status, 'close');
  assert.equal(
    r.pad.verdict.text,
    'a live face passed within 0.02 of the PAD threshold 0.50: people may soon be refused as spoofs; check the light and run the PAD self-test',
  );
  assert.doesNotMatch(JSON.stringify(r), /p_secret/);
});

test('a door without face decisions has nothing to judge; the strictest level can only advise a higher threshold', () => {
  const events = store();
  const empty = events.calibration('side', 7, T, NOW);
  assert.equal(empty.match.granted.count, 0);
  assert.equal(empty.match.unknown.highest, null);
  assert.deepEqual(empty.match.verdict, {
    status: 'none',
    text: 'no unknown face at this door in the last 7 days: nothing to judge the threshold 0.41 by yet',
  });
  assert.deepEqual(empty.pad.verdict, { status: 'none', text: 'no face was judged for liveness at this door in the last 7 days' });

  add(events, { door: 'side', type: 'unknown_face', score: 0.46, liveness: 0.9, reason: 'unknown' });
  add(events, { door: 'side', type: 'spoof_suspected', score: 0.1, liveness: 0.48, reason: 'spoof_suspected' });
  const strict = events.calibration('side', 7, { ...T, match: 0.48, level: 'far_1e-5' }, NOW);
  assert.equal(strict.match.verdict.text, 'a stranger came within 0.02 of the threshold 0.48: consider a higher identity.match_threshold');
  assert.equal(strict.pad.verdict.status, 'close');
  assert.match(strict.pad.verdict.text, /^a face refused as a spoof came within 0\.02 of the PAD threshold 0\.50/);
});

test('bin edges: 0.35 starts its bin, 1 is in the last, a negative cosine in the first', () => {
  const r = calibrationReport(
    [
      { type: 'unknown_face', score: 0.35, liveness: null },
      { type: 'unknown_face', score: -0.1, liveness: null },
      { type: 'access_granted', score: 1, liveness: null },
      { type: 'access_granted', score: null, liveness: null },
    ],
    T,
    { door: 'front', days: 7, from: '', to: '' },
  );
  assert.deepEqual(r.match.unknown.bins, binsAt(0, 7));
  assert.deepEqual(r.match.granted, { count: 1, bins: binsAt(BINS - 1), lowest: 1 });
  assert.equal(r.pad.live.count, 0);
});
