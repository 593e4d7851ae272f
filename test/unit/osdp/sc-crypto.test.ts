import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodePacket } from '../../../daemon/osdp/frame.ts';
import {
  SCBK_D,
  clientCryptogram,
  computeMac,
  decryptData,
  deriveSessionKeys,
  encryptData,
  initialRmac,
  serverCryptogram,
} from '../../../daemon/osdp/sc-crypto.ts';

// A session between libosdp's CP and PD with this SCBK, captured on the line (test/fixtures/README.md).
const SCBK = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const chain = readFileSync(new URL('../../fixtures/osdp/sc-chain.txt', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => {
    const [dir, bytes] = line.split(': ');
    const raw = Buffer.from(bytes!.replaceAll(' ', ''), 'hex');
    const decoded = decodePacket(raw.subarray(1), true);
    assert.ok(decoded.ok, line);
    return { dir: dir as 'TX' | 'RX', ...decoded };
  });

void test('SCBK-D is 0x30..0x3F', () => {
  assert.equal(toHex(SCBK_D), '303132333435363738393a3b3c3d3e3f');
});

void test('session keys and both cryptograms match the captured handshake', () => {
  const [chlng, ccrypt, scrypt, rmacI] = chain;
  assert.equal(chlng!.frame.code, 0x76);
  const rndA = chlng!.frame.data;
  const cuid = ccrypt!.frame.data.subarray(0, 8);
  const rndB = ccrypt!.frame.data.subarray(8, 16);
  assert.equal(toHex(cuid), 'c3b205000df0ad0b', "libosdp's cUID: vendor code, model, version, serial");
  const keys = deriveSessionKeys(SCBK, rndA);
  assert.equal(toHex(clientCryptogram(keys, rndA, rndB)), toHex(ccrypt!.frame.data.subarray(16, 32)));
  assert.equal(toHex(serverCryptogram(keys, rndA, rndB)), toHex(scrypt!.frame.data));
  assert.equal(toHex(initialRmac(keys, scrypt!.frame.data)), toHex(rmacI!.frame.data));
  const wrong = deriveSessionKeys(SCBK_D, rndA);
  assert.notEqual(toHex(clientCryptogram(wrong, rndA, rndB)), toHex(ccrypt!.frame.data.subarray(16, 32)), 'another key, another cryptogram');
});

void test('the MAC chain holds over every packet after the handshake; encrypted data decrypts and re-encrypts to the same bytes', () => {
  const rndA = chain[0]!.frame.data;
  const keys = deriveSessionKeys(SCBK, rndA);
  let rmac = chain[3]!.frame.data;
  let cmac: Uint8Array = new Uint8Array(16);
  const plain: Record<string, string> = {};
  for (const p of chain.slice(4)) {
    const scbType = p.frame.securityBlock?.[1];
    const iv = p.dir === 'TX' ? rmac : cmac;
    const mac = computeMac(keys, iv, p.macInput);
    assert.equal(toHex(mac.subarray(0, 4)), toHex(p.frame.mac!), `MAC of ${p.dir} ${p.frame.code.toString(16)}`);
    if (scbType === 0x17 || scbType === 0x18) {
      // a command's data chains on the last reply MAC, a reply's on its command's MAC
      const dataMac = p.dir === 'TX' ? rmac : cmac;
      const clear = decryptData(keys, dataMac, p.frame.data);
      assert.ok(clear, 'padding checks out');
      assert.equal(toHex(encryptData(keys, dataMac, clear)), toHex(p.frame.data));
      plain[p.frame.code.toString(16)] = toHex(clear);
    }
    if (p.dir === 'TX') cmac = mac;
    else rmac = mac;
  }
  assert.equal(plain['50'], '00011a0012345640', 'osdp_RAW: reader 0, Wiegand, 26 bits, the card');
  assert.equal(plain['69']?.length, 28, 'one 14-byte LED record');
  assert.equal(plain['69']?.slice(10, 12), '04', 'blue');
});

void test('decryptData refuses what is not whole blocks or has no end marker', () => {
  const keys = deriveSessionKeys(SCBK, new Uint8Array(8));
  const iv = new Uint8Array(16);
  assert.equal(decryptData(keys, iv, new Uint8Array(15)), null);
  assert.equal(decryptData(keys, iv, new Uint8Array(0)), null);
  const zeros = encryptData(keys, iv, new Uint8Array(0));
  assert.equal(zeros.length, 16);
  assert.deepEqual(decryptData(keys, iv, zeros), new Uint8Array(0));
  const tampered = zeros.slice();
  tampered[0]! ^= 0xff;
  assert.equal(decryptData(keys, iv, tampered), null);
  assert.equal(encryptData(keys, iv, new Uint8Array(16)).length, 32, '16 bytes need a second block for the marker');
});

void test('computeMac: a message of whole blocks gets no padding, an empty one gets a marker block', () => {
  const keys = deriveSessionKeys(SCBK, new Uint8Array(8));
  const iv = new Uint8Array(16);
  const sixteen = new Uint8Array(16);
  const padded = new Uint8Array(16);
  padded[0] = 0x80;
  assert.notEqual(toHex(computeMac(keys, iv, sixteen)), toHex(computeMac(keys, iv, new Uint8Array(15))));
  assert.equal(toHex(computeMac(keys, iv, new Uint8Array(0))), toHex(computeMac(keys, iv, padded)));
});
