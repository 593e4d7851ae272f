import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../../daemon/store/index.ts';
import { DeviceKeys, PersonKeyGoneError, PersonKeys, Snapshots } from '../../../daemon/privacy/index.ts';
import { FakeClock, dataDir, quietLog as log } from '../../support/privacy.ts';

const DAY = 86_400_000;

void test('snapshots are sealed (person key or device key), purged after retention, and gone with the person', () => {
  const dir = dataDir();
  const db = openDatabase(dir);
  const clock = new FakeClock();
  const persons = new PersonKeys(db, DeviceKeys.open({ dataDir: dir, env: {}, log, db }));
  persons.create('alice');
  const snaps = new Snapshots(db, persons, clock);
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.from('FACE-PIXELS-'.repeat(50))]);
  const old = snaps.put({ image: jpeg, mime: 'image/jpeg', personId: 'alice', eventId: 'e1' });
  clock.advance(3 * DAY);
  const unknown = snaps.put({ image: jpeg, mime: 'image/jpeg', personId: null });
  assert.deepEqual(Buffer.from(snaps.get(old)?.image ?? []), jpeg);
  assert.deepEqual(Buffer.from(snaps.get(unknown)?.image ?? []), jpeg);
  assert.equal(snaps.forPerson('alice').length, 1);
  db.pragma('wal_checkpoint(TRUNCATE)');
  assert.equal(readFileSync(join(dir, 'facegate.db')).indexOf('FACE-PIXELS-'), -1, 'no pixels in plaintext in the file');

  assert.equal(snaps.purgeBefore(new Date(clock.now() - 2 * DAY).toISOString()), 1);
  assert.equal(snaps.get(old), null);
  assert.ok(snaps.get(unknown));

  const late = snaps.put({ image: jpeg, mime: 'image/jpeg', personId: 'alice' });
  persons.destroy('alice');
  assert.throws(() => snaps.get(late), PersonKeyGoneError);
  assert.equal(snaps.deleteForPerson('alice'), 1);
  assert.throws(() => snaps.put({ image: new Uint8Array(0), mime: 'image/jpeg' }), /non-empty bytes/);
  db.close();
});
