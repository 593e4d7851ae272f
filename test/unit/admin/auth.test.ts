import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, verifyPassword } from '../../../daemon/admin/auth/passwords.ts';
import { LoginThrottle } from '../../../daemon/admin/auth/login-throttle.ts';
import { generateSetupCode, normalizeSetupCode } from '../../../daemon/admin/auth/setup-code.ts';
import { checkFileName } from '../../../daemon/admin/image-check.ts';
import { FakeClock } from '../../support/privacy.ts';
import { AuthStore } from '../../../daemon/admin/auth/auth-store.ts';
import { openDatabase } from '../../../daemon/store/index.ts';
import { tempDir } from '../../support/tmp.ts';

test('scrypt: a hash verifies its password only, salts differ, a malformed hash is simply false', async () => {
  const a = await hashPassword('correct horse battery');
  const b = await hashPassword('correct horse battery');
  assert.notEqual(a, b);
  assert.equal(await verifyPassword('correct horse battery', a), true);
  assert.equal(await verifyPassword('correct horse batterY', a), false);
  assert.equal(await verifyPassword('correct horse battery', 'plain-text'), false);
  assert.equal(await verifyPassword('correct horse battery', 'scrypt$1$1$1$xx$yy'), false);
  // Unicode is normalized: the same password typed on two keyboards (composed or decomposed é) matches.
  assert.equal(await verifyPassword('caf\u0065\u0301 au lait!', await hashPassword('caf\u00e9 au lait!')), true);
});

test('setup codes: 3 groups of 5 unambiguous characters, fresh each time; typed forms normalize', () => {
  const codes = new Set(Array.from({ length: 50 }, generateSetupCode));
  assert.equal(codes.size, 50);
  for (const c of codes) assert.match(c, /^[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}$/);
  assert.equal(normalizeSetupCode(' abcde-fghjk mnpqr '), 'ABCDEFGHJKMNPQR');
});

test('login throttle: only failures count, per key, and the window slides', () => {
  const clock = new FakeClock();
  const t = new LoginThrottle(60_000, () => clock.now());
  assert.equal(t.retryAfterS('ip:a', 3), 0);
  t.fail('ip:a');
  clock.advance(10_000);
  t.fail('ip:a');
  t.fail('ip:a');
  assert.equal(t.retryAfterS('ip:a', 3), 50, 'waits until the oldest of the last 3 failures leaves the window');
  assert.equal(t.retryAfterS('ip:b', 3), 0, 'another key is not affected');
  clock.advance(50_001);
  assert.equal(t.retryAfterS('ip:a', 3), 0);
  t.fail('user:x');
  t.reset('user:x');
  assert.equal(t.retryAfterS('user:x', 1), 0);
});

test('file names: bare names pass, anything with a path is refused', () => {
  assert.equal(checkFileName('photo 1 – Zoë.jpg'), 'photo 1 – Zoë.jpg');
  assert.equal(checkFileName(undefined), null);
  for (const bad of ['../x.jpg', 'a/b.jpg', 'C:\\x.jpg', '..', 'x\0.jpg'])
    assert.throws(() => checkFileName(bad), /file name must be a plain name, without a path/, bad);
  assert.throws(() => checkFileName(`${'x'.repeat(201)}.jpg`), /longer than 200/);
});

test("login throttle: a spray of other keys filling the table never drops a live account's count", () => {
  const clock = new FakeClock();
  const t = new LoginThrottle(60_000, () => clock.now(), 100);
  for (let i = 0; i < 4; i++) t.fail('user:owner', { keep: true });
  for (let i = 0; i < 1000; i++) t.fail(`ip:10.0.${i >> 8}.${i & 255}`);
  for (let i = 0; i < 1000; i++) t.fail(`user:guess${i}`);
  assert.equal(t.retryAfterS('user:owner', 4), 60, 'the account is still over its limit');
  assert.ok(t.size() <= 100, `the table stays bounded (${t.size()})`);
});

test('login throttle: begin() counts before the check finishes, so parallel attempts cannot pass the limit; success withdraws', () => {
  const clock = new FakeClock();
  const t = new LoginThrottle(60_000, () => clock.now());
  const keys = [
    { key: 'ip:a', limit: 10 },
    { key: 'user:owner', limit: 3, keep: true },
  ];
  const attempts = Array.from({ length: 5 }, () => t.begin(keys));
  assert.deepEqual(
    attempts.map((a) => typeof a === 'number'),
    [false, false, false, true, true],
  );
  assert.equal(attempts[3], 60);
  const first = attempts[0];
  assert.ok(first !== undefined && typeof first !== 'number');
  first.succeeded();
  assert.equal(t.retryAfterS('user:owner', 1), 0, 'a success resets the account');
  // Three were counted (refused attempts are not); the successful one is withdrawn for the address.
  assert.equal(t.retryAfterS('ip:a', 3), 0, 'the successful attempt is withdrawn for the address');
  assert.equal(t.retryAfterS('ip:a', 2), 60, 'the other two still count for it');
});

test("an API token's last use is written at most once a minute: a busy client does not make each request a database write", () => {
  const db = openDatabase(tempDir('facegate-auth-'));
  let now = Date.parse('2026-12-06T10:00:00Z');
  const auth = new AuthStore(db, () => now);
  let writes = 0;
  db.function('count_write', () => {
    writes++;
    return null;
  });
  db.exec('CREATE TEMP TRIGGER used AFTER UPDATE OF last_used_at ON admin_api_tokens BEGIN SELECT count_write(); END');
  try {
    const { token } = auth.createToken('panel', 'viewer', 'owner', null);
    for (let i = 0; i < 50; i++) {
      assert.ok(auth.tokenBySecret(token));
      now += 100;
    }
    assert.equal(writes, 1, 'first use written once');
    assert.equal(auth.listTokens()[0]!.lastUsedAt, '2026-12-06T10:00:00.000Z');
    now = Date.parse('2026-12-06T10:01:01Z');
    assert.equal(auth.tokenBySecret(token)!.lastUsedAt, '2026-12-06T10:01:01.000Z');
    assert.equal(writes, 2);
    assert.equal(auth.listTokens()[0]!.lastUsedAt, '2026-12-06T10:01:01.000Z');
  } finally {
    db.close();
  }
});
