import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startDaemon } from '../../../daemon/main.ts';
import { makeEvent } from '../../../daemon/core/index.ts';
import { EventStore, openDatabase, prepareDataDir } from '../../../daemon/store/index.ts';
import { AuditLog } from '../../../daemon/privacy/index.ts';
import { dataDir } from '../../support/privacy.ts';

function configFor(dir: string): string {
  const file = join(dir, 'facegate.yaml');
  writeFileSync(file, `daemon:\n  data_dir: ${join(dir, 'data')}\n  log_level: silent\nadmin:\n  enabled: false\n`);
  return file;
}

async function startFails(configFile: string, code: string, pattern: RegExp): Promise<void> {
  await assert.rejects(startDaemon({ configFile, env: {} }), (err: unknown) => {
    assert.equal((err as { code?: string }).code, code, String(err));
    assert.match((err as Error).message, pattern);
    return true;
  });
}

void test('the daemon writes audit rows for start and stop, and refuses to start with a wrong key, lost key shares or an open key file', async () => {
  const dir = dataDir();
  const configFile = configFor(dir);
  const data = join(dir, 'data');
  prepareDataDir(data);

  // An event from 40 days ago waits in the database: retention removes it when the daemon starts.
  const pre = openDatabase(data);
  const old = { ...makeEvent({ door: 'front', type: 'unknown_face' }), ts: new Date(Date.now() - 40 * 86_400_000).toISOString() };
  const fresh = makeEvent({ door: 'front', type: 'unknown_face' });
  new EventStore(pre).append(old);
  new EventStore(pre).append(fresh);
  pre.close();

  const first = await startDaemon({ configFile, env: {} });
  first.privacy.persons.create('alice');
  const keyId = first.privacy.keys.id;
  await first.stop('test');

  const db = openDatabase(data);
  const rows = new AuditLog(db).list({});
  assert.deepEqual(
    rows.map((r) => r.action),
    ['daemon.stop', 'retention.purge', 'daemon.start'],
  );
  assert.deepEqual(rows[0]?.detail, { reason: 'test' });
  assert.deepEqual(rows[1]?.detail, { events: 1, mqtt_outbox: 0, snapshots: 0, person_drafts: 0 });
  const ids = new EventStore(db).query({}).map((e) => e.event.id);
  assert.equal(ids.includes(old.id), false, 'the 40-day-old event was purged');
  assert.equal(ids.includes(fresh.id), true, 'the fresh event was kept');
  assert.equal(new AuditLog(db).verify().ok, true);
  db.close();

  // The key file opened to others: refused, nothing else touched.
  chmodSync(join(data, 'device.key'), 0o644);
  await startFails(configFile, 'key_permissions', /device\.key is readable or writable by group\/others \(mode 644\)/);
  chmodSync(join(data, 'device.key'), 0o600);

  // Another device's key (or a database copied from another device): refused with both ids.
  const realKey = join(data, 'device.key.real');
  renameSync(join(data, 'device.key'), realKey);
  writeFileSync(join(data, 'device.key'), randomBytes(32).toString('hex'), { mode: 0o600 });
  await startFails(configFile, 'key_mismatch', new RegExp(`sealed with device key ${keyId}.*another device`));
  renameSync(realKey, join(data, 'device.key'));

  // The key shares lost: refused rather than starting with an empty gallery.
  rmSync(join(data, 'keys'), { recursive: true });
  await startFails(configFile, 'keys_missing', /1 enrolled persons but none of their key shares/);
});
