import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { AuditLog } from '../../../daemon/privacy/index.ts';
import { FACEGATE_BIN, isolatedEnv } from '../../support/daemon.ts';
import { osdpData } from '../../support/osdp-store.ts';
import { dataDir } from '../../support/privacy.ts';

function facegate(dir: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [FACEGATE_BIN, ...args], { env: isolatedEnv(dir), encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

void test('facegate osdp card set/show/clear: the credential is sealed for the person, audited without the number', () => {
  const dir = dataDir();
  const { db, store } = osdpData(dir, ['alice']);
  const set = facegate(dir, 'osdp', 'card', 'set', 'alice', '--format', 'wiegand26', '--facility', '12', '--card', '3456');
  assert.equal(set.code, 0, set.stderr);
  assert.deepEqual(store.credential('alice'), { format: 'wiegand26', facility: 12, card: 3456 });
  const shown = facegate(dir, 'osdp', 'card', 'show', 'alice', '--json');
  assert.deepEqual(JSON.parse(shown.stdout), { format: 'wiegand26', facility: 12, card: 3456 });
  const bad = facegate(dir, 'osdp', 'card', 'set', 'alice', '--format', 'wiegand26', '--facility', '999', '--card', '1');
  assert.equal(bad.code, 65);
  assert.match(bad.stderr, /facility code must be 0\.\.255/);
  const nobody = facegate(dir, 'osdp', 'card', 'set', 'bob', '--format', 'raw', '--bits', '8', '--hex', 'ff');
  assert.equal(nobody.code, 66);
  assert.match(nobody.stderr, /no enrolled person with id "bob"/);
  assert.equal(facegate(dir, 'osdp', 'card', 'frob', 'alice').code, 64);
  assert.equal(facegate(dir, 'osdp', 'card', 'clear', 'alice').code, 0);
  assert.equal(store.credential('alice'), null);
  const audit = new AuditLog(db).list({}).filter((r) => r.action.startsWith('osdp.'));
  assert.deepEqual(audit.map((r) => [r.action, r.target]).reverse(), [
    ['osdp.credential.set', 'alice'],
    ['osdp.credential.clear', 'alice'],
  ]);
  assert.doesNotMatch(JSON.stringify(audit), /3456/);
  db.close();
});

void test('facegate osdp forget-key: the KEYSET key goes, and says so', () => {
  const dir = dataDir();
  const { db, store } = osdpData(dir, []);
  store.storeScbk(Buffer.alloc(16, 7));
  const r = facegate(dir, 'osdp', 'forget-key');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /forgot the key the panel set/);
  assert.equal(store.storedScbk(), null);
  assert.match(facegate(dir, 'osdp', 'forget-key').stdout, /no key from a panel was stored/);
  db.close();
});
