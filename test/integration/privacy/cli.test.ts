import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../../daemon/store/index.ts';
import { AuditLog, DeviceKeys, PersonKeys, Snapshots } from '../../../daemon/privacy/index.ts';
import { FACEGATE_BIN, isolatedEnv } from '../../support/daemon.ts';
import { face, identityVector, openHarness, photo } from '../../support/identity-harness.ts';
import { dataDir, quietLog as log } from '../../support/privacy.ts';

function facegate(dir: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [FACEGATE_BIN, ...args], { env: isolatedEnv(dir), encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

void test('facegate audit verify: exit 0 on an intact chain, 1 naming the row on a broken one', () => {
  const dir = dataDir();
  const db = openDatabase(dir);
  const audit = new AuditLog(db);
  for (const action of ['person.enroll', 'door.unlock', 'person.erase']) audit.append({ actor: 'admin:ann', action });
  const ok = facegate(dir, 'audit', 'verify');
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /audit chain ok: 3 rows/);
  db.exec("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'admin:mallory' WHERE seq = 2");
  db.close();
  const broken = facegate(dir, 'audit', 'verify', '--json');
  assert.equal(broken.code, 1);
  assert.deepEqual(JSON.parse(broken.stdout), { ok: false, rows: 3, problems: ['row 2: content changed after it was written'] });
  const nowhere = facegate(join(dir, 'missing'), 'audit', 'verify');
  assert.equal(nowhere.code, 66);
  assert.match(nowhere.stderr, /no facegate database in .*missing/);
  const bad = facegate(dir, 'audit', 'frobnicate');
  assert.equal(bad.code, 64);
  assert.match(bad.stderr, /usage: facegate audit verify/);
});

void test('facegate keys rotate beside a running process: it re-wraps every person and the running side follows', () => {
  const dir = dataDir();
  const db = openDatabase(dir);
  const keys = DeviceKeys.open({ dataDir: dir, env: {}, log, db });
  const running = new PersonKeys(db, keys, log);
  running.create('alice');
  const sealed = running.seal('alice', 'template', 't', Buffer.from('alice-template'));
  const before = keys.id;
  // A second "daemon" view that has not cached Alice's key: it must unwrap after the rotation.
  const cold = new PersonKeys(db, keys, log);

  const r = facegate(dir, 'keys', 'rotate', '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { from: string; to: string; rewrapped: number };
  assert.equal(out.from, before);
  assert.notEqual(out.to, before);
  assert.equal(out.rewrapped, 1);
  assert.equal(statSync(join(dir, 'device.key')).mode & 0o777, 0o600);
  assert.equal(DeviceKeys.load({ dataDir: dir, env: {}, log }).id, out.to, 'device.key holds the new key');

  assert.equal(Buffer.from(cold.open('alice', 'template', 't', sealed)).toString(), 'alice-template');
  running.create('bob');
  assert.equal(running.deviceKeys.id, out.to, 'new persons are wrapped under the new key');
  const status = facegate(dir, 'keys', 'status', '--json');
  assert.equal(status.code, 0, status.stderr);
  assert.deepEqual(JSON.parse(status.stdout), {
    keyId: out.to,
    source: 'file',
    origin: join(dir, 'device.key'),
    persons: 2,
    missingShares: 0,
    orphanShares: 0,
  });
  assert.equal(new AuditLog(db).list({ action: 'keys.rotate' }).length, 1);
  db.close();
});

void test('facegate privacy export: one JSON document with everything about the person and nothing of anyone else', async () => {
  const dir = dataDir();
  const h = openHarness(dir);
  await h.identity.enroll({
    personId: 'alice',
    displayName: 'Alice Liddell',
    actor: 'test',
    photos: [{ name: 'a.jpg', bytes: photo([face({ embedding: identityVector(3) })]) }],
    consent: { basis: 'explicit_consent', method: 'in_person_signed', noticeVersion: '2026-01' },
  });
  await h.identity.enroll({
    personId: 'bob',
    displayName: 'Bob Dobalina',
    actor: 'test',
    photos: [{ name: 'b.jpg', bytes: photo([face({ embedding: identityVector(20) })]) }],
  });
  const snaps = new Snapshots(h.db, h.personKeys);
  snaps.put({ image: Buffer.from('alice-jpeg'), mime: 'image/jpeg', personId: 'alice' });
  snaps.put({ image: Buffer.from('bob-jpeg'), mime: 'image/jpeg', personId: 'bob' });
  h.close();

  const outFile = join(dir, 'alice.json');
  const r = facegate(dir, 'privacy', 'export', 'alice', '--out', outFile);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(statSync(outFile).mode & 0o777, 0o600);
  const text = readFileSync(outFile, 'utf8');
  const doc = JSON.parse(text) as Record<string, unknown> & {
    person: { display_name: string; subject: string };
    templates: unknown[];
    consents: unknown[];
    snapshots: { image_base64: string }[];
  };
  assert.equal(doc.person.display_name, 'Alice Liddell');
  assert.match(doc.person.subject, /^p_[0-9a-f]{16}$/);
  assert.equal(doc.templates.length, 1);
  assert.equal(doc.consents.length, 1);
  assert.deepEqual(
    doc.snapshots.map((s) => Buffer.from(s.image_base64, 'base64').toString()),
    ['alice-jpeg'],
  );
  for (const other of ['bob', 'Bob Dobalina', Buffer.from('bob-jpeg').toString('base64')])
    assert.equal(text.includes(other), false, `export mentions ${other}`);

  const missing = facegate(dir, 'privacy', 'export', 'nobody');
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /nobody/);
  assert.equal(missing.stdout, '');
});
