import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DB_FILE, EventStore, InstanceLock, allMigrations, migrate, openDatabase, prepareDataDir, type Migration } from '../../../daemon/store/index.ts';
import { FacegateError, makeEvent } from '../../../daemon/core/index.ts';
import { tempDir } from '../../support/tmp.ts';

test('a new database is in WAL mode with every migration applied', () => {
  const dir = tempDir();
  const db = openDatabase(dir);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  const ids = (db.prepare('SELECT id FROM schema_migrations ORDER BY rowid').all() as { id: string }[]).map((r) => r.id);
  assert.deepEqual(
    ids,
    allMigrations.map((m) => m.id),
  );
  db.close();
});

test('reopening keeps the data and applies only the new migrations', () => {
  const dir = tempDir();
  const first: Migration[] = [{ id: 't-001', up: 'CREATE TABLE t (x INTEGER) STRICT' }];
  let db = openDatabase(dir, { migrations: first });
  db.prepare('INSERT INTO t VALUES (42)').run();
  db.close();
  const second: Migration[] = [...first, { id: 't-002', up: (d) => d.exec('ALTER TABLE t ADD COLUMN y TEXT') }];
  db = openDatabase(dir, { migrations: second });
  assert.deepEqual(db.prepare('SELECT x, y FROM t').all(), [{ x: 42, y: null }]);
  assert.deepEqual(migrate(db, second), []);
  db.close();
});

test('a failing migration is rolled back whole and not recorded', () => {
  const dir = tempDir();
  const bad: Migration[] = [{ id: 'b-001', up: 'CREATE TABLE ok (x INTEGER); CREATE TABLE broken (' }];
  assert.throws(() => openDatabase(dir, { migrations: bad }), FacegateError);
  const db = openDatabase(dir, { migrations: [] });
  assert.deepEqual(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('ok', 'broken')").all(), []);
  db.close();
});

test('a database from a newer facegate is refused, not modified', () => {
  const dir = tempDir();
  openDatabase(dir, { migrations: [{ id: 'future-001', up: 'CREATE TABLE f (x)' }] }).close();
  assert.throws(() => openDatabase(dir, { migrations: [] }), /newer facegate \(unknown migrations: future-001\)/);
});

test('a corrupt database file gives a clear error and is left byte-for-byte as it was', () => {
  const dir = tempDir();
  const file = join(dir, DB_FILE);
  const junk = Buffer.alloc(8192, 0x5a);
  writeFileSync(file, junk);
  assert.throws(
    () => openDatabase(dir),
    (err: unknown) => {
      assert.ok(err instanceof FacegateError);
      assert.equal(err.message, `database ${file}: not a facegate database, or corrupt; it was left untouched`);
      return true;
    },
  );
  assert.deepEqual(readFileSync(file), junk);
});

test('a data directory that cannot be a directory is refused with a clear message', () => {
  const parent = tempDir();
  const file = join(parent, 'plainfile');
  writeFileSync(file, '');
  assert.throws(() => prepareDataDir(join(file, 'sub')), /data directory .*plainfile\/sub: not a directory/);
  assert.throws(() => prepareDataDir(file), /data directory .*plainfile: not a directory/);
});

test('only one daemon per data directory', () => {
  const dir = tempDir();
  const lock = InstanceLock.acquire(dir);
  assert.throws(
    () => InstanceLock.acquire(dir),
    (err: unknown) => {
      assert.ok(err instanceof FacegateError);
      assert.equal(err.message, `another facegate daemon (process ${process.pid}) is already using data directory ${dir}`);
      return true;
    },
  );
  lock.release();
  InstanceLock.acquire(dir).release();
});

test('events are stored, queried with filters and paging, and purged by age', () => {
  const dir = tempDir();
  const db = openDatabase(dir);
  const store = new EventStore(db);
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  for (let i = 0; i < 5; i++)
    store.append(makeEvent({ door: i % 2 ? 'back' : 'front', type: i === 4 ? 'unknown_face' : 'access_granted', subject: 'p_1' }, t0 + i * 60_000));
  const all = store.query();
  assert.equal(all.length, 5);
  assert.ok((all[0]?.seq ?? 0) > (all[1]?.seq ?? 0), 'newest first');
  assert.equal(store.query({ door: 'back' }).length, 2);
  assert.equal(store.query({ type: 'unknown_face' }).length, 1);
  const page = store.query({ limit: 2 });
  const next = store.query({ limit: 2, before: page[1]?.seq });
  assert.equal(next.length, 2);
  assert.ok(next.every((r) => !page.some((p) => p.event.id === r.event.id)));
  assert.equal(store.purgeBefore(new Date(t0 + 2 * 60_000).toISOString()), 2);
  assert.equal(store.query().length, 3);
  db.close();
});

test('a database that cannot be opened under the instance lock releases the lock: a failed start holds nothing', () => {
  const dir = tempDir();
  writeFileSync(join(dir, DB_FILE), Buffer.alloc(8192, 0x5a));
  const lock = InstanceLock.acquire(dir);
  assert.throws(() => lock.openDatabase(), /not a facegate database, or corrupt/);
  // Released: another process (here, a second acquire) can take the directory at once.
  const again = InstanceLock.acquire(dir);
  again.release();
});
