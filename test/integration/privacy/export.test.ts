import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startDaemon } from '../../../daemon/main.ts';
import { FACEGATE_BIN } from '../../support/daemon.ts';
import { passBy, personDataEnv, seedPeople } from '../../support/person-data.ts';
import { dataDir } from '../../support/privacy.ts';

/**
 * One subject-access document (issue 17 item 14): the admin panel's export and
 * `facegate privacy export` give the same document from the same store, snapshots included.
 */

interface Doc {
  exported_at: string;
  audit: unknown[];
  snapshots?: { image_base64: string }[];
  [k: string]: unknown;
}

void test('the admin export and `facegate privacy export` give the same document, snapshots included', async () => {
  const dir = dataDir();
  const { alice, bob } = seedPeople(dir);
  const env = personDataEnv(dir);
  const daemon = await startDaemon({ env });
  try {
    passBy(daemon, alice);
    passBy(daemon, bob);
    assert.ok(daemon.admin);
    const base = `http://127.0.0.1:${new URL(daemon.admin.address ?? 'http://0.0.0.0:0').port}`;
    const setup = await fetch(`${base}/api/auth/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: daemon.admin.setupCode, username: 'owner', password: 'correct horse battery' }),
    });
    assert.equal(setup.status, 200);
    const cookie = setup.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');

    const res = await fetch(`${base}/api/people/${alice.id}/export`, { headers: { cookie } });
    assert.equal(res.status, 200);
    const fromAdmin = (await res.json()) as Doc;
    // Beside the running daemon, as an operator runs it.
    const cli = spawnSync(process.execPath, [FACEGATE_BIN, 'privacy', 'export', alice.id], { env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(cli.status, 0, cli.stderr);
    const fromCli = JSON.parse(cli.stdout) as Doc;

    assert.deepEqual(
      fromAdmin.snapshots?.map((s) => Buffer.from(s.image_base64, 'base64').toString()),
      [`${alice.id}-jpeg`],
    );
    // The card an access-control panel knows her by (osdp), opened from under her key.
    assert.deepEqual((fromAdmin.person as Record<string, unknown>).osdp_credentials, { format: 'wiegand26', facility: 1, card: alice.id.length });
    // The audit part (newest first) grows by the first export's own rows; everything else is the same.
    const { exported_at: _a, audit: adminAudit, ...adminRest } = fromAdmin;
    const { exported_at: _c, audit: cliAudit, ...cliRest } = fromCli;
    assert.deepEqual(cliRest, adminRest);
    assert.deepEqual(cliAudit.slice(cliAudit.length - adminAudit.length), adminAudit);
    assert.ok(cliAudit.length > adminAudit.length, 'the admin export is in the audit part of the next one');
    for (const other of [bob.id, bob.subject]) assert.equal(JSON.stringify(fromAdmin).includes(other), false, `the export mentions ${other}`);
  } finally {
    await daemon.stop('test');
  }
});
