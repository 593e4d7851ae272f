import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { openDatabase } from '../../../daemon/store/index.ts';
import { DeviceKeys, KeyShares, PersonKeyGoneError, PersonKeys, SealError } from '../../../daemon/privacy/index.ts';
import { dataDir, quietLog as log } from '../../support/privacy.ts';

/**
 * Erasure on a real database file. The promise (docs/PRIVACY.md): after erasure the person's
 * templates cannot be opened from the live database, its WAL, or any copy of the database taken
 * before, even together with the device key and the live keys/ directory. A copy of keys/ itself
 * taken before the erasure is the limit, and the last test shows it.
 */

interface Person {
  id: string;
  name: string;
  embedding: Float32Array;
}

function person(id: string, name: string): Person {
  const embedding = new Float32Array(512);
  for (let i = 0; i < embedding.length; i++) embedding[i] = Math.sin(i * 0.37 + name.length) * 0.1;
  return { id, name, embedding };
}

function embeddingBytes(p: Person): Buffer {
  return Buffer.from(p.embedding.buffer, p.embedding.byteOffset, p.embedding.byteLength);
}

/** A stand-in for identity's tables: only sealed columns. */
function enroll(db: Database, persons: PersonKeys, p: Person): void {
  db.exec('CREATE TABLE IF NOT EXISTS t_templates (id TEXT PRIMARY KEY, person_id TEXT NOT NULL, name BLOB NOT NULL, sealed BLOB NOT NULL) STRICT');
  persons.create(p.id);
  db.prepare('INSERT INTO t_templates VALUES (?, ?, ?, ?)').run(
    `${p.id}-t1`,
    p.id,
    persons.seal(p.id, 'name', p.id, Buffer.from(p.name)),
    persons.seal(p.id, 'template', `${p.id}-t1`, embeddingBytes(p)),
  );
}

function row(db: Database, id: string): { name: Buffer; sealed: Buffer } | undefined {
  return db.prepare('SELECT name, sealed FROM t_templates WHERE person_id = ?').get(id) as { name: Buffer; sealed: Buffer } | undefined;
}

function filesOf(dir: string): Buffer[] {
  return readdirSync(dir)
    .filter((f) => f.startsWith('facegate.db'))
    .map((f) => readFileSync(join(dir, f)));
}

function setup() {
  const dir = dataDir();
  const db = openDatabase(dir);
  const keys = DeviceKeys.open({ dataDir: dir, env: {}, log, db });
  const persons = new PersonKeys(db, keys, log);
  const alice = person('p-alice', 'Alice Liddell-Q7');
  const bob = person('p-bob', 'Bob Dobalina-Z3');
  enroll(db, persons, alice);
  enroll(db, persons, bob);
  return { dir, db, keys, persons, alice, bob };
}

void test('erasure: the template is unreadable from the live file, its WAL, and a file copy (+WAL) taken before', async () => {
  const { dir, db, keys, persons, alice, bob } = setup();
  const aliceRow = row(db, alice.id);
  assert.ok(aliceRow);
  const wrappedBefore = (db.prepare('SELECT wrapped FROM person_keys WHERE person_id = ?').get(alice.id) as { wrapped: Buffer }).wrapped;
  assert.ok(existsSync(join(dir, 'facegate.db-wal')), 'the data is (at least partly) in the WAL');

  // The "backup": a plain copy of the database file and its WAL while the daemon runs.
  const backup = dataDir('facegate-backup-');
  for (const f of readdirSync(dir).filter((f) => f.startsWith('facegate.db'))) cpSync(join(dir, f), join(backup, f));
  // And an online backup through SQLite's backup API.
  const online = dataDir('facegate-online-');
  await db.backup(join(online, 'facegate.db'));
  {
    // Erase Alice: what identity's erasePerson does with her rows and her key.
    db.transaction(() => {
      db.prepare('DELETE FROM t_templates WHERE person_id = ?').run(alice.id);
      assert.equal(persons.destroy(alice.id), true);
    })();
    assert.equal(persons.checkpointWal(), true);

    // Live: no row, no key; the sealed value kept aside does not open.
    assert.equal(row(db, alice.id), undefined);
    assert.throws(() => persons.open(alice.id, 'template', `${alice.id}-t1`, aliceRow.sealed), PersonKeyGoneError);
    // The wrapped key and the sealed template bytes are gone from the file and the WAL (secure_delete + truncate).
    for (const bytes of filesOf(dir)) {
      assert.equal(bytes.indexOf(wrappedBefore), -1, 'wrapped key bytes still in a live file');
      assert.equal(bytes.indexOf(aliceRow.sealed.subarray(13, 60)), -1, 'sealed template bytes still in a live file');
    }
    assert.equal(readFileSync(join(dir, 'facegate.db-wal')).length, 0, 'the WAL was truncated');

    // Backups taken before: they still hold Alice's rows and wrapped key, but with the device
    // key and the live keys/ directory they open Bob, and not Alice.
    for (const copy of [backup, online]) {
      const old = openDatabase(copy);
      const oldRow = row(old, alice.id);
      assert.ok(oldRow, 'the backup predates the erasure');
      const oldWrapped = (old.prepare('SELECT wrapped FROM person_keys WHERE person_id = ?').get(alice.id) as { wrapped: Buffer }).wrapped;
      mkdirSync(join(copy, 'keys'), { recursive: true, mode: 0o700 });
      cpSync(join(dir, 'keys'), join(copy, 'keys'), { recursive: true });
      cpSync(join(dir, 'device.key'), join(copy, 'device.key'));
      const restored = new PersonKeys(old, DeviceKeys.open({ dataDir: copy, env: {}, log, db: old }), log);
      const bobRow = row(old, bob.id);
      assert.deepEqual(Buffer.from(restored.open(bob.id, 'template', `${bob.id}-t1`, bobRow?.sealed ?? Buffer.alloc(0))), embeddingBytes(bob));
      assert.throws(() => restored.open(alice.id, 'template', `${alice.id}-t1`, oldRow.sealed), PersonKeyGoneError);
      assert.throws(() => restored.open(alice.id, 'name', alice.id, oldRow.name), PersonKeyGoneError);
      // Even going round PersonKeys: the device key alone, or with any share we have, does not unwrap it.
      assert.throws(() => keys.unwrap(oldWrapped, alice.id), SealError);
      for (const share of readdirSync(join(dir, 'keys')).map((f) => readFileSync(join(dir, 'keys', f)))) {
        assert.throws(() => keys.unwrap(oldWrapped, alice.id, share), SealError);
      }
      assert.throws(() => keys.unwrap(oldWrapped, alice.id, randomBytes(32)), SealError);
      old.close();
    }
    db.close();
  }
});

void test('the raw database file and WAL hold no name, no embedding, no person key and no key share in plaintext', () => {
  const { dir, db, alice, bob } = setup();
  const scan = (stage: string): void => {
    const files = filesOf(dir);
    assert.ok(files.length >= 2, 'database and WAL exist');
    for (const p of [alice, bob]) {
      const emb = embeddingBytes(p);
      const share = readFileSync(join(dir, 'keys', KeyShares.fileName(p.id)));
      for (const bytes of files) {
        for (const needle of [Buffer.from(p.name), Buffer.from(p.name, 'utf16le'), Buffer.from(p.name.toLowerCase()), share]) {
          assert.equal(bytes.indexOf(needle), -1, `${stage}: "${needle.toString('hex').slice(0, 16)}…" found in plaintext`);
        }
        // Any 16-byte window of the embedding (four floats) would betray it.
        for (let at = 0; at + 16 <= emb.length; at += 64) {
          assert.equal(bytes.indexOf(emb.subarray(at, at + 16)), -1, `${stage}: embedding bytes at ${at} found in plaintext`);
        }
      }
    }
  };
  scan('in the WAL');
  db.pragma('wal_checkpoint(TRUNCATE)');
  scan('after checkpoint');
  db.close();
});

void test('the limit, shown: a copy of keys/ taken before the erasure, with the device key and an old database, recovers the person', () => {
  const { dir, db, persons, alice } = setup();
  const sealed = row(db, alice.id)?.sealed as Buffer;
  const fullCopy = dataDir('facegate-full-');
  db.pragma('wal_checkpoint(TRUNCATE)');
  cpSync(dir, fullCopy, { recursive: true });
  persons.destroy(alice.id);
  const old = openDatabase(fullCopy);
  const restored = new PersonKeys(old, DeviceKeys.open({ dataDir: fullCopy, env: {}, log, db: old }), log);
  assert.deepEqual(
    Buffer.from(restored.open(alice.id, 'template', `${alice.id}-t1`, sealed)),
    embeddingBytes(alice),
    'this is why keys/ must never be backed up with the database (docs/PRIVACY.md)',
  );
  old.close();
  db.close();
});
