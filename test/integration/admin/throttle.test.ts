import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminHarness, setUpAdmin } from '../../support/admin.ts';

const json = { 'content-type': 'application/json' };

test('the login throttle cannot be raced: 40 parallel wrong passwords over real HTTP, only the limit (5) are checked', async () => {
  const h = await adminHarness((c) => {
    c.admin.login_failures_per_account = 5;
    c.admin.login_failures_per_client = 100;
  });
  await setUpAdmin(h);
  const base = await h.server.start();
  const login = (password: string) => fetch(`${base}/api/auth/login`, { method: 'POST', headers: json, body: JSON.stringify({ username: 'owner', password }) });
  const replies = await Promise.all(Array.from({ length: 40 }, (_, i) => login(`wrong password ${i}`)));
  const codes = replies.map((r) => r.status);
  assert.equal(codes.filter((c) => c === 401).length, 5, codes.join(' '));
  assert.equal(codes.filter((c) => c === 429).length, 35, codes.join(' '));
  assert.ok(replies.filter((r) => r.status === 429).every((r) => Number(r.headers.get('retry-after')) > 0));
  assert.equal(h.audit.list({ action: 'auth.login_failed' }).length, 5, 'only the checked attempts are failures');
  assert.equal((await login('correct horse battery')).status, 429, 'the right password waits too');
});

test('a success resets the account count, and right passwords from one address are not counted as failures', async () => {
  const h = await adminHarness((c) => {
    c.admin.login_failures_per_account = 3;
    c.admin.login_failures_per_client = 100;
  });
  await setUpAdmin(h);
  const base = await h.server.start();
  const login = (password: string) => fetch(`${base}/api/auth/login`, { method: 'POST', headers: json, body: JSON.stringify({ username: 'owner', password }) });
  for (let round = 0; round < 3; round++) {
    assert.equal((await login('wrong password!')).status, 401);
    assert.equal((await login('wrong password!')).status, 401);
    // Counted before it is verified, but withdrawn for the address once it proves right.
    assert.equal((await login('correct horse battery')).status, 200, `round ${round}`);
  }
});

test('right passwords are counted while being checked, then withdrawn: one address signs in again and again', async () => {
  const h = await adminHarness((c) => {
    c.admin.login_failures_per_account = 2;
    c.admin.login_failures_per_client = 2;
  });
  await setUpAdmin(h);
  const base = await h.server.start();
  for (let i = 0; i < 6; i++) {
    const res = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ username: 'owner', password: 'correct horse battery' }),
    });
    assert.equal(res.status, 200, `sign-in ${i}`);
  }
});

test('changing a password is throttled like a sign-in: parallel wrong current passwords are not all checked', async () => {
  const h = await adminHarness((c) => {
    c.admin.login_failures_per_account = 4;
    c.admin.login_failures_per_client = 100;
  });
  const headers = await setUpAdmin(h);
  const base = await h.server.start();
  const change = (current: string) =>
    fetch(`${base}/api/auth/password`, {
      method: 'POST',
      headers: { ...json, ...headers },
      body: JSON.stringify({ current_password: current, new_password: 'a brand new secret' }),
    });
  const codes = (await Promise.all(Array.from({ length: 20 }, (_, i) => change(`guess number ${i}`)))).map((r) => r.status);
  assert.equal(codes.filter((c) => c === 401).length, 4, codes.join(' '));
  assert.equal(codes.filter((c) => c === 429).length, 16, codes.join(' '));
  assert.equal((await change('correct horse battery')).status, 429, 'the right current password waits too');
});
