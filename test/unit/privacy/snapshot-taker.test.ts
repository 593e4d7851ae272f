import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus, type AccessDecision, type BusEvents, type Frame } from '../../../daemon/core/index.ts';
import { openDatabase } from '../../../daemon/store/index.ts';
import { DeviceKeys, PersonKeys, SnapshotTaker, Snapshots } from '../../../daemon/privacy/index.ts';
import { memoryLogger } from '../../support/logger.ts';
import { FakeClock, dataDir, quietLog } from '../../support/privacy.ts';

function frame(mono: number, tag: string): Frame {
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.from(`FRAME-${tag}-`.repeat(20))]);
  return { seq: mono, capturedAt: 0, capturedMono: mono, sourceId: 'cam', width: 2, height: 1, rgb: new Uint8Array(6), jpeg };
}

function decision(over: Partial<AccessDecision>): AccessDecision {
  return { door: 'front', granted: true, reason: 'match', personId: 'alice', score: 0.9, liveness: 0.9, at: 0, eventId: 'ev-1', frameAt: 0, ...over };
}

function setup(keep?: number) {
  const dir = dataDir();
  const db = openDatabase(dir);
  const persons = new PersonKeys(db, DeviceKeys.open({ dataDir: dir, env: {}, log: quietLog, db }));
  persons.create('alice');
  const snapshots = new Snapshots(db, persons, new FakeClock());
  const bus = new EventBus<BusEvents>(quietLog);
  const mem = memoryLogger('warn');
  const taker = new SnapshotTaker({ bus, snapshots, log: mem.log, ...(keep !== undefined ? { keep } : {}) });
  taker.start();
  return { db, bus, persons, snapshots, taker, warnings: () => mem.lines().map((l) => l.msg) };
}

void test('the frame that concluded the vote is stored, sealed under the person, linked to the event', () => {
  const { bus, snapshots, taker, db } = setup();
  for (let t = 100; t <= 500; t += 100) bus.emit('frame', frame(t, String(t)));
  bus.emit('decision', decision({ frameAt: 300, eventId: 'ev-granted' }));
  const [snap] = snapshots.forPerson('alice');
  assert.ok(snap, 'one snapshot of alice');
  assert.equal(snap.event_id, 'ev-granted');
  assert.equal(snap.mime, 'image/jpeg');
  assert.deepEqual(Buffer.from(snap.image), frame(300, '300').jpeg, 'the deciding frame, byte for byte, not the newest');

  // An unknown face: sealed under a device key, still linked to its event.
  bus.emit('decision', decision({ granted: false, reason: 'unknown', personId: null, frameAt: 500, eventId: 'ev-unknown' }));
  const row = db.prepare("SELECT id, person_id FROM snapshots WHERE event_id = 'ev-unknown'").get() as { id: string; person_id: string | null };
  assert.equal(row.person_id, null);
  assert.deepEqual(Buffer.from(snapshots.get(row.id)?.image ?? []), frame(500, '500').jpeg);

  // Stopped: frames and decisions are no longer taken.
  taker.stop();
  bus.emit('frame', frame(600, '600'));
  bus.emit('decision', decision({ frameAt: 600, eventId: 'ev-after' }));
  assert.equal((db.prepare('SELECT count(*) AS n FROM snapshots').get() as { n: number }).n, 2);
  db.close();
});

void test('a deciding frame no longer kept, or a person erased meanwhile: no snapshot, a warning, the bus goes on', () => {
  const { bus, persons, db, warnings } = setup(2);
  for (let t = 100; t <= 400; t += 100) bus.emit('frame', frame(t, String(t)));
  bus.emit('decision', decision({ frameAt: 100 }));
  persons.destroy('alice');
  bus.emit('decision', decision({ frameAt: 400, eventId: 'ev-erased' }));
  let after = 0;
  bus.on('decision', () => {
    after += 1;
  });
  bus.emit('decision', decision({ frameAt: 400, personId: null, eventId: 'ev-3' }));
  assert.equal(after, 1);
  const rows = db.prepare('SELECT event_id FROM snapshots').all() as { event_id: string }[];
  assert.deepEqual(
    rows.map((r) => r.event_id),
    ['ev-3'],
  );
  assert.deepEqual(warnings(), ['no snapshot: the deciding frame is no longer kept', 'snapshot not stored']);
  db.close();
});
