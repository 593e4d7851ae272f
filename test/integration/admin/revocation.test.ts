import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../fakes/clock.ts';
import { allMigrations, migrate, openDatabase } from '../../../daemon/store/index.ts';
import { tempDir } from '../../support/tmp.ts';
import { within } from '../../support/within.ts';
import { adminHarness, sessionHeaders, setUpAdmin, type AdminHarness } from '../../support/admin.ts';

/** An open event stream over real HTTP; `ended` resolves true when the server closes it. */
async function openStream(base: string, headers: Record<string, string>): Promise<{ ended: Promise<boolean>; cancel: () => Promise<void> }> {
  const res = await fetch(`${base}/api/events/stream`, { headers });
  assert.equal(res.status, 200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes(': connected')) {
    const { value, done } = await reader.read();
    if (done) throw new Error('stream closed before it was connected');
    text += decoder.decode(value);
  }
  const ended = (async () => {
    try {
      for (;;) if ((await reader.read()).done) return true;
    } catch {
      return true; // the server cut the connection
    }
  })();
  return { ended, cancel: () => reader.cancel().catch(() => undefined) };
}

/** True if `p` settles within ms. */
const settles = (p: Promise<boolean>, ms = 3000): Promise<boolean> => within(p, ms, false);

async function login(h: AdminHarness, username: string, password: string): Promise<Record<string, string>> {
  const res = await h.server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  assert.equal(res.statusCode, 200, res.body);
  return sessionHeaders(res);
}

async function helperWithToken(h: AdminHarness, owner: Record<string, string>) {
  const made = await h.server.app.inject({
    method: 'POST',
    url: '/api/users',
    headers: owner,
    payload: { username: 'helper', password: 'another good pass', role: 'admin' },
  });
  assert.equal(made.statusCode, 201);
  const helper = await login(h, 'helper', 'another good pass');
  const tok = await h.server.app.inject({ method: 'POST', url: '/api/tokens', headers: helper, payload: { name: 'helper script', role: 'admin' } });
  assert.equal(tok.statusCode, 201);
  const bearer = { authorization: `Bearer ${(tok.json() as { token: string }).token}` };
  // A token made with that token carries the same operator's authority.
  const chained = await h.server.app.inject({ method: 'POST', url: '/api/tokens', headers: bearer, payload: { name: 'made by the script', role: 'viewer' } });
  assert.equal(chained.statusCode, 201);
  return { id: (made.json() as { id: string }).id, helper, bearer, chained: { authorization: `Bearer ${(chained.json() as { token: string }).token}` } };
}

test('revoking an operator also revokes the API tokens they made (and tokens made with those)', async () => {
  const h = await adminHarness();
  const owner = await setUpAdmin(h);
  const { id, bearer, chained } = await helperWithToken(h, owner);
  const own = await h.server.app.inject({ method: 'POST', url: '/api/tokens', headers: owner, payload: { name: 'owner script', role: 'viewer' } });
  const ownerBearer = { authorization: `Bearer ${(own.json() as { token: string }).token}` };
  assert.equal((await h.server.app.inject({ url: '/api/people', headers: bearer })).statusCode, 200);

  assert.equal((await h.server.app.inject({ method: 'DELETE', url: `/api/users/${id}`, headers: owner })).statusCode, 200);
  for (const headers of [bearer, chained]) {
    const res = await h.server.app.inject({ url: '/api/people', headers });
    assert.equal(res.statusCode, 401);
    assert.deepEqual(res.json(), { error: 'unauthorized', message: 'the API token is invalid or revoked' });
  }
  const listed = (await h.server.app.inject({ url: '/api/tokens', headers: owner })).json() as { tokens: { name: string; revoked_at: string | null }[] };
  assert.deepEqual(
    listed.tokens.map((t) => [t.name, t.revoked_at !== null]),
    [
      ['helper script', true],
      ['made by the script', true],
      ['owner script', false],
    ],
  );
  assert.equal((await h.server.app.inject({ url: '/api/people', headers: ownerBearer })).statusCode, 200, "another operator's token still works");
});

test('changing a password ends every other session of that operator; the one that changed it stays', async () => {
  const h = await adminHarness();
  const here = await setUpAdmin(h);
  const elsewhere = await login(h, 'owner', 'correct horse battery');
  const base = await h.server.start();
  const stream = await openStream(base, { cookie: elsewhere.cookie as string });
  const res = await h.server.app.inject({
    method: 'POST',
    url: '/api/auth/password',
    headers: here,
    payload: { current_password: 'correct horse battery', new_password: 'a brand new secret' },
  });
  assert.equal(res.statusCode, 200);
  assert.equal((await h.server.app.inject({ url: '/api/auth/me', headers: elsewhere })).statusCode, 401);
  assert.equal((await h.server.app.inject({ url: '/api/auth/me', headers: here })).statusCode, 200);
  assert.equal(await settles(stream.ended), true, "the other session's event stream is closed");
});

test('an open event stream ends at sign-out, at revocation of its operator or token, and at session expiry', async () => {
  const clock = new FakeClock();
  const h = await adminHarness(
    (c) => {
      c.admin.session_lifetime_h = 1;
    },
    { clock },
  );
  const owner = await setUpAdmin(h);
  const base = await h.server.start();

  // Sign-out.
  const session = await login(h, 'owner', 'correct horse battery');
  const s1 = await openStream(base, { cookie: session.cookie as string });
  const kept = await openStream(base, { cookie: owner.cookie as string });
  assert.equal((await h.server.app.inject({ method: 'POST', url: '/api/auth/logout', headers: session })).statusCode, 200);
  assert.equal(await settles(s1.ended), true, "sign-out closes that session's stream");

  // Revocation of the operator: their session's stream and their token's stream.
  const { id, helper, bearer } = await helperWithToken(h, owner);
  const s2 = await openStream(base, { cookie: helper.cookie as string });
  const s3 = await openStream(base, bearer);
  assert.equal((await h.server.app.inject({ method: 'DELETE', url: `/api/users/${id}`, headers: owner })).statusCode, 200);
  assert.equal(await settles(s2.ended), true, "revoking the operator closes their session's stream");
  assert.equal(await settles(s3.ended), true, "and their token's stream");

  // Revocation of a token.
  const tok = await h.server.app.inject({ method: 'POST', url: '/api/tokens', headers: owner, payload: { name: 'wall tablet', role: 'viewer' } });
  const { token, info } = tok.json() as { token: string; info: { id: string } };
  const s4 = await openStream(base, { authorization: `Bearer ${token}` });
  assert.equal((await h.server.app.inject({ method: 'DELETE', url: `/api/tokens/${info.id}`, headers: owner })).statusCode, 200);
  assert.equal(await settles(s4.ended), true, 'revoking a token closes its stream');

  // Expiry: an hour later the owner's session is over, and so is its stream.
  assert.equal(await settles(kept.ended, 300), false, "the untouched session's stream is still open");
  clock.advance(3600_000 + 1000);
  assert.equal(await settles(kept.ended), true, 'the stream ends when its session expires');
  assert.equal((await h.server.app.inject({ url: '/api/auth/me', headers: owner })).statusCode, 401);
});

test('tokens made before tokens knew their operator are linked to them at upgrade, through chains of tokens', () => {
  const db = openDatabase(tempDir(), { migrations: allMigrations.filter((m) => m.id !== 'admin-002-token-owner') });
  const user = db.prepare("INSERT INTO admin_users (id, username, role, password_hash, created_at) VALUES (?, ?, 'admin', 'x', '2026-01-01T00:00:00.000Z')");
  user.run('u_1', 'Helper');
  user.run('u_2', 'owner');
  const token = db.prepare("INSERT INTO admin_api_tokens (id, name, role, token_hash, created_by, created_at) VALUES (?, ?, 'admin', ?, ?, ?)");
  token.run('t_3', 'grandchild', 'h3', 'token:child', '2026-01-03T00:00:00.000Z');
  token.run('t_1', 'script', 'h1', 'user:helper', '2026-01-01T00:00:00.000Z');
  token.run('t_2', 'child', 'h2', 'token:script', '2026-01-02T00:00:00.000Z');
  token.run('t_4', 'tablet', 'h4', 'user:owner', '2026-01-04T00:00:00.000Z');
  token.run('t_5', 'orphan', 'h5', 'token:gone', '2026-01-05T00:00:00.000Z');
  assert.deepEqual(migrate(db, allMigrations), ['admin-002-token-owner']);
  const owners = db.prepare('SELECT id, owner_id FROM admin_api_tokens ORDER BY id').all();
  assert.deepEqual(owners, [
    { id: 't_1', owner_id: 'u_1' },
    { id: 't_2', owner_id: 'u_1' },
    { id: 't_3', owner_id: 'u_1' },
    { id: 't_4', owner_id: 'u_2' },
    { id: 't_5', owner_id: null },
  ]);
  db.close();
});
