import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { makeEvent } from '../../../daemon/core/index.ts';
import { EventStore, openDatabase } from '../../../daemon/store/index.ts';
import { Retention } from '../../../daemon/privacy/index.ts';
import { FakeClock, dataDir, quietLog as log } from '../../support/privacy.ts';

const DAY = 86_400_000;

function eventAt(clock: FakeClock, daysAgo: number) {
  return {
    ...makeEvent({ door: 'front', type: 'access_denied', reason: 'unknown' }),
    id: randomUUID(),
    ts: new Date(clock.now() - daysAgo * DAY).toISOString(),
  };
}

void test('events older than the retention period go at start, then on each sweep as they age', () => {
  const db = openDatabase(dataDir());
  const clock = new FakeClock();
  const events = new EventStore(db);
  for (const age of [40, 31, 29, 10, 0]) events.append(eventAt(clock, age));
  const purged: Record<string, number>[] = [];
  const retention = new Retention({
    clock,
    log,
    intervalMs: 3_600_000,
    rules: [{ name: 'events', days: 30, purge: (cutoff) => events.purgeBefore(cutoff) }],
    onPurged: (c) => purged.push(c),
  });
  retention.start();
  assert.equal(events.query({ limit: 100 }).length, 3, 'the 40- and 31-day-old events went at start');
  assert.deepEqual(purged, [{ events: 2 }]);
  clock.advance(23 * 3_600_000);
  assert.equal(events.query({ limit: 100 }).length, 3, 'nothing crossed 30 days yet');
  clock.advance(2 * 3_600_000);
  assert.equal(events.query({ limit: 100 }).length, 2, 'the 29-day-old event crossed 30 days a day later');
  retention.stop();
  assert.equal(clock.pending, 0, 'stop leaves no timer behind');
  clock.advance(30 * DAY);
  assert.equal(events.query({ limit: 100 }).length, 2, 'a stopped service deletes nothing');
  db.close();
});

void test('a failing rule is logged and retried; the other rules still run; a changed period applies at the next sweep', () => {
  const clock = new FakeClock();
  let fail = true;
  let days = 30;
  const seen: string[] = [];
  const retention = new Retention({
    clock,
    log,
    intervalMs: 1000,
    rules: [
      {
        name: 'broken',
        days: 1,
        purge: () => {
          if (fail) throw new Error('disk I/O error');
          return 1;
        },
      },
      {
        name: 'snapshots',
        days: () => days,
        purge: (cutoff) => {
          seen.push(cutoff);
          return 0;
        },
      },
    ],
  });
  const first = retention.sweep();
  assert.deepEqual(first, { broken: -1, snapshots: 0 });
  assert.equal(seen[0], new Date(clock.now() - 30 * DAY).toISOString());
  fail = false;
  days = 7;
  assert.deepEqual(retention.sweep(), { broken: 1, snapshots: 0 });
  assert.equal(seen[1], new Date(clock.now() - 7 * DAY).toISOString());
  days = 0;
  assert.equal(retention.sweep().snapshots, -1, 'a nonsense period is refused, not treated as "delete everything"');
});

void test('a non-positive interval is refused', () => {
  assert.throws(() => new Retention({ clock: new FakeClock(), log, intervalMs: 0, rules: [] }), /interval must be positive/);
});
