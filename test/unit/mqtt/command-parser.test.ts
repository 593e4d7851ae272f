import { test } from 'node:test';
import assert from 'node:assert/strict';
import { opensTheDoor, parseCommandPayload } from '../../../daemon/mqtt/command-parser.ts';
import { signCommand, signatureValid, signedPayload } from '../../../daemon/mqtt/signature.ts';

void test('plain actions per command; anything else is malformed', () => {
  const ok = (c: Parameters<typeof parseCommandPayload>[0], p: string) => parseCommandPayload(c, p);
  assert.deepEqual(ok('lock', ' UNLOCK\n'), { ok: true, command: { action: { command: 'lock', action: 'UNLOCK' }, text: 'UNLOCK', signature: null } });
  assert.deepEqual(ok('security_level', 'far_1e-5'), {
    ok: true,
    command: { action: { command: 'security_level', action: 'far_1e-5' }, text: 'far_1e-5', signature: null },
  });
  assert.deepEqual(ok('hold', '90'), { ok: true, command: { action: { command: 'hold', action: 'SECONDS', seconds: 90 }, text: '90', signature: null } });
  const zero = ok('hold', '0');
  assert.equal(zero.ok && zero.command.action.action, 'OFF');
  for (const [c, p] of [
    ['lock', 'unlock'],
    ['lock', 'ON'],
    ['lockdown', 'LOCK'],
    ['hold', '-5'],
    ['hold', '1e3'],
    ['hold', '86401'],
    ['hold', '007'],
    ['lock', '{"action":"UNLOCK"}'],
    ['lock', '{"action":"UNLOCK","ts":1,"nonce":"short","sig":"00"}'],
    ['lock', '{"action":"UNLOCK","ts":1.5,"nonce":"0123456789abcdef","sig":"00"}'],
    ['lock', '{"action":"UNLOCK","ts":1,"nonce":"0123456789abcdef","sig":"00","extra":1}'],
    ['lock', '[1,2,3]'],
    ['lock', '{not json'],
    ['lock', ''],
    ['security_level', 'FAR_1E-4'],
    ['security_level', 'far_1e-6'],
    ['security_level', ''],
  ] as const) {
    assert.deepEqual(ok(c, p), { ok: false, reason: 'malformed' }, `${c} ${p}`);
  }
});

void test('only commands that could let someone in count as opening the door', () => {
  const action = (c: Parameters<typeof parseCommandPayload>[0], p: string) => {
    const r = parseCommandPayload(c, p);
    assert.ok(r.ok);
    return r.command.action;
  };
  assert.equal(opensTheDoor(action('lock', 'LOCK')), false);
  assert.equal(opensTheDoor(action('lock', 'UNLOCK')), true);
  assert.equal(opensTheDoor(action('lock', 'OPEN')), true);
  assert.equal(opensTheDoor(action('lockdown', 'ON')), false);
  assert.equal(opensTheDoor(action('lockdown', 'OFF')), true);
  assert.equal(opensTheDoor(action('hold', '30')), true);
  assert.equal(opensTheDoor(action('hold', 'OFF')), false);
});

void test('a signature binds door, command, action, time and nonce', () => {
  const secret = 'unit-secret-0123456789';
  const f = { door: 'front', command: 'lock', action: 'UNLOCK', ts: 1_700_000_000_000, nonce: 'abcdefghijklmnop' };
  const sig = signCommand(secret, f);
  assert.match(sig, /^[0-9a-f]{64}$/);
  assert.equal(signatureValid(secret, f, sig), true);
  for (const changed of [{ door: 'back' }, { command: 'hold' }, { action: 'OPEN' }, { ts: f.ts + 1 }, { nonce: 'abcdefghijklmnoq' }]) {
    assert.equal(signatureValid(secret, { ...f, ...changed }, sig), false, JSON.stringify(changed));
  }
  assert.equal(signatureValid('another-secret-0123456', f, sig), false);
  assert.equal(signatureValid(secret, f, 'zz'), false, 'not hex: refused without throwing');
  const parsed = parseCommandPayload('lock', signedPayload(secret, f));
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.command.signature, { ts: f.ts, nonce: f.nonce, sig });
});
