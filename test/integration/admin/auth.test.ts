import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createAdminServer } from '../../../daemon/admin/index.ts';
import { adminHarness, sessionHeaders, setUpAdmin } from '../../support/admin.ts';

test('first start: a one-time setup code in the log and in <data_dir>/setup-code (0600); no default password', async () => {
  const h = await adminHarness();
  const code = h.server.setupCode;
  assert.match(code ?? '', /^[A-Z2-9]{5}-[A-Z2-9]{5}-[A-Z2-9]{5}$/);
  const file = join(h.dataDir, 'setup-code');
  assert.equal(readFileSync(file, 'utf8').trim(), code);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const state = await h.server.app.inject({ url: '/api/auth/state' });
  assert.deepEqual(state.json(), { setup_required: true, authenticated: false, me: null });
  // Nobody can sign in before setup: there is no account, default or otherwise.
  for (const username of ['admin', 'root', 'facegate']) {
    const res = await h.server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: username } });
    assert.equal(res.statusCode, 401);
  }
});

test('the setup code works once: the first admin is made, the file goes, a second use is refused', async () => {
  const h = await adminHarness();
  const bad = await h.server.app.inject({
    method: 'POST',
    url: '/api/auth/setup',
    payload: { code: 'AAAAA-BBBBB-CCCCC', username: 'owner', password: 'correct horse battery' },
  });
  assert.equal(bad.statusCode, 401);
  assert.equal(bad.json().error, 'unauthorized');

  const ok = await h.server.app.inject({
    method: 'POST',
    url: '/api/auth/setup',
    payload: { code: (h.server.setupCode ?? '').toLowerCase().replaceAll('-', ' '), username: 'owner', password: 'correct horse battery' },
  });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal(ok.json().role, 'admin');
  assert.equal(existsSync(join(h.dataDir, 'setup-code')), false);
  const session = ok.cookies.find((c) => c.name === 'fg_session');
  assert.ok(session?.httpOnly);
  assert.equal(session?.sameSite, 'Strict');

  const again = await h.server.app.inject({
    method: 'POST',
    url: '/api/auth/setup',
    payload: { code: h.server.setupCode, username: 'mallory', password: 'correct horse battery' },
  });
  assert.equal(again.statusCode, 409);
  assert.deepEqual(again.json(), { error: 'conflict', message: 'setup is already done; sign in instead' });
  const users = h.db.prepare('SELECT username FROM admin_users').all();
  assert.deepEqual(users, [{ username: 'owner' }]);
  const audit = h.audit.list({ action: 'auth.setup' });
  assert.equal(audit.length, 1);
});

test('a restart before setup makes a new code and the old one stops working; after setup no code is made', async () => {
  const h = await adminHarness();
  const first = h.server.setupCode;
  const second = await createAdminServer({
    config: h.config,
    services: { ...h.services, status: { snapshot: () => ({ vision: null, camera: null, temperatureC: null }) } },
    db: h.db,
    bus: h.bus,
    log: h.log,
    transport: { https: null, source: 'plain-localhost' },
  });
  assert.notEqual(second.setupCode, first);
  const old = await second.app.inject({
    method: 'POST',
    url: '/api/auth/setup',
    payload: { code: first, username: 'owner', password: 'correct horse battery' },
  });
  assert.equal(old.statusCode, 401);
  const fresh = await second.app.inject({
    method: 'POST',
    url: '/api/auth/setup',
    payload: { code: second.setupCode, username: 'owner', password: 'correct horse battery' },
  });
  assert.equal(fresh.statusCode, 200);
  await second.stop();
  const third = await createAdminServer({
    config: h.config,
    services: { ...h.services, status: { snapshot: () => ({ vision: null, camera: null, temperatureC: null }) } },
    db: h.db,
    bus: h.bus,
    log: h.log,
    transport: { https: null, source: 'plain-localhost' },
  });
  assert.equal(third.setupCode, null);
  assert.equal(existsSync(join(h.dataDir, 'setup-code')), false);
  await third.stop();
});

test('passwords are stored as scrypt hashes, never in clear', async () => {
  const h = await adminHarness();
  await setUpAdmin(h, 'owner', 'correct horse battery');
  const row = h.db.prepare('SELECT password_hash FROM admin_users').get() as { password_hash: string };
  assert.match(row.password_hash, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
  assert.ok(!row.password_hash.includes('correct horse'));
});

test('wrong passwords are rate-limited per account: after the limit even the right password waits (429 + Retry-After)', async () => {
  const h = await adminHarness((c) => {
    c.admin.login_failures_per_account = 3;
  });
  await setUpAdmin(h);
  const login = (password: string, ip = '10.0.0.1') =>
    h.server.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: ip, payload: { username: 'owner', password } });
  for (let i = 0; i < 3; i++) assert.equal((await login('wrong password!')).statusCode, 401);
  const limited = await login('correct horse battery', '10.0.0.2');
  assert.equal(limited.statusCode, 429);
  assert.equal(limited.json().error, 'rate_limited');
  assert.ok(Number(limited.headers['retry-after']) > 0);
  assert.equal(h.audit.list({ action: 'auth.login_failed' }).length, 3);
});

test('wrong passwords are rate-limited per client address across accounts', async () => {
  const h = await adminHarness((c) => {
    c.admin.login_failures_per_client = 4;
  });
  await setUpAdmin(h);
  for (let i = 0; i < 4; i++) {
    const r = await h.server.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: '10.9.9.9',
      payload: { username: `guess${i}`, password: 'x' },
    });
    assert.equal(r.statusCode, 401);
  }
  const blocked = await h.server.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: '10.9.9.9',
    payload: { username: 'owner', password: 'correct horse battery' },
  });
  assert.equal(blocked.statusCode, 429);
  const other = await h.server.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: '10.9.9.8',
    payload: { username: 'owner', password: 'correct horse battery' },
  });
  assert.equal(other.statusCode, 200);
});

test('setup-code guesses are rate-limited per client', async () => {
  const h = await adminHarness((c) => {
    c.admin.login_failures_per_client = 2;
  });
  const guess = () =>
    h.server.app.inject({
      method: 'POST',
      url: '/api/auth/setup',
      payload: { code: 'ZZZZZ-ZZZZZ-ZZZZZ', username: 'owner', password: 'correct horse battery' },
    });
  assert.equal((await guess()).statusCode, 401);
  assert.equal((await guess()).statusCode, 401);
  assert.equal((await guess()).statusCode, 429);
  const real = await h.server.app.inject({
    method: 'POST',
    url: '/api/auth/setup',
    payload: { code: h.server.setupCode, username: 'owner', password: 'correct horse battery' },
  });
  assert.equal(real.statusCode, 429, 'the right code waits too, so the window bounds guessing');
});

test('every route except login, setup, state and health answers 401 without credentials', async () => {
  const h = await adminHarness();
  const open = new Set(['POST /api/auth/login', 'POST /api/auth/setup', 'GET /api/auth/state', 'GET /api/health']);
  assert.ok(h.server.routes.length >= 25, `only ${h.server.routes.length} routes registered`);
  for (const r of h.server.routes) {
    const key = `${r.method} ${r.url}`;
    if (open.has(key)) {
      assert.equal(r.access, 'public', key);
      continue;
    }
    assert.notEqual(r.access, 'public', key);
    const url = r.url.replace(':id', 'p1').replace(':door', 'front');
    const res = await h.server.app.inject({ method: r.method as 'GET', url, payload: r.method === 'GET' || r.method === 'DELETE' ? undefined : {} });
    assert.equal(res.statusCode, 401, key);
    assert.deepEqual(res.json(), { error: 'unauthorized', message: 'sign in first (no valid session)' }, key);
  }
});

test('CSRF: a cookie session must repeat the fg_csrf cookie in x-csrf-token for changes (403 otherwise); reads do not need it', async () => {
  const h = await adminHarness();
  const headers = await setUpAdmin(h);
  const noCsrf = { cookie: headers.cookie as string };
  const missing = await h.server.app.inject({ method: 'POST', url: '/api/people', headers: noCsrf, payload: { name: 'Ada' } });
  assert.equal(missing.statusCode, 403);
  assert.deepEqual(missing.json(), { error: 'csrf', message: 'missing or wrong x-csrf-token header (it must repeat the fg_csrf cookie)' });
  const wrong = await h.server.app.inject({
    method: 'POST',
    url: '/api/people',
    headers: { ...noCsrf, 'x-csrf-token': 'forged-value-forged-value' },
    payload: { name: 'Ada' },
  });
  assert.equal(wrong.statusCode, 403);
  assert.equal(h.people.people.size, 0, 'nothing stored');
  const read = await h.server.app.inject({ url: '/api/people', headers: noCsrf });
  assert.equal(read.statusCode, 200);
  const good = await h.server.app.inject({ method: 'POST', url: '/api/people', headers, payload: { name: 'Ada' } });
  assert.equal(good.statusCode, 201);
});

test('API tokens: shown once, stored hashed, work as Bearer without CSRF, refused once revoked', async () => {
  const h = await adminHarness();
  const headers = await setUpAdmin(h);
  const made = await h.server.app.inject({ method: 'POST', url: '/api/tokens', headers, payload: { name: 'home assistant', role: 'admin' } });
  assert.equal(made.statusCode, 201);
  const { token, info } = made.json() as { token: string; info: { id: string } };
  assert.match(token, /^fgt_[A-Za-z0-9_-]{43}$/);
  const stored = h.db.prepare('SELECT token_hash FROM admin_api_tokens').get() as { token_hash: string };
  assert.match(stored.token_hash, /^[0-9a-f]{64}$/);
  assert.ok(!JSON.stringify(h.db.prepare('SELECT * FROM admin_api_tokens').all()).includes(token));
  const listed = await h.server.app.inject({ url: '/api/tokens', headers });
  assert.ok(!listed.body.includes(token));

  const bearer = { authorization: `Bearer ${token}` };
  const use = await h.server.app.inject({ method: 'POST', url: '/api/people', headers: bearer, payload: { name: 'Grace' } });
  assert.equal(use.statusCode, 201);
  const revoke = await h.server.app.inject({ method: 'DELETE', url: `/api/tokens/${info.id}`, headers });
  assert.equal(revoke.statusCode, 200);
  const after = await h.server.app.inject({ url: '/api/people', headers: bearer });
  assert.equal(after.statusCode, 401);
  assert.deepEqual(after.json(), { error: 'unauthorized', message: 'the API token is invalid or revoked' });
  const twice = await h.server.app.inject({ method: 'DELETE', url: `/api/tokens/${info.id}`, headers });
  assert.equal(twice.statusCode, 409);
  const garbage = await h.server.app.inject({ url: '/api/people', headers: { authorization: 'Bearer fgt_not-a-real-token-at-all' } });
  assert.equal(garbage.statusCode, 401);
});

test('roles: a viewer reads but gets 403 for changes, users, tokens, settings and audit', async () => {
  const h = await adminHarness();
  const headers = await setUpAdmin(h);
  const made = await h.server.app.inject({ method: 'POST', url: '/api/tokens', headers, payload: { name: 'wall tablet', role: 'viewer' } });
  const viewer = { authorization: `Bearer ${(made.json() as { token: string }).token}` };
  assert.equal((await h.server.app.inject({ url: '/api/status', headers: viewer })).statusCode, 200);
  assert.equal((await h.server.app.inject({ url: '/api/events', headers: viewer })).statusCode, 200);
  for (const [method, url] of [
    ['POST', '/api/doors/front/unlock'],
    ['GET', '/api/users'],
    ['GET', '/api/tokens'],
    ['GET', '/api/settings'],
    ['GET', '/api/audit'],
    ['POST', '/api/people'],
  ] as const) {
    const res = await h.server.app.inject({ method, url, headers: viewer, payload: method === 'POST' ? {} : undefined });
    assert.equal(res.statusCode, 403, `${method} ${url}`);
    assert.deepEqual(res.json(), { error: 'forbidden', message: 'this needs the admin role; you are a viewer' });
  }
  assert.equal(h.doors.state.get('front')?.lock, 'locked');
});

test('sign-out ends the session; a revoked user loses their sessions; sessions expire', async () => {
  const h = await adminHarness((c) => {
    c.admin.session_lifetime_h = 0.1;
  });
  const headers = await setUpAdmin(h);
  const made = await h.server.app.inject({
    method: 'POST',
    url: '/api/users',
    headers,
    payload: { username: 'helper', password: 'another good pass', role: 'admin' },
  });
  assert.equal(made.statusCode, 201);
  const login = await h.server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'HELPER', password: 'another good pass' } });
  assert.equal(login.statusCode, 200);
  const helper = sessionHeaders(login);
  assert.equal((await h.server.app.inject({ url: '/api/auth/me', headers: helper })).json().name, 'helper');
  const revoke = await h.server.app.inject({ method: 'DELETE', url: `/api/users/${(made.json() as { id: string }).id}`, headers });
  assert.equal(revoke.statusCode, 200);
  assert.equal((await h.server.app.inject({ url: '/api/auth/me', headers: helper })).statusCode, 401);
  const relogin = await h.server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'helper', password: 'another good pass' } });
  assert.equal(relogin.statusCode, 401);

  const out = await h.server.app.inject({ method: 'POST', url: '/api/auth/logout', headers });
  assert.equal(out.statusCode, 200);
  assert.equal((await h.server.app.inject({ url: '/api/auth/me', headers })).statusCode, 401);

  // Expiry: a session row past its end is not accepted.
  const again = sessionHeaders(
    await h.server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'owner', password: 'correct horse battery' } }),
  );
  h.db.prepare("UPDATE admin_sessions SET expires_at = '2000-01-01T00:00:00.000Z'").run();
  assert.equal((await h.server.app.inject({ url: '/api/auth/me', headers: again })).statusCode, 401);
});

test('the last admin cannot be revoked; duplicate usernames conflict', async () => {
  const h = await adminHarness();
  const headers = await setUpAdmin(h);
  const me = h.db.prepare('SELECT id FROM admin_users').get() as { id: string };
  const res = await h.server.app.inject({ method: 'DELETE', url: `/api/users/${me.id}`, headers });
  assert.deepEqual(res.json(), { error: 'conflict', message: 'cannot revoke the last admin' });
  const dup = await h.server.app.inject({
    method: 'POST',
    url: '/api/users',
    headers,
    payload: { username: 'Owner', password: 'another good pass', role: 'viewer' },
  });
  assert.equal(dup.statusCode, 409);
});

test('change own password: the old one stops working', async () => {
  const h = await adminHarness();
  const headers = await setUpAdmin(h);
  const wrong = await h.server.app.inject({
    method: 'POST',
    url: '/api/auth/password',
    headers,
    payload: { current_password: 'nope', new_password: 'a brand new secret' },
  });
  assert.equal(wrong.statusCode, 401);
  const ok = await h.server.app.inject({
    method: 'POST',
    url: '/api/auth/password',
    headers,
    payload: { current_password: 'correct horse battery', new_password: 'a brand new secret' },
  });
  assert.equal(ok.statusCode, 200);
  const old = await h.server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'owner', password: 'correct horse battery' } });
  assert.equal(old.statusCode, 401);
  const fresh = await h.server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'owner', password: 'a brand new secret' } });
  assert.equal(fresh.statusCode, 200);
});

test("a failed sign-in keeps no typed user name in the audit log: an operator's id, else a keyed hash of the name", async () => {
  const h = await adminHarness();
  await setUpAdmin(h);
  const login = (username: string) => h.server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'wrong password!' } });
  for (const name of ['owner', 'correct horse battery', 'Correct Horse Battery', 'mallory']) assert.equal((await login(name)).statusCode, 401);
  const rows = h.audit.list({ action: 'auth.login_failed' }).reverse();
  const owner = h.db.prepare("SELECT id FROM admin_users WHERE username = 'owner'").get() as { id: string };
  assert.equal(rows[0]?.target, owner.id, 'a real account is named by its id');
  const text = JSON.stringify(h.db.prepare('SELECT * FROM audit_log').all());
  for (const typed of ['correct horse', 'Correct Horse', 'mallory'])
    assert.equal(text.toLowerCase().includes(typed.toLowerCase()), false, `"${typed}" is not in the audit log`);
  const tags = rows.slice(1).map((r) => (r.detail as { username_tag?: string }).username_tag);
  assert.match(tags[0] ?? '', /^n_[0-9a-f]{16}$/);
  assert.equal(tags[0], tags[1], 'the same name (in any case) gives the same tag, so repeated guesses show');
  assert.notEqual(tags[0], tags[2]);
});
