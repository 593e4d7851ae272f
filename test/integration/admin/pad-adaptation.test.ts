// A door's own PAD model over the real daemon's admin API (issue 26): accepted, replaced and
// removed as audited admin actions, kept across a restart; a door id that does not exist, a door
// without the camera, a file that is no adaptation or fits other models: a clear error and nothing
// changes; a stored file edited behind the daemon's back, or another camera: not used, and
// /api/health says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startDaemon, type RunningDaemon } from '../../../daemon/main.ts';
import { DB_FILE } from '../../../daemon/store/index.ts';
import { sha256Hex } from '../../../daemon/vision/pad/index.ts';
import { isolatedEnv } from '../../support/daemon.ts';
import { craftedAdaptation } from '../../support/pad-adaptation.ts';
import { tempDir } from '../../support/tmp.ts';

// Two doors; the camera watches front (camera.door's default). A top-level key cannot come from the env, hence a file.
const DOORS = 'doors:\n  - {id: front, name: Front, driver: simulated}\n  - {id: back, name: Back, driver: simulated, lock: {pin: 18}}\n';
const file = craftedAdaptation();

interface Session {
  base: string;
  headers: Record<string, string>;
}

async function signIn(daemon: RunningDaemon, first: boolean): Promise<Session> {
  assert.ok(daemon.admin);
  const base = `http://127.0.0.1:${new URL(daemon.admin.address ?? 'http://0.0.0.0:0').port}`;
  const creds = { username: 'owner', password: 'correct horse battery' };
  const res = first
    ? await fetch(`${base}/api/auth/setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: daemon.admin.setupCode, ...creds }),
      })
    : await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(creds) });
  assert.equal(res.status, 200, await res.clone().text());
  const jar = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { base, headers: { cookie: jar, 'x-csrf-token': /fg_csrf=([^;]+)/.exec(jar)?.[1] ?? '' } };
}

async function call(s: Session, method: string, path: string, body?: unknown, raw?: string) {
  const res = await fetch(`${s.base}${path}`, {
    method,
    headers: { ...s.headers, ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(raw !== undefined ? { body: raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { status?: Record<string, unknown>; message?: string } };
}

const health = async (s: Session) => (await call(s, 'GET', '/api/health')).body as unknown as { status: string; problems: string[] };
const audited = async (s: Session, action: string) =>
  ((await call(s, 'GET', `/api/audit?action=${action}`)).body.entries as { actor: string; target: string; detail: Record<string, unknown> }[]) ?? [];

test('accept, replace, refuse, restart, tamper, another camera, remove: over HTTP on the real daemon', { timeout: 120_000 }, async () => {
  const dir = tempDir('facegate-adapt-daemon-');
  const configFile = join(tempDir('facegate-adapt-config-'), 'facegate.yaml');
  writeFileSync(configFile, DOORS);
  const start = (extra: NodeJS.ProcessEnv = {}) => startDaemon({ configFile, env: isolatedEnv(dir, { FACEGATE_DAEMON__LOG_LEVEL: 'silent', ...extra }) });
  let daemon = await start();
  try {
    let s = await signIn(daemon, true);
    const none = await call(s, 'GET', '/api/doors/front/pad-adaptation');
    assert.equal(none.status, 200);
    assert.equal(none.body.state, 'none');

    const accepted = await call(s, 'PUT', '/api/doors/front/pad-adaptation', file);
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.equal(accepted.body.changed, false);
    const st = accepted.body.status as {
      state: string;
      sha256: string;
      accepted_by: string;
      camera: string;
      adaptation: { level: string; before: unknown; after: unknown };
    };
    assert.equal(st.state, 'active');
    assert.equal(st.sha256, sha256Hex(Buffer.from(JSON.stringify(file))));
    assert.equal(st.accepted_by, 'user:owner');
    assert.equal(st.camera, 'none:none 640x480');
    assert.deepEqual(st.adaptation.after, file.report.after);
    assert.ok(!JSON.stringify(accepted.body).includes('weights'), 'the API shows figures, never the weights');
    const [acceptRow] = await audited(s, 'pad.adaptation.accept');
    assert.deepEqual([acceptRow?.actor, acceptRow?.target, acceptRow?.detail.sha256], ['user:owner', 'front', st.sha256]);
    assert.deepEqual((await health(s)).problems, []);

    const replaced = await call(s, 'PUT', '/api/doors/front/pad-adaptation', { ...file, createdAt: '2026-12-08T09:00:00.000Z' });
    assert.equal(replaced.body.changed, true);
    assert.equal((await audited(s, 'pad.adaptation.replace')).length, 1);
    const current = (replaced.body.status as { sha256: string }).sha256;

    // Refusals: a clear error each, and the accepted adaptation stays as it was.
    const refusals: [string, string, unknown, number, RegExp][] = [
      ['no such door', '/api/doors/garage/pad-adaptation', file, 404, /door garage not found/],
      ['a door without the camera', '/api/doors/back/pad-adaptation', file, 422, /has no camera/],
      [
        'not an adaptation',
        '/api/doors/front/pad-adaptation',
        { format: 'facegate-pad-adaptation', version: 1 },
        422,
        /not a facegate-pad-adaptation v1 file|level must be/,
      ],
      ['a loosened CNN veto', '/api/doors/front/pad-adaptation', { ...file, clearSpoofCnn: 0 }, 422, /veto cannot be loosened/],
      ['other models', '/api/doors/front/pad-adaptation', { ...file, models: { ...file.models, fusion: 'a'.repeat(64) } }, 422, /stale/],
      ['another format', '/api/doors/front/pad-adaptation', { format: 'something-else' }, 422, /format/],
      ['a bad door id', '/api/doors/Front!/pad-adaptation', file, 422, /door/],
    ];
    for (const [what, path, body, status, message] of refusals) {
      const r = await call(s, 'PUT', path, body);
      assert.equal(r.status, status, `${what}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.message ?? '', message, what);
    }
    const malformed = await call(s, 'PUT', '/api/doors/front/pad-adaptation', undefined, '{"format": "facegate-pad-');
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.message ?? '', /malformed JSON/);
    const huge = await call(s, 'PUT', '/api/doors/front/pad-adaptation', { ...file, padding: 'x'.repeat(300 * 1024) });
    assert.equal(huge.status, 413);
    assert.equal((await call(s, 'GET', '/api/doors/garage/pad-adaptation')).status, 404);
    const after = await call(s, 'GET', '/api/doors/front/pad-adaptation');
    assert.deepEqual([after.body.state, after.body.sha256], ['active', current]);
    assert.equal(
      (await audited(s, 'pad.adaptation.accept')).length + (await audited(s, 'pad.adaptation.replace')).length,
      2,
      'refusals are not recorded as changes',
    );

    // Kept across a restart.
    await daemon.stop('test');
    daemon = await start();
    s = await signIn(daemon, false);
    assert.equal((await call(s, 'GET', '/api/doors/front/pad-adaptation')).body.state, 'active');

    // Another camera: kept, not used, and health says so.
    await daemon.stop('test');
    daemon = await start({ FACEGATE_CAMERA__WIDTH: '1280', FACEGATE_CAMERA__HEIGHT: '720' });
    s = await signIn(daemon, false);
    const stale = await call(s, 'GET', '/api/doors/front/pad-adaptation');
    assert.equal(stale.body.state, 'stale');
    assert.match(String(stale.body.problem), /the camera is now "none:none 1280x720"/);
    const h = await health(s);
    assert.equal(h.status, 'degraded');
    assert.ok(
      h.problems.some((p) => p.startsWith('door front: PAD adaptation stale, the shipped model judges')),
      JSON.stringify(h.problems),
    );

    // The stored file edited behind the daemon's back (a looser threshold): refused at start, said why.
    await daemon.stop('test');
    const db = new Database(join(dir, DB_FILE));
    db.prepare("UPDATE pad_adaptations SET file = ? WHERE door = 'front'").run(
      Buffer.from(JSON.stringify({ ...file, thresholds: { ...file.thresholds, balanced: 0.01 } })),
    );
    db.close();
    daemon = await start();
    s = await signIn(daemon, false);
    const tampered = await call(s, 'GET', '/api/doors/front/pad-adaptation');
    assert.equal(tampered.body.state, 'invalid');
    assert.match(String(tampered.body.problem), /has changed since it was accepted/);
    assert.ok((await health(s)).problems.some((p) => p.includes('PAD adaptation invalid')));

    // Removed: the shipped model again, audited once; removing nothing changes nothing.
    const removed = await call(s, 'DELETE', '/api/doors/front/pad-adaptation');
    assert.deepEqual([removed.status, removed.body.changed, (removed.body.status as { state: string }).state], [200, true, 'none']);
    assert.equal((await call(s, 'DELETE', '/api/doors/front/pad-adaptation')).body.changed, false);
    assert.equal((await audited(s, 'pad.adaptation.remove')).length, 1);
    assert.deepEqual((await health(s)).problems, []);
  } finally {
    await daemon.stop('test');
  }
});

test('with PAD off there is no PAD model to adapt: 503 with the reason', { timeout: 60_000 }, async () => {
  const dir = tempDir('facegate-adapt-off-');
  const daemon = await startDaemon({ env: isolatedEnv(dir, { FACEGATE_DAEMON__LOG_LEVEL: 'silent', FACEGATE_PAD__ENABLED: 'false' }) });
  try {
    const s = await signIn(daemon, true);
    const r = await call(s, 'PUT', '/api/doors/front/pad-adaptation', file);
    assert.equal(r.status, 503);
    assert.match(r.body.message ?? '', /pad.enabled is false/);
  } finally {
    await daemon.stop('test');
  }
});
