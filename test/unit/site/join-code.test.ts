import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveJoinKeys, newJoinCode, parseJoinCode } from '../../../daemon/site/index.ts';
import { refusedBySite } from '../../support/site.ts';

void test('a join code is 22 Crockford symbols in groups of four, and parses back to its secret', () => {
  const { code, secret } = newJoinCode();
  assert.match(code, /^([0-9A-HJKMNP-TV-Z]{4}-){5}[0-9A-HJKMNP-TV-Z]{2}$/);
  assert.equal(secret.length, 20);
  assert.equal(parseJoinCode(code), secret);
  // As a person types it: lower case, spaces, O for 0, l for 1.
  const typed = code.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l');
  assert.equal(parseJoinCode(typed), secret);
});

void test('codes differ, and so do their keys and topics', () => {
  const codes = new Set(Array.from({ length: 200 }, () => newJoinCode().secret));
  assert.equal(codes.size, 200);
  const [a, b] = [...codes];
  const ka = deriveJoinKeys(a!);
  const kb = deriveJoinKeys(b!);
  assert.notDeepEqual(ka.authKey, kb.authKey);
  assert.notEqual(ka.topic, kb.topic);
  assert.match(ka.topic, /^[0-9a-f]{16}$/);
  assert.deepEqual(deriveJoinKeys(a!), ka);
  assert.ok(!Buffer.from(ka.topic).includes(Buffer.from(a!)));
});

void test('a mistyped code is caught by its check symbols before anything is sent', () => {
  const { code } = newJoinCode();
  let caught = 0;
  const symbols = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  for (let i = 0; i < 20; i++) {
    const plain = code.replace(/-/g, '');
    const swapped = symbols[(symbols.indexOf(plain[i]!) + 1) % 32]!;
    const typo = plain.slice(0, i) + swapped + plain.slice(i + 1);
    try {
      parseJoinCode(typo);
    } catch {
      caught++;
    }
  }
  assert.ok(caught >= 18, `only ${caught} of 20 one-symbol typos caught`);
  refusedBySite(() => parseJoinCode(code.slice(0, -1)), 'site_join_code', /has 22 letters and digits, this one has 21/);
  refusedBySite(() => parseJoinCode(`${code.slice(0, -1)}U`), 'site_join_code', /has no "U"/);
});
