import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { DB_FILE } from '../../../daemon/store/index.ts';
import { osdpData } from '../../support/osdp-store.ts';
import { tempDir } from '../../support/tmp.ts';

function setup() {
  const dir = tempDir();
  return { dir, ...osdpData(dir, ['alice']) };
}

void test('a credential is sealed under the person’s key: not in the file, gone with the key', () => {
  const { dir, db, persons, store } = setup();
  store.setCredential('alice', { format: 'wiegand26', facility: 42, card: 31337 });
  assert.deepEqual(store.credential('alice'), { format: 'wiegand26', facility: 42, card: 31337 });
  assert.equal(store.credential('bob'), null);
  const raw = new BetterSqlite3(join(dir, DB_FILE), { readonly: true });
  const row = raw.prepare('SELECT sealed FROM osdp_credentials').get() as { sealed: Buffer };
  raw.close();
  assert.doesNotMatch(row.sealed.toString('latin1'), /31337|wiegand/);
  persons.destroy('alice');
  assert.throws(() => store.credential('alice'));
  assert.equal(store.deleteCredential('alice'), 1);
  db.close();
});

void test('a credential that cannot be sent is refused with the reason; null removes it', () => {
  const { db, store } = setup();
  assert.throws(() => store.setCredential('alice', { format: 'wiegand26', facility: 300, card: 1 }), /facility code must be 0\.\.255/);
  store.setCredential('alice', { format: 'raw', bits: 26, hex: '12345640' });
  store.setCredential('alice', null);
  assert.equal(store.credential('alice'), null);
  db.close();
});

void test('the KEYSET key is sealed under a device key and read back; without one there is none', () => {
  const { dir, db, store } = setup();
  assert.equal(store.storedScbk(), null);
  const key = Buffer.from('0f1e2d3c4b5a69788796a5b4c3d2e1f0', 'hex');
  store.storeScbk(key);
  assert.equal(Buffer.from(store.storedScbk()!.scbk).toString('hex'), key.toString('hex'));
  const raw = new BetterSqlite3(join(dir, DB_FILE), { readonly: true });
  const row = raw.prepare('SELECT sealed FROM osdp_keys').get() as { sealed: Buffer };
  raw.close();
  assert.equal(row.sealed.includes(key), false);
  db.close();
});
