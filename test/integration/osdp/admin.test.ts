// A person's card and the reader's state over the real daemon's admin API (its worker thread and
// RPC to the main thread): set, read, refused, removed, audited without the number.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { startDaemon, type RunningDaemon } from '../../../daemon/main.ts';
import { ptyPair, type PtyPair } from '../../support/osdp-cp.ts';
import { osdpDaemonEnv, osdpData } from '../../support/osdp-store.ts';
import { tempDir } from '../../support/tmp.ts';

const dir = tempDir('facegate-osdp-admin-');
const dataDir = join(dir, 'data');
let daemon: RunningDaemon;
let pty: PtyPair;
let base = '';
let headers: Record<string, string> = {};

before(async () => {
  mkdirSync(dataDir);
  const { db, store } = osdpData(dataDir, ['alice']);
  store.setCredential('alice', { format: 'wiegand26', facility: 1, card: 2 });
  db.close();
  pty = await ptyPair(dir);
  daemon = await startDaemon({
    env: osdpDaemonEnv(dataDir, pty.pdPath),
  });
  assert.ok(daemon.admin);
  base = `http://127.0.0.1:${new URL(daemon.admin.address ?? 'http://0.0.0.0:0').port}`;
  const res = await fetch(`${base}/api/auth/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: daemon.admin.setupCode, username: 'owner', password: 'correct horse battery' }),
  });
  assert.equal(res.status, 200);
  const jar = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  headers = { cookie: jar, 'x-csrf-token': /fg_csrf=([^;]+)/.exec(jar)?.[1] ?? '' };
});

after(async () => {
  await daemon?.stop('test');
  await pty?.cut();
});

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

void test('GET /api/osdp: the reader’s line is open, no panel yet, no secure channel configured', async () => {
  const r = await call('GET', '/api/osdp');
  assert.equal(r.status, 200);
  assert.deepEqual(
    { ...r.body, led: null },
    {
      enabled: true,
      line: 'open',
      panel: 'offline',
      led: null,
      buzzer: null,
      outputs: [false],
      credentialsSent: 0,
      credentialsWaiting: 0,
      secureChannel: 'off',
      installMode: false,
    },
  );
});

void test('a person’s card: read, replaced, refused when it cannot be sent, removed; every change audited without the number', async () => {
  assert.deepEqual((await call('GET', '/api/people/alice/card')).body, { credential: { format: 'wiegand26', facility: 1, card: 2 } });
  const set = await call('PUT', '/api/people/alice/card', { format: 'wiegand34', facility: 4242, card: 31337 });
  assert.equal(set.status, 200, JSON.stringify(set.body));
  assert.deepEqual((await call('GET', '/api/people/alice/card')).body, { credential: { format: 'wiegand34', facility: 4242, card: 31337 } });
  assert.equal(
    (await call('PUT', '/api/people/alice/card', { format: 'wiegand26', facility: 300, card: 1 })).status,
    422,
    'the schema refuses a facility past 255',
  );
  const raw = await call('PUT', '/api/people/alice/card', { format: 'raw', bits: 26, hex: '1234' });
  assert.equal(raw.status, 422);
  assert.match(String(raw.body.message), /raw: hex must be 4 bytes for 26 bits/);
  assert.equal((await call('GET', '/api/people/nobody/card')).status, 404);
  assert.equal((await call('PUT', '/api/people/nobody/card', { format: 'raw', bits: 8, hex: 'ff' })).status, 404);
  assert.deepEqual((await call('DELETE', '/api/people/alice/card')).body, { credential: null });
  const audit = (await call('GET', '/api/audit?action=osdp.credential.set')).body.entries as { target: string; detail: Record<string, unknown> }[];
  assert.equal(audit.length, 1);
  assert.equal(audit[0]?.target, 'alice');
  assert.equal(audit[0]?.detail.format, 'wiegand34');
  assert.doesNotMatch(JSON.stringify(audit), /31337|4242/);
  assert.equal(((await call('GET', '/api/audit?action=osdp.credential.clear')).body.entries as unknown[]).length, 1);
});
