// The dashboard on a real SQLite store: decisions appended as the daemon appends them, samples
// added as the sampler adds them, the report read back through readDashboard.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeEvent, type EventInput } from '../../../daemon/core/index.ts';
import { EventStore, MetricSamples, OUTCOMES, SAMPLE_RETENTION_MS, openDatabase, outcomeOf, readDashboard } from '../../../daemon/store/index.ts';
import { tempDir } from '../../support/tmp.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** 12:20 UTC: the day's buckets end at 13:00, the week's at 18:00. */
const NOW = Date.parse('2026-06-10T12:20:00.000Z');

function stores(): { events: EventStore; samples: MetricSamples } {
  const db = openDatabase(tempDir());
  return { events: new EventStore(db), samples: new MetricSamples(db) };
}

const at = (events: EventStore, input: EventInput, ms: number): void => void events.append(makeEvent(input, ms));

test('every access reason counts under one outcome', () => {
  const cases: [string, string | null, string][] = [
    ['access_granted', 'match', 'granted'],
    ['unknown_face', 'unknown', 'unknown'],
    ['spoof_suspected', 'spoof_suspected', 'spoof_suspected'],
    ['access_denied', 'outside_schedule', 'schedule'],
    ['access_denied', 'expired', 'schedule'],
    ['access_denied', 'not_yet_valid', 'schedule'],
    ['access_denied', 'lockout', 'lockout'],
    ['access_denied', 'disabled', 'other_denied'],
    ['access_denied', 'liveness_unknown', 'other_denied'],
    ['access_denied', null, 'other_denied'],
  ];
  for (const [type, reason, outcome] of cases) assert.equal(outcomeOf({ type, reason }), outcome, `${type}/${reason}`);
});

test('24 h: hourly buckets aligned to the hour, the last holding now; boundaries, other doors and non-decisions', () => {
  const { events, samples } = stores();
  const end = Date.parse('2026-06-10T13:00:00.000Z');
  const start = end - DAY;
  at(events, { door: 'front', type: 'access_granted', subject: 'p_secret1', score: 0.8, liveness: 0.9, reason: 'match' }, start); // first bucket, included
  at(events, { door: 'front', type: 'unknown_face', score: 0.2, liveness: 0.9, reason: 'unknown' }, start - 1); // just before: out
  at(events, { door: 'back', type: 'spoof_suspected', score: 0.1, liveness: 0.1, reason: 'spoof_suspected' }, start + HOUR - 1); // still bucket 0
  at(events, { door: 'front', type: 'access_denied', subject: 'p_secret1', reason: 'outside_schedule' }, start + HOUR); // bucket 1
  at(events, { door: 'front', type: 'access_denied', reason: 'lockout' }, NOW); // last bucket
  at(events, { door: 'front', type: 'access_denied', reason: 'lockdown' }, NOW - 1);
  at(events, { door: 'front', type: 'door_opened' }, NOW);
  at(events, { door: 'front', type: 'lockout_started', reason: 'too_many_denied_attempts' }, NOW);

  const r = readDashboard({ events, samples }, '24h', NOW);
  assert.equal(r.from, start);
  assert.equal(r.to, end);
  assert.equal(r.bucketMs, HOUR);
  assert.equal(r.buckets.length, 24);
  assert.deepEqual(
    r.buckets.map((b) => b.from),
    Array.from({ length: 24 }, (_, i) => start + i * HOUR),
  );
  assert.deepEqual(r.buckets[0]!.counts, { granted: 1, unknown: 0, spoof_suspected: 1, schedule: 0, lockout: 0, other_denied: 0 });
  assert.deepEqual(r.buckets[1]!.counts, { granted: 0, unknown: 0, spoof_suspected: 0, schedule: 1, lockout: 0, other_denied: 0 });
  assert.deepEqual(r.buckets[23]!.counts, { granted: 0, unknown: 0, spoof_suspected: 0, schedule: 0, lockout: 1, other_denied: 1 });
  assert.deepEqual(r.totals, { granted: 1, unknown: 0, spoof_suspected: 1, schedule: 1, lockout: 1, other_denied: 1 });
  assert.deepEqual(Object.keys(r.totals), [...OUTCOMES]);
  assert.doesNotMatch(JSON.stringify(r), /p_secret|subject/, 'nothing about who');
});

test('7 d: 28 six-hour buckets; the decision of eight days ago is out, the one of six days ago in', () => {
  const { events, samples } = stores();
  at(events, { door: 'front', type: 'unknown_face', reason: 'unknown' }, NOW - 8 * DAY);
  at(events, { door: 'front', type: 'unknown_face', reason: 'unknown' }, NOW - 6 * DAY);
  at(events, { door: 'front', type: 'access_granted', reason: 'match' }, NOW - 2 * HOUR);
  const r = readDashboard({ events, samples }, '7d', NOW);
  assert.equal(r.to, Date.parse('2026-06-10T18:00:00.000Z'));
  assert.equal(r.from, r.to - 7 * DAY);
  assert.equal(r.buckets.length, 28);
  assert.equal(r.bucketMs, 6 * HOUR);
  assert.equal(r.totals.unknown, 1);
  assert.equal(r.totals.granted, 1);
  // The week starts at 18:00 on the 3rd: 12:20 on the 4th is in that day's 12:00–18:00 bucket, the 4th of 28.
  assert.equal(r.buckets[3]!.from, Date.parse('2026-06-04T12:00:00.000Z'));
  assert.equal(r.buckets[3]!.counts.unknown, 1);
  assert.equal(r.buckets[26]!.counts.granted, 1, '10:20 today: the 06:00–12:00 bucket, before the last');
});

test('samples: averaged per step from the window start, empty steps left out, nulls stay null', () => {
  const { events, samples } = stores();
  const start = Date.parse('2026-06-09T13:00:00.000Z');
  samples.add({ at: start - 1, cameraFps: 99, analysisFps: 99, temperatureC: 99 }); // before the window
  samples.add({ at: start, cameraFps: 8, analysisFps: 2, temperatureC: 50 });
  samples.add({ at: start + 4 * 60_000, cameraFps: 6, analysisFps: null, temperatureC: 52 });
  samples.add({ at: start + 5 * 60_000, cameraFps: 4, analysisFps: null, temperatureC: null }); // the next 5-minute step
  samples.add({ at: NOW, cameraFps: 7.5, analysisFps: 1.5, temperatureC: 48.5 });
  const r = readDashboard({ events, samples }, '24h', NOW);
  assert.deepEqual(r.samples, [
    { at: start, cameraFps: 7, analysisFps: 2, temperatureC: 51 },
    { at: start + 5 * 60_000, cameraFps: 4, analysisFps: null, temperatureC: null },
    { at: NOW, cameraFps: 7.5, analysisFps: 1.5, temperatureC: 48.5 },
  ]);
  assert.equal(r.stepMs, 5 * 60_000);
});

test('retention: adding a sample drops those older than 7 days before it, keeps the one exactly 7 days old', () => {
  const { samples } = stores();
  samples.add({ at: NOW - SAMPLE_RETENTION_MS - 1, cameraFps: 1, analysisFps: 1, temperatureC: 1 });
  samples.add({ at: NOW - SAMPLE_RETENTION_MS, cameraFps: 2, analysisFps: 2, temperatureC: 2 });
  assert.equal(samples.add({ at: NOW, cameraFps: 3, analysisFps: 3, temperatureC: 3 }), 1, 'one sample went');
  const kept = samples.averaged(0, NOW + 1, 1);
  assert.deepEqual(
    kept.map((s) => s.cameraFps),
    [2, 3],
  );
  assert.equal(SAMPLE_RETENTION_MS, 7 * DAY);
  assert.equal(samples.purgeBefore(NOW), 1);
});
