import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { makeEvent } from '../../../daemon/core/index.ts';
import { adminHarness, multipart, setUpAdmin, type AdminHarness } from '../../support/admin.ts';

async function ready(change?: Parameters<typeof adminHarness>[0]): Promise<{ h: AdminHarness; headers: Record<string, string> }> {
  const h = await adminHarness(change);
  return { h, headers: await setUpAdmin(h) };
}

const jpeg = (w: number, h: number) =>
  sharp({ create: { width: w, height: h, channels: 3, background: { r: 180, g: 140, b: 120 } } })
    .jpeg()
    .toBuffer();

test('status and health: version, uptime, backend, models, camera fps, temperature, door state', async () => {
  const { h, headers } = await ready();
  const res = await h.server.app.inject({ url: '/api/status', headers });
  assert.equal(res.statusCode, 200);
  const s = res.json();
  assert.equal(s.version, '9.9.9-test');
  assert.equal(typeof s.uptime_s, 'number');
  assert.deepEqual(s.vision, { backend: 'wasm', models: ['stand-in'], ready: true });
  assert.deepEqual(s.camera, { state: 'running', fps: 9.5, dropped_frames: 0 });
  assert.equal(s.temperature_c, 51.2);
  assert.deepEqual(s.doors, [{ door: 'front', lock: 'locked', position: 'closed', mode: 'normal', alarm: 'none', held_unlocked_until: null }]);
  h.doors.state.get('front')!.alarm = 'forced';
  // The details (problems, version, uptime) are a signed-in viewer's; a stranger learns only that it is up.
  const health = await h.server.app.inject({ url: '/api/health', headers });
  assert.equal(health.statusCode, 200);
  assert.deepEqual(health.json().problems, ['door front: forced']);
  assert.equal(health.json().status, 'degraded');
  const made = await h.server.app.inject({ method: 'POST', url: '/api/tokens', headers, payload: { name: 'probe', role: 'viewer' } });
  const viewer = await h.server.app.inject({ url: '/api/health', headers: { authorization: `Bearer ${(made.json() as { token: string }).token}` } });
  assert.equal(viewer.json().status, 'degraded');
  assert.equal(viewer.json().version, '9.9.9-test');
});

test('public health says up only: no version, problems, camera, vision, door alarm or temperature without a viewer', async () => {
  const { h } = await ready();
  h.doors.state.get('front')!.alarm = 'forced';
  for (const headers of [{}, { authorization: 'Bearer fgt_not-a-real-token-at-all' }, { cookie: 'fg_session=forged' }]) {
    const res = await h.server.app.inject({ url: '/api/health', headers });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok' }, JSON.stringify(headers));
    for (const leak of ['9.9.9', 'forced', 'uptime', 'wasm', '51.2']) assert.ok(!res.body.includes(leak), leak);
  }
});

test('people: create, list, get, rename, validity, schedule, export, erase; every change audited', async () => {
  const { h, headers } = await ready();
  const created = await h.server.app.inject({ method: 'POST', url: '/api/people', headers, payload: { name: 'Zoë Ångström 李小龍 👩‍🔬' } });
  assert.equal(created.statusCode, 201);
  const id = created.json().id as string;
  assert.equal(created.json().name, 'Zoë Ångström 李小龍 👩‍🔬');
  assert.equal((await h.server.app.inject({ url: '/api/people', headers })).json().people.length, 1);
  const patched = await h.server.app.inject({
    method: 'PATCH',
    url: `/api/people/${id}`,
    headers,
    payload: {
      name: 'Zoe',
      valid_from: '2026-01-01T00:00:00Z',
      valid_until: '2027-01-01T00:00:00Z',
      schedule: { timezone: 'Europe/Paris', windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '07:00', to: '19:00' }] },
    },
  });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.deepEqual(patched.json().schedule, { timezone: 'Europe/Paris', windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '07:00', to: '19:00' }] });
  assert.equal(patched.json().valid_until, '2027-01-01T00:00:00Z');
  assert.equal((await h.server.app.inject({ url: `/api/people/${id}`, headers })).json().name, 'Zoe');
  const exported = await h.server.app.inject({ url: `/api/people/${id}/export`, headers });
  assert.equal(exported.statusCode, 200);
  assert.match(String(exported.headers['content-disposition']), /attachment/);
  assert.equal(exported.json().person.name, 'Zoe');
  const erased = await h.server.app.inject({ method: 'DELETE', url: `/api/people/${id}`, headers });
  assert.deepEqual(erased.json(), { ok: true });
  assert.equal((await h.server.app.inject({ url: `/api/people/${id}`, headers })).statusCode, 404);
  const actions = h.audit
    .list({})
    .map((e) => e.action)
    .reverse();
  assert.deepEqual(actions, ['auth.setup', 'person.create', 'person.update', 'person.export', 'person.erase']);
  assert.equal(h.audit.verify().ok, true);
});

test('people: 404 for an unknown person on every person route, with the id in the message', async () => {
  const { h, headers } = await ready();
  const cases = [
    ['GET', '/api/people/nobody'],
    ['PATCH', '/api/people/nobody'],
    ['DELETE', '/api/people/nobody'],
    ['GET', '/api/people/nobody/export'],
    ['POST', '/api/people/nobody/templates/camera'],
  ] as const;
  for (const [method, url] of cases) {
    const res = await h.server.app.inject({ method, url, headers, payload: method === 'PATCH' ? { name: 'x' } : undefined });
    assert.equal(res.statusCode, 404, `${method} ${url}`);
    assert.deepEqual(res.json(), { error: 'not_found', message: 'person nobody not found' });
  }
  const upload = multipart([{ name: 'a.jpg', bytes: await jpeg(200, 200) }]);
  const res = await h.server.app.inject({
    method: 'POST',
    url: '/api/people/nobody/templates',
    headers: { ...headers, ...upload.headers },
    payload: upload.payload,
  });
  assert.equal(res.statusCode, 404);
  const route = await h.server.app.inject({ url: '/api/nothing-here', headers });
  assert.deepEqual(route.json(), { error: 'not_found', message: 'no route GET /api/nothing-here' });
});

test('validation: exact messages for wrong types, blank, too long and control-character names, bad dates; nothing stored', async () => {
  const { h, headers } = await ready();
  const post = (payload: unknown) => h.server.app.inject({ method: 'POST', url: '/api/people', headers, payload: payload as object });
  const cases: [unknown, string][] = [
    [{ name: 42 }, 'body/name must be string'],
    [{}, "body must have required property 'name'"],
    [{ name: '' }, 'body/name must NOT have fewer than 1 characters'],
    [{ name: 'x'.repeat(101) }, 'body/name must NOT have more than 100 characters'],
    [{ name: '   ' }, 'body/name must match pattern "^[^\\p{Cc}]*[^\\p{Cc}\\s][^\\p{Cc}]*$"'],
    [{ name: 'Bob\u0000; DROP TABLE' }, 'body/name must match pattern "^[^\\p{Cc}]*[^\\p{Cc}\\s][^\\p{Cc}]*$"'],
    [{ name: 'Ann', valid_from: 'yesterday' }, 'body/valid_from must match format "date-time"'],
    [{ name: 'Ann', admin: true }, 'body must NOT have additional properties'],
    [{ name: 'Ann', valid_from: '2027-01-01T00:00:00Z', valid_until: '2026-01-01T00:00:00Z' }, 'body/valid_until must be later than valid_from'],
    [{ name: 'Ann', schedule: { timezone: 'UTC', windows: [] } }, 'body/schedule/windows must NOT have fewer than 1 items'],
    [
      { name: 'Ann', schedule: { timezone: 'UTC', windows: [{ days: ['mon'], from: '25:00', to: '19:00' }] } },
      'body/schedule/windows/0/from must match pattern "^([01][0-9]|2[0-3]):[0-5][0-9]$"',
    ],
  ];
  for (const [payload, message] of cases) {
    const res = await post(payload);
    assert.equal(res.statusCode, 422, JSON.stringify(payload));
    assert.deepEqual(res.json(), { error: 'validation_failed', message }, JSON.stringify(payload));
  }
  // 100 code points of 4-byte UTF-8 is fine: the limit is characters, not bytes.
  assert.equal((await post({ name: '😀'.repeat(100) })).statusCode, 201);
  assert.equal(h.people.people.size, 1);
  const badId = await h.server.app.inject({ url: '/api/people/..%2F..%2Fetc%2Fpasswd', headers });
  assert.equal(badId.statusCode, 422);
  assert.deepEqual(badId.json(), { error: 'validation_failed', message: 'params/id must match pattern "^[A-Za-z0-9_-]{1,64}$"' });
  const emptyPatch = await h.server.app.inject({ method: 'PATCH', url: '/api/people/p1', headers, payload: {} });
  assert.deepEqual(emptyPatch.json(), { error: 'validation_failed', message: 'body must NOT have fewer than 1 properties' });
});

test('malformed JSON → 400, wrong content type → 415, huge JSON body → 413; nothing stored', async () => {
  const { h, headers } = await ready();
  const json = { ...headers, 'content-type': 'application/json' };
  const malformed = await h.server.app.inject({ method: 'POST', url: '/api/people', headers: json, payload: '{"name": "Ann",' });
  assert.equal(malformed.statusCode, 400);
  assert.equal(malformed.json().error, 'bad_request');
  assert.match(malformed.json().message, /^malformed JSON body: /);
  const xml = await h.server.app.inject({
    method: 'POST',
    url: '/api/people',
    headers: { ...headers, 'content-type': 'application/xml' },
    payload: '<name>Ann</name>',
  });
  assert.equal(xml.statusCode, 415);
  assert.equal(xml.json().error, 'unsupported_media_type');
  const huge = await h.server.app.inject({
    method: 'POST',
    url: '/api/people',
    headers: json,
    payload: JSON.stringify({ name: 'A', pad: 'x'.repeat(200 * 1024) }),
  });
  assert.equal(huge.statusCode, 413);
  assert.equal(huge.json().error, 'payload_too_large');
  assert.equal(h.people.calls.length, 0);
});

test('photo upload: verdict per file with the face box; non-image 415, corrupt 422, oversize 413, path in file name 400 — nothing enrolled', async () => {
  const { h, headers } = await ready((c) => {
    c.admin.upload_limit_mb = 1;
  });
  const id = (await h.server.app.inject({ method: 'POST', url: '/api/people', headers, payload: { name: 'Ada' } })).json().id as string;
  const url = `/api/people/${id}/templates`;
  const send = (files: Parameters<typeof multipart>[0], field?: string) => {
    const m = multipart(files, field);
    return h.server.app.inject({ method: 'POST', url, headers: { ...headers, ...m.headers }, payload: m.payload });
  };
  const good = await jpeg(300, 240);

  const text = await send([
    { name: 'a.jpg', bytes: good },
    { name: 'notes.jpg', bytes: Buffer.from('just some text, not a photo'), type: 'image/jpeg' },
  ]);
  assert.equal(text.statusCode, 415);
  assert.deepEqual(text.json(), { error: 'unsupported_media_type', message: '"notes.jpg" is not a JPEG, PNG or WebP image' });

  const corrupt = await send([{ name: 'cut.jpg', bytes: good.subarray(0, Math.floor(good.length / 2)) }]);
  assert.equal(corrupt.statusCode, 422);
  assert.equal(corrupt.json().error, 'unreadable_image');

  const big = await send([{ name: 'big.jpg', bytes: Buffer.concat([good, Buffer.alloc(1024 * 1024 + 10)]) }]);
  assert.equal(big.statusCode, 413);
  assert.equal(big.json().error, 'payload_too_large');

  for (const name of ['../../etc/passwd', '..\\..\\boot.ini', '/etc/shadow']) {
    const res = await send([{ name, bytes: good }]);
    assert.equal(res.statusCode, 400, name);
    assert.deepEqual(res.json(), { error: 'bad_request', message: 'file name must be a plain name, without a path' });
  }
  const wrongField = await send([{ name: 'a.jpg', bytes: good }], 'file');
  assert.deepEqual(wrongField.json(), { error: 'bad_request', message: 'unexpected file field "file"; use "photo"' });
  const notMultipart = await h.server.app.inject({ method: 'POST', url, headers, payload: { photo: 'x' } });
  assert.equal(notMultipart.statusCode, 415);
  assert.equal(h.people.calls.filter((c) => c === 'addTemplateFromPhoto').length, 0, 'no file reached enrollment');
  assert.equal(h.people.get(id)?.templates, 0);

  const ok = await send([
    { name: 'front.jpg', bytes: good },
    {
      name: 'tiny.png',
      bytes: await sharp({ create: { width: 60, height: 60, channels: 3, background: '#888' } })
        .png()
        .toBuffer(),
      type: 'image/png',
    },
  ]);
  assert.equal(ok.statusCode, 200, ok.body);
  const body = ok.json();
  assert.equal(body.templates, 1);
  assert.deepEqual(
    body.results.map((r: { file: string; added: boolean }) => [r.file, r.added]),
    [
      ['front.jpg', true],
      ['tiny.png', false],
    ],
  );
  assert.deepEqual(body.results[0].verdict, { ok: true, reasons: [], box: { x: 90, y: 60, width: 120, height: 120 }, image_width: 300, image_height: 240 });
  assert.deepEqual(body.results[1].verdict.reasons, ['too small']);
});

test('events: filter by type, door and time, page with next_before; bad query → 422', async () => {
  const { h, headers } = await ready();
  const base = Date.parse('2026-03-01T10:00:00Z');
  for (let i = 0; i < 7; i++)
    h.bus.emit('event', makeEvent({ door: i % 2 ? 'back' : 'front', type: i % 3 ? 'access_denied' : 'access_granted', subject: `p_${i}` }, base + i * 60_000));
  const all = await h.server.app.inject({ url: '/api/events?limit=3', headers });
  const page1 = all.json();
  assert.equal(page1.events.length, 3);
  assert.equal(page1.events[0].event.subject, 'p_6');
  const page2 = (await h.server.app.inject({ url: `/api/events?limit=3&before=${page1.next_before}`, headers })).json();
  assert.deepEqual(
    page2.events.map((e: { event: { subject: string } }) => e.event.subject),
    ['p_3', 'p_2', 'p_1'],
  );
  const granted = (await h.server.app.inject({ url: '/api/events?type=access_granted', headers })).json();
  assert.deepEqual(
    granted.events.map((e: { event: { subject: string } }) => e.event.subject),
    ['p_6', 'p_3', 'p_0'],
  );
  assert.equal(granted.next_before, null);
  const back = (await h.server.app.inject({ url: '/api/events?door=back&from=2026-03-01T10:02:00Z&to=2026-03-01T10:05:00Z', headers })).json();
  assert.deepEqual(
    back.events.map((e: { event: { subject: string } }) => e.event.subject),
    ['p_3'],
  );
  const bad = await h.server.app.inject({ url: '/api/events?type=party&limit=0', headers });
  assert.equal(bad.statusCode, 422);
  assert.equal(bad.json().error, 'validation_failed');
  const limit = await h.server.app.inject({ url: '/api/events?limit=5000', headers });
  assert.deepEqual(limit.json(), { error: 'validation_failed', message: 'querystring/limit must be <= 500' });
});

test('door: unlock once, hold until, lockdown refuses unlock, unknown door 404, past hold 422; all audited', async () => {
  const { h, headers } = await ready();
  const post = (url: string, payload?: object) => h.server.app.inject({ method: 'POST', url, headers, payload });
  const unlock = await post('/api/doors/front/unlock');
  assert.equal(unlock.json().accepted, true);
  assert.equal(unlock.json().status.lock, 'unlocked');
  const until = new Date(Date.now() + 3600_000).toISOString();
  const hold = await post('/api/doors/front/hold', { until });
  assert.equal(hold.json().status.mode, 'held_unlocked');
  assert.equal(hold.json().status.held_unlocked_until, until);
  const past = await post('/api/doors/front/hold', { until: '2000-01-01T00:00:00Z' });
  assert.deepEqual(past.json(), { error: 'validation_failed', message: 'body/until must be in the future' });
  const lockdown = await post('/api/doors/front/lockdown', { on: true });
  assert.equal(lockdown.json().status.mode, 'lockdown');
  const refused = await post('/api/doors/front/unlock');
  assert.equal(refused.statusCode, 200);
  assert.equal(refused.json().accepted, false);
  assert.equal(refused.json().status.lock, 'locked');
  const nope = await post('/api/doors/garage/unlock');
  assert.deepEqual(nope.json(), { error: 'not_found', message: 'door garage not found' });
  const badBody = await post('/api/doors/front/lockdown', { on: 'yes' });
  assert.deepEqual(badBody.json(), { error: 'validation_failed', message: 'body/on must be boolean' });
  const doorAudit = h.audit
    .list({})
    .filter((e) => e.action.startsWith('door.'))
    .map((e) => [e.action, (e.detail as { accepted: boolean }).accepted])
    .reverse();
  assert.deepEqual(doorAudit, [
    ['door.unlock', true],
    ['door.hold', true],
    ['door.lockdown', true],
    ['door.unlock', false],
  ]);
});

test('door: a jammed lock (its output could not be locked) is shown as jammed, not refused by the response schema', async () => {
  const { h, headers } = await ready();
  h.doors.state.get('front')!.lock = 'jammed';
  const res = await h.server.app.inject({ url: '/api/doors', headers });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal((res.json() as { doors: { door: string; lock: string }[] }).doors.find((d) => d.door === 'front')?.lock, 'jammed');
});

test('settings: effective config with secrets redacted; runtime keys change, persist and are audited; bad values change nothing', async () => {
  const { h, headers } = await ready((c) => {
    c.mqtt.password = 'hunter2-secret';
  });
  const read = await h.server.app.inject({ url: '/api/settings', headers });
  assert.equal(read.statusCode, 200);
  assert.ok(!read.body.includes('hunter2-secret'));
  assert.equal(read.json().effective.mqtt.password, '[redacted]');
  assert.ok(read.json().runtime_changeable.includes('daemon.log_level'));
  const bad = await h.server.app.inject({ method: 'PATCH', url: '/api/settings', headers, payload: { daemon: { log_level: 'loud' } } });
  assert.equal(bad.statusCode, 422);
  const notRuntime = await h.server.app.inject({ method: 'PATCH', url: '/api/settings', headers, payload: { admin: { port: 1 } } });
  assert.deepEqual(notRuntime.json(), { error: 'validation_failed', message: 'body/admin must NOT have additional properties' });
  assert.deepEqual(h.server.settings.overrides(), {});
  let seen = '';
  h.server.settings.subscribe('daemon.log_level', (c) => {
    seen = c.daemon.log_level;
  });
  const ok = await h.server.app.inject({
    method: 'PATCH',
    url: '/api/settings',
    headers,
    payload: { daemon: { log_level: 'debug' }, admin: { session_lifetime_h: 2 } },
  });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.deepEqual(ok.json(), {
    changed: ['daemon.log_level', 'admin.session_lifetime_h'],
    applied_now: ['daemon.log_level'],
    applied_at_next_start: ['admin.session_lifetime_h'],
  });
  assert.equal(seen, 'debug');
  assert.deepEqual(h.server.settings.overrides(), { 'admin.session_lifetime_h': 2, 'daemon.log_level': 'debug' });
  assert.equal(h.audit.list({ action: 'settings.update' }).length, 1);
});

test('users, tokens and audit listing; OpenAPI documents every route', async () => {
  const { h, headers } = await ready();
  const user = await h.server.app.inject({ method: 'POST', url: '/api/users', headers, payload: { username: 'guard', password: 'short', role: 'viewer' } });
  assert.deepEqual(user.json(), { error: 'validation_failed', message: 'body/password must NOT have fewer than 10 characters' });
  const bad = await h.server.app.inject({
    method: 'POST',
    url: '/api/users',
    headers,
    payload: { username: '../root', password: 'long enough pass', role: 'viewer' },
  });
  assert.equal(bad.statusCode, 422);
  const made = await h.server.app.inject({
    method: 'POST',
    url: '/api/users',
    headers,
    payload: { username: 'guard', password: 'long enough pass', role: 'viewer' },
  });
  assert.equal(made.statusCode, 201);
  const users = (await h.server.app.inject({ url: '/api/users', headers })).json().users;
  assert.deepEqual(
    users.map((u: { username: string; role: string }) => [u.username, u.role]),
    [
      ['owner', 'admin'],
      ['guard', 'viewer'],
    ],
  );
  assert.ok(!JSON.stringify(users).includes('scrypt'));
  const audit = (await h.server.app.inject({ url: '/api/audit?limit=1', headers })).json();
  assert.equal(audit.entries.length, 1);
  assert.equal(audit.entries[0].action, 'user.create');
  assert.equal(typeof audit.next_before, 'number');

  const doc = (await h.server.app.inject({ url: '/api/openapi.json', headers })).json();
  assert.equal(doc.openapi, '3.0.3');
  for (const r of h.server.routes) {
    const path = r.url.replace(/:(\w+)/g, '{$1}');
    assert.ok(doc.paths[path]?.[r.method.toLowerCase()], `${r.method} ${path} missing from OpenAPI`);
  }
  assert.ok(doc.paths['/api/people'].post.requestBody, 'request bodies are documented');
});

test('security headers: CSP the panel satisfies, no framing, nosniff; static files cannot escape the web root', async () => {
  const { h } = await ready();
  const page = await h.server.app.inject({ url: '/' });
  assert.equal(page.statusCode, 200);
  assert.match(String(page.headers['content-type']), /text\/html/);
  const csp = String(page.headers['content-security-policy']);
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(page.headers['x-content-type-options'], 'nosniff');
  for (const url of ['/../../package.json', '/..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/package.json', '/.gitignore', '/web/../../server.ts']) {
    const res = await h.server.app.inject({ url });
    assert.ok([400, 403, 404].includes(res.statusCode), `${url} → ${res.statusCode}`);
    assert.ok(!res.body.includes('"facegate"') && !res.body.includes('createAdminServer'), url);
  }
});
