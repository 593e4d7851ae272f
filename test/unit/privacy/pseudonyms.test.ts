import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Pseudonyms } from '../../../daemon/privacy/index.ts';

void test('a subject is p_ and 16 hex characters, stable per person and secret, different across devices', () => {
  const a = new Pseudonyms(randomBytes(32));
  const b = new Pseudonyms(randomBytes(32));
  const s = a.subject('person-1');
  assert.match(s, /^p_[0-9a-f]{16}$/);
  assert.equal(a.subject('person-1'), s);
  assert.notEqual(a.subject('person-2'), s);
  assert.notEqual(b.subject('person-1'), s);
  assert.equal(s.includes('person'), false);
});

void test('a short secret is refused', () => {
  assert.throws(() => new Pseudonyms(Buffer.alloc(8)), /at least 16 bytes/);
});
