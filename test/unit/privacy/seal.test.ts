import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { open, seal, SealError, SEAL_OVERHEAD } from '../../../daemon/privacy/index.ts';

const key = randomBytes(32);
const aad = { recordId: 'person-1/template-1', kind: 'template' };
const plaintext = new Uint8Array(randomBytes(2048));

function refused(fn: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof SealError, `expected SealError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.match(err.message, pattern);
    return true;
  });
}

void test('a sealed value opens back to the same bytes, and is not the plaintext', () => {
  const sealed = seal(key, plaintext, aad);
  assert.equal(sealed.length, plaintext.length + SEAL_OVERHEAD);
  assert.equal(sealed.indexOf(Buffer.from(plaintext.subarray(0, 32))), -1);
  assert.deepEqual(new Uint8Array(open(key, sealed, aad)), plaintext);
});

void test('an empty plaintext round-trips too', () => {
  assert.equal(open(key, seal(key, new Uint8Array(0), aad), aad).length, 0);
});

void test('two seals of the same value differ (random nonce)', () => {
  assert.notDeepEqual(seal(key, plaintext, aad), seal(key, plaintext, aad));
});

void test('flipping any single byte (header, nonce, body, tag) is refused', () => {
  const sealed = seal(key, plaintext, aad);
  for (const at of [1, 5, 12, 13, 100, sealed.length - 17, sealed.length - 16, sealed.length - 1]) {
    const bad = Buffer.from(sealed);
    bad[at] = (bad[at] as number) ^ 0x01;
    refused(() => open(key, bad, aad), 'seal_auth', /failed authentication/);
  }
});

void test('a changed version byte is named as an unknown format', () => {
  const bad = Buffer.from(seal(key, plaintext, aad));
  bad[0] = 9;
  refused(() => open(key, bad, aad), 'seal_version', /unknown format version 9/);
});

void test('a truncated value is refused: shorter than the header, or missing its tail', () => {
  const sealed = seal(key, plaintext, aad);
  refused(() => open(key, sealed.subarray(0, 10), aad), 'seal_truncated', /truncated \(10 bytes/);
  refused(() => open(key, sealed.subarray(0, sealed.length - 1), aad), 'seal_auth', /failed authentication/);
  refused(() => open(key, sealed.subarray(0, SEAL_OVERHEAD), aad), 'seal_auth', /failed authentication/);
});

void test('a value copied to another record, or read as another kind, is refused', () => {
  const sealed = seal(key, plaintext, aad);
  refused(() => open(key, sealed, { ...aad, recordId: 'person-1/template-2' }), 'seal_auth', /template-2/);
  refused(() => open(key, sealed, { ...aad, kind: 'name' }), 'seal_auth', /sealed name/);
  // The parts are length-prefixed: moving a character between kind and id does not authenticate.
  const s2 = seal(key, plaintext, { recordId: 'bc', kind: 'a' });
  refused(() => open(key, s2, { recordId: 'c', kind: 'ab' }), 'seal_auth', /failed authentication/);
});

void test('a wrong key is refused; a key of the wrong size is a clear error', () => {
  const sealed = seal(key, plaintext, aad);
  refused(() => open(randomBytes(32), sealed, aad), 'seal_auth', /wrong key/);
  refused(() => seal(randomBytes(16), plaintext, aad), 'seal_key', /32 bytes, got 16/);
});

void test('something that is not bytes is refused with what it was', () => {
  refused(() => open(key, null as unknown as Uint8Array, aad), 'seal_type', /got null/);
  refused(() => open(key, 'abc' as unknown as Uint8Array, aad), 'seal_type', /got string/);
});
