import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../../daemon/store/index.ts';
import { DeviceKeys, PersonKeys, SealError, rotateDeviceKey } from '../../../daemon/privacy/index.ts';
import { dataDir, quietLog as log } from '../../support/privacy.ts';

function errorWith(code: string, pattern: RegExp) {
  return (err: unknown): boolean => {
    assert.equal((err as { code?: string }).code, code, String(err));
    assert.match((err as Error).message, pattern);
    return true;
  };
}

void test('first start creates a 0600 key file of 32 random bytes, and the next start reads the same key', () => {
  const dir = dataDir();
  const a = DeviceKeys.load({ dataDir: dir, env: {}, log });
  const file = join(dir, 'device.key');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.match(readFileSync(file, 'utf8'), /^[0-9a-f]{64}\n$/);
  const b = DeviceKeys.load({ dataDir: dir, env: {}, log });
  assert.equal(a.id, b.id);
  assert.match(a.id, /^dk_[0-9a-f]{16}$/);
  assert.equal(a.source, 'file');
});

void test('a key file readable by group or others is refused, naming the file, its mode and the fix', () => {
  const dir = dataDir();
  DeviceKeys.load({ dataDir: dir, env: {}, log });
  const file = join(dir, 'device.key');
  for (const mode of [0o644, 0o640, 0o604, 0o660]) {
    chmodSync(file, mode);
    assert.throws(
      () => DeviceKeys.load({ dataDir: dir, env: {}, log }),
      errorWith('key_permissions', new RegExp(`${file}.*mode ${mode.toString(8)}.*chmod 600`)),
    );
  }
  chmodSync(file, 0o400);
  assert.ok(DeviceKeys.load({ dataDir: dir, env: {}, log }).id);
});

void test('a key file that is not a key is a clear error', () => {
  const dir = dataDir();
  const file = join(dir, 'device.key');
  writeFileSync(file, 'hunter2\n', { mode: 0o600 });
  assert.throws(() => DeviceKeys.load({ dataDir: dir, env: {}, log }), errorWith('key_format', /expected 32 raw bytes, 64 hex/));
  writeFileSync(file, Buffer.alloc(32));
  assert.throws(() => DeviceKeys.load({ dataDir: dir, env: {}, log }), errorWith('key_format', /all zero/));
});

void test('a systemd credential wins over the key file, in raw, hex or base64 form', () => {
  const dir = dataDir();
  const creds = join(dir, 'creds');
  mkdirSync(creds);
  const raw = randomBytes(32);
  const ids = new Set<string>();
  for (const form of [raw, Buffer.from(raw.toString('hex')), Buffer.from(`${raw.toString('base64')}\n`)]) {
    writeFileSync(join(creds, 'device.key'), form);
    const keys = DeviceKeys.load({ dataDir: dir, env: { CREDENTIALS_DIRECTORY: creds }, log });
    assert.equal(keys.source, 'credential');
    ids.add(keys.id);
  }
  assert.equal(ids.size, 1);
  assert.equal(existsSync(join(dir, 'device.key')), false, 'no key file is made when a credential is present');
});

void test('wrap/unwrap round-trips; another person, share or key cannot unwrap', () => {
  const dir = dataDir();
  const keys = DeviceKeys.load({ dataDir: dir, env: {}, log });
  const personKey = randomBytes(32);
  const share = randomBytes(32);
  const wrapped = keys.wrap(personKey, 'alice', share);
  assert.deepEqual(keys.unwrap(wrapped, 'alice', share), personKey);
  assert.throws(() => keys.unwrap(wrapped, 'bob', share), SealError);
  assert.throws(() => keys.unwrap(wrapped, 'alice', randomBytes(32)), SealError);
  assert.throws(() => DeviceKeys.generate(dir).unwrap(wrapped, 'alice', share), SealError);
});

void test('a database from another device is refused, naming both key ids', () => {
  const dirA = dataDir();
  const dbA = openDatabase(dirA);
  const keysA = DeviceKeys.open({ dataDir: dirA, env: {}, log, db: dbA });
  new PersonKeys(dbA, keysA).create('alice');
  dbA.close();
  // Device B has its own key; the operator copies A's database over.
  const dirB = dataDir();
  const keysB = DeviceKeys.load({ dataDir: dirB, env: {}, log });
  const dbOnB = openDatabase(dirA);
  assert.throws(() => keysB.bind(dbOnB), errorWith('key_mismatch', new RegExp(`sealed with device key ${keysA.id}.*is ${keysB.id}.*another device`)));
  assert.throws(() => new PersonKeys(dbOnB, keysB), errorWith('key_mismatch', /another device/));
  dbOnB.close();
});

void test('a database with person keys but no recorded key id is refused, not silently re-bound', () => {
  const dir = dataDir();
  const db = openDatabase(dir);
  const keys = DeviceKeys.open({ dataDir: dir, env: {}, log, db });
  new PersonKeys(db, keys).create('alice');
  db.prepare("DELETE FROM meta WHERE key = 'device_key_id'").run();
  assert.throws(() => keys.bind(db), errorWith('key_unbound', /holds 1 person keys but records no device key id/));
  db.close();
});

void test('the pseudonym secret is kept in the database, so it survives a key rotation', () => {
  const dir = dataDir();
  const db = openDatabase(dir);
  const keys = DeviceKeys.open({ dataDir: dir, env: {}, log, db });
  const before = Buffer.from(keys.pseudonymSecret);
  const persons = new PersonKeys(db, keys);
  const next = DeviceKeys.generate(dir);
  persons.rewrapAll(next);
  assert.deepEqual(next.pseudonymSecret, before);
  next.writeNext();
  assert.deepEqual(DeviceKeys.findOnDisk(dir, next.id)?.bind(db).pseudonymSecret, before);
  db.close();
});

void test('an interrupted rotation is finished when its transaction had committed, rolled back when it had not', () => {
  const dir = dataDir();
  const db = openDatabase(dir);
  const keys = DeviceKeys.open({ dataDir: dir, env: {}, log, db });
  const persons = new PersonKeys(db, keys);
  persons.create('alice');
  const sealed = persons.seal('alice', 'template', 't', Buffer.from('x'));

  // Crash after writing device.key.next, before the transaction: the old key stays. The file is
  // left alone (it could be another process's rotation in flight) until a rotation settles it.
  const aborted = DeviceKeys.generate(dir);
  aborted.writeNext();
  const rolledBack = DeviceKeys.open({ dataDir: dir, env: {}, log, db });
  assert.equal(rolledBack.id, keys.id);
  db.transaction(() => DeviceKeys.settlePending(dir, db)).immediate();
  assert.equal(existsSync(join(dir, 'device.key.next')), false, 'an uncommitted next key is removed when settled');
  assert.equal(DeviceKeys.load({ dataDir: dir, env: {}, log }).id, keys.id);

  // Crash after the transaction, before the rename: the next key becomes the key.
  const next = DeviceKeys.generate(dir);
  next.writeNext();
  persons.rewrapAll(next);
  const finished = DeviceKeys.open({ dataDir: dir, env: {}, log, db });
  assert.notEqual(aborted.id, finished.id);
  assert.equal(finished.id, next.id);
  assert.equal(existsSync(join(dir, 'device.key.next')), false);
  assert.equal(DeviceKeys.load({ dataDir: dir, env: {}, log }).id, next.id, 'device.key now holds the new key');
  assert.equal(Buffer.from(new PersonKeys(db, finished).open('alice', 'template', 't', sealed)).toString(), 'x');
  db.close();
});

void test('a lost key file is named as such, and no new key is made for a database sealed with the old one', () => {
  const dir = dataDir();
  const db = openDatabase(dir);
  DeviceKeys.open({ dataDir: dir, env: {}, log, db });
  rmSync(join(dir, 'device.key'));
  assert.throws(
    () => DeviceKeys.open({ dataDir: dir, env: { CREDENTIALS_DIRECTORY: join(dir, 'nope') }, log, db }),
    errorWith('key_missing', /no device key: neither .*nope\/device\.key nor .*device\.key exists, but the database was sealed with one/),
  );
  assert.equal(existsSync(join(dir, 'device.key')), false);
  db.close();
});

void test('the next key of a rotation belongs to the same user as the current key file', () => {
  const dir = dataDir();
  DeviceKeys.load({ dataDir: dir, env: {}, log });
  const current = join(dir, 'device.key');
  const asRoot = process.getuid?.() === 0;
  // As root (sudo facegate keys rotate), the daemon's user owns the key: the new file must follow.
  if (asRoot) chownSync(current, 4321, 4321);
  const next = DeviceKeys.generate(dir).writeNext();
  const st = statSync(next);
  assert.equal(st.mode & 0o777, 0o600);
  assert.equal(st.uid, asRoot ? 4321 : process.getuid?.());
});

void test('a rotation finishes a committed-but-not-renamed one before starting its own; no key is lost', () => {
  const dir = dataDir();
  const db = openDatabase(dir);
  const keys = DeviceKeys.open({ dataDir: dir, env: {}, log, db });
  const persons = new PersonKeys(db, keys, log);
  persons.create('alice');
  const sealed = persons.seal('alice', 'template', 't', Buffer.from('a'));
  // Rotation A committed, then stopped before renaming device.key.next.
  const a = DeviceKeys.generate(dir);
  a.writeNext();
  persons.rewrapAll(a);
  // Rotation B, from a process that loaded the key before A committed.
  const b = rotateDeviceKey({ db, dataDir: dir, env: {}, log, actor: 'test' });
  assert.equal(b.from, a.id, 'B started from the key A committed');
  assert.equal(existsSync(join(dir, 'device.key.next')), false);
  const now = DeviceKeys.open({ dataDir: dir, env: {}, log, db });
  assert.equal(now.id, b.to);
  assert.equal(Buffer.from(new PersonKeys(db, now).open('alice', 'template', 't', sealed)).toString(), 'a');
  db.close();
});
