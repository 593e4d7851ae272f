import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../../daemon/store/index.ts';
import { DeviceKeys, KeyShares, PersonKeyGoneError, PersonKeys, SealError } from '../../../daemon/privacy/index.ts';
import { dataDir, quietLog as log } from '../../support/privacy.ts';

function setup() {
  const dir = dataDir();
  const db = openDatabase(dir);
  const keys = DeviceKeys.open({ dataDir: dir, env: {}, log, db });
  return { dir, db, keys, persons: new PersonKeys(db, keys, log) };
}

void test('a person key seals and opens their records; each record and kind is its own', () => {
  const { persons, db } = setup();
  persons.create('alice');
  const sealed = persons.seal('alice', 'template', 't1', Buffer.from('embedding bytes'));
  assert.equal(Buffer.from(persons.open('alice', 'template', 't1', sealed)).toString(), 'embedding bytes');
  assert.throws(() => persons.open('alice', 'template', 't2', sealed), SealError, 'copied to another record');
  assert.throws(() => persons.open('alice', 'name', 't1', sealed), SealError, 'read as another kind');
  persons.create('bob');
  assert.throws(() => persons.open('bob', 'template', 't1', sealed), SealError, 'copied to another person');
  db.close();
});

void test('a second PersonKeys on the same database (a restart) opens what the first sealed', () => {
  const { dir, persons, db } = setup();
  persons.create('alice');
  const sealed = persons.seal('alice', 'name', 'n', Buffer.from('Alice'));
  db.close();
  const db2 = openDatabase(dir);
  const again = new PersonKeys(db2, DeviceKeys.open({ dataDir: dir, env: {}, log, db: db2 }));
  assert.equal(Buffer.from(again.open('alice', 'name', 'n', sealed)).toString(), 'Alice');
  db2.close();
});

void test('creating a key twice, or for a bad id, is a clear error', () => {
  const { persons, db } = setup();
  persons.create('alice');
  assert.throws(() => persons.create('alice'), /person alice already has a key/);
  assert.throws(() => persons.create(''), /person id must be a non-empty string/);
  assert.throws(() => persons.create('x'.repeat(201)), /at most 200/);
  db.close();
});

void test('destroy() removes the key row and shreds the share; the person data no longer opens', () => {
  const { persons, db, dir } = setup();
  persons.create('alice');
  persons.create('bob');
  const a = persons.seal('alice', 'template', 't1', Buffer.from('A'));
  const b = persons.seal('bob', 'template', 't1', Buffer.from('B'));
  assert.equal(existsSync(join(dir, 'keys', KeyShares.fileName('alice'))), true);
  assert.equal(persons.destroy('alice'), true);
  assert.equal(existsSync(join(dir, 'keys', KeyShares.fileName('alice'))), false);
  assert.equal(persons.has('alice'), false);
  assert.throws(() => persons.open('alice', 'template', 't1', a), PersonKeyGoneError);
  assert.equal(Buffer.from(persons.open('bob', 'template', 't1', b)).toString(), 'B', 'others are untouched');
  assert.equal(persons.destroy('alice'), false, 'a second erasure finds nothing');
  db.close();
});

void test('the share directory must be private', () => {
  const dir = dataDir();
  const db = openDatabase(dir);
  const keys = DeviceKeys.open({ dataDir: dir, env: {}, log, db });
  new PersonKeys(db, keys);
  rmSync(join(dir, 'keys'), { recursive: true });
  mkdirSync(join(dir, 'keys'), { mode: 0o755 });
  assert.throws(() => new PersonKeys(db, keys), /keys is open to group\/others.*chmod 700/);
  db.close();
});

void test('start-up check: keys/ lost means refuse to start, not an empty gallery', () => {
  const { persons, db, dir, keys } = setup();
  persons.create('alice');
  persons.create('bob');
  rmSync(join(dir, 'keys'), { recursive: true });
  const again = new PersonKeys(db, keys);
  assert.throws(
    () => again.reconcile(),
    (err: unknown) => {
      assert.equal((err as { code?: string }).code, 'keys_missing');
      assert.match((err as Error).message, /2 enrolled persons but none of their key shares/);
      return true;
    },
  );
  db.close();
});

void test('start-up check: one missing share is reported; orphan shares are shredded', () => {
  const { persons, db, dir } = setup();
  persons.create('alice');
  persons.create('bob');
  rmSync(join(dir, 'keys', KeyShares.fileName('bob')));
  writeFileSync(join(dir, 'keys', KeyShares.fileName('ghost')), Buffer.alloc(32, 7), { mode: 0o600 });
  const health = persons.reconcile();
  assert.deepEqual(health.missingShares, ['bob']);
  assert.equal(health.orphanShares, 1);
  assert.deepEqual(readdirSync(join(dir, 'keys')), [KeyShares.fileName('alice')]);
  db.close();
});

void test('rewrapAll moves every person to a new device key in one step; the old key no longer opens them', () => {
  const { persons, db, dir } = setup();
  const sealed = new Map<string, Buffer>();
  for (const id of ['p1', 'p2', 'p3']) {
    persons.create(id);
    sealed.set(id, persons.seal(id, 'template', 'x', Buffer.from(id)));
  }
  const oldKey = readFileSync(join(dir, 'device.key'));
  const next = DeviceKeys.generate(dir);
  const result = persons.rewrapAll(next);
  assert.deepEqual(result, { rewrapped: 3, unrecoverable: [] });
  next.writeNext();
  const fresh = new PersonKeys(db, DeviceKeys.findOnDisk(dir, next.id) as DeviceKeys);
  for (const [id, s] of sealed) assert.equal(Buffer.from(fresh.open(id, 'template', 'x', s)).toString(), id);
  assert.throws(() => new PersonKeys(db, DeviceKeys.fromBytes(oldKey, dir, 'the old key')), /sealed with device key .* from the old key/);
  db.close();
});

void test('destroy() inside a caller transaction commits with it (no checkpoint error rolls the erasure back)', () => {
  const { persons, db } = setup();
  persons.create('alice');
  db.exec('CREATE TABLE profile (id TEXT PRIMARY KEY, sealed BLOB)');
  db.prepare('INSERT INTO profile VALUES (?, ?)').run('alice', persons.seal('alice', 'profile', 'alice', Buffer.from('Alice')));
  db.transaction(() => {
    db.prepare('DELETE FROM profile WHERE id = ?').run('alice');
    assert.equal(persons.destroy('alice'), true);
  })();
  assert.equal(persons.has('alice'), false);
  assert.equal((db.prepare('SELECT count(*) AS n FROM profile').get() as { n: number }).n, 0);
  assert.equal(persons.checkpointWal(), true);
  db.close();
});
