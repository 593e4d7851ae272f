import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../../daemon/store/index.ts';
import { Outbox } from '../../../daemon/mqtt/outbox.ts';
import { tempDir } from '../../support/tmp.ts';

void test('messages come out in order, leave on delivery, and survive reopening the database', () => {
  const dir = tempDir();
  let db = openDatabase(dir);
  let outbox = new Outbox(db, 100);
  const seqs = ['a', 'b', 'c'].map((p) => outbox.enqueue('t', p).seq);
  outbox.delivered(seqs[0] as number);
  db.close();
  db = openDatabase(dir);
  outbox = new Outbox(db, 100);
  assert.deepEqual(
    outbox.after(0, 10).map((r) => r.payload),
    ['b', 'c'],
  );
  assert.deepEqual(
    outbox.after(seqs[1] as number, 10).map((r) => r.payload),
    ['c'],
  );
  assert.equal(outbox.size(), 2);
  db.close();
});

void test('when full the oldest go, counted; the bound holds', () => {
  const db = openDatabase(tempDir());
  const outbox = new Outbox(db, 10);
  const dropped = Array.from({ length: 25 }, (_, i) => outbox.enqueue('t', String(i)).dropped);
  assert.equal(
    dropped.reduce((a, b) => a + b, 0),
    15,
  );
  assert.equal(outbox.size(), 10);
  assert.equal(outbox.droppedTotal(), 15);
  assert.deepEqual(
    outbox.after(0, 100).map((r) => r.payload),
    ['15', '16', '17', '18', '19', '20', '21', '22', '23', '24'],
  );
  // A smaller bound after a config change trims on the next message.
  const smaller = new Outbox(db, 4);
  assert.equal(smaller.enqueue('t', 'x').dropped, 7);
  assert.equal(smaller.size(), 4);
  assert.equal(smaller.droppedTotal(), 22);
  db.close();
});
