import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cardRead, credentialProblem } from '../../../daemon/osdp/wiegand.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

void test('H10301 (26 bits): parity, facility, card, padded to 4 bytes', () => {
  // facility 1, card 1: 1 | 00000001 | 0000000000000001 | 0 — one 1 in the first 12 bits (even parity 1),
  // one in the last 12 (odd parity 0) → 10000000 10000000 00000000 10|000000
  const r = cardRead({ format: 'wiegand26', facility: 1, card: 1 });
  assert.equal(r.bits, 26);
  assert.equal(r.format, 1);
  assert.equal(hex(r.data), '80800080');
  // facility 0, card 0: no ones; even parity 0, odd parity 1 → the 26th bit set: 00000000 00000000 00000000 01|000000
  assert.equal(hex(cardRead({ format: 'wiegand26', facility: 0, card: 0 }).data), '00000040');
  // facility 255, card 65535: 12 ones each half → even 0, odd 1: 0 11111111 1111111111111111 1
  assert.equal(hex(cardRead({ format: 'wiegand26', facility: 255, card: 65535 }).data), '7fffffc0');
});

void test('H10306 (34 bits): 16-bit facility, padded to 5 bytes', () => {
  const r = cardRead({ format: 'wiegand34', facility: 1, card: 1 });
  assert.equal(r.bits, 34);
  // 1 | 0000000000000001 | 0000000000000001 | 0: bits 0, 16 and 32 set
  assert.equal(hex(r.data), '8000800080');
});

void test('raw credentials pass as given; out-of-range values are named', () => {
  assert.deepEqual(cardRead({ format: 'raw', bits: 26, hex: '12345640' }), { format: 1, bits: 26, data: Uint8Array.of(0x12, 0x34, 0x56, 0x40) });
  assert.equal(credentialProblem({ format: 'wiegand26', facility: 1, card: 1 }), null);
  assert.equal(credentialProblem({ format: 'wiegand26', facility: 256, card: 1 }), 'wiegand26: facility code must be 0..255');
  assert.equal(credentialProblem({ format: 'wiegand34', facility: 65535, card: 65536 }), 'wiegand34: card number must be 0..65535');
  assert.equal(credentialProblem({ format: 'raw', bits: 26, hex: '123456' }), 'raw: hex must be 4 bytes for 26 bits');
  assert.equal(credentialProblem({ format: 'raw', bits: 0, hex: '' }), 'raw: bits must be 1..1024');
});
