import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../fakes/clock.ts';
import { decodePacket, encodeFrame, type Frame, type Sequence } from '../../../daemon/osdp/frame.ts';
import { CredentialQueue } from '../../../daemon/osdp/credential-queue.ts';
import { Outputs } from '../../../daemon/osdp/outputs.ts';
import { CommandResponder, type PdEvent } from '../../../daemon/osdp/responder.ts';
import { PeripheralDevice } from '../../../daemon/osdp/peripheral.ts';
import { SecureChannel } from '../../../daemon/osdp/secure-channel.ts';
import {
  SCBK_D,
  computeMac,
  decryptData,
  deriveSessionKeys,
  encryptData,
  initialRmac,
  serverCryptogram,
  type SessionKeys,
} from '../../../daemon/osdp/sc-crypto.ts';

// The PD's secure-channel rules, driven by a scripted panel built on sc-crypto (checked against libosdp in sc-crypto.test.ts).

const KEY = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function harness(opts: { scbk: Uint8Array | null; installMode: boolean }, storeFails = false) {
  const clock = new FakeClock();
  const events: PdEvent[] = [];
  const stored: string[] = [];
  const emit = (e: PdEvent) => events.push(e);
  const credentials = new CredentialQueue(clock, { maxAgeMs: 5000 });
  const responder = new CommandResponder({
    identity: { vendorCode: 1, model: 2, version: 3, serialNumber: 4, firmware: { major: 0, minor: 1, build: 0 } },
    capabilities: { inputs: 0, outputs: 0, leds: 1, buzzer: true, secureChannel: true },
    inputs: () => ({ tamper: false, powerFailure: false, inputs: [] }),
    credentials,
    outputs: new Outputs(clock, 0, () => {}),
    emit,
  });
  const sc = new SecureChannel({
    ...opts,
    cuid: Uint8Array.of(1, 0, 2, 3, 4, 0, 0, 0),
    clock,
    storeKey: (k) => {
      if (storeFails) throw new Error('disk full');
      stored.push(toHex(k));
    },
    random: (n) => new Uint8Array(n).fill(0xbb),
    onChange: (s) => emit({ type: 'secure_channel', ...s }),
  });
  const pd = new PeripheralDevice({ address: 0, clock, responder, emit, secureChannel: sc });
  let seq: Sequence = 0;
  let keys: SessionKeys | null = null;
  let rmac: Uint8Array = new Uint8Array(16);
  let cmac: Uint8Array = new Uint8Array(16);
  const rndA = new Uint8Array(8).fill(0xaa);
  const exchange = (f: Partial<Frame>, mac?: (input: Uint8Array) => Uint8Array) => {
    const frame: Frame = {
      address: 0,
      reply: false,
      sequence: seq,
      useCrc: true,
      mark: false,
      securityBlock: null,
      code: 0x60,
      data: new Uint8Array(0),
      mac: null,
      ...f,
    };
    seq = seq === 3 ? 1 : ((seq + 1) as Sequence);
    const bytes = encodeFrame(frame, mac);
    const decoded = decodePacket(bytes, false);
    assert.ok(decoded.ok);
    const reply = pd.receive(decoded.frame, decoded.macInput);
    assert.ok(reply);
    const r = decodePacket(reply, false);
    assert.ok(r.ok);
    return r;
  };
  /** the panel's side of CHLNG + SCRYPT with `key`; returns the RMAC_I reply */
  const handshake = (key: Uint8Array, useDefault = false) => {
    seq = 0;
    const ccrypt = exchange({ code: 0x76, data: rndA, securityBlock: Uint8Array.of(3, 0x11, useDefault ? 0 : 1) });
    if (!ccrypt.ok || ccrypt.frame.code !== 0x76) return ccrypt;
    keys = deriveSessionKeys(key, rndA);
    const rndB = ccrypt.frame.data.subarray(8, 16);
    const sc = serverCryptogram(keys, rndA, rndB);
    const r = exchange({ code: 0x77, data: sc, securityBlock: Uint8Array.of(3, 0x13, useDefault ? 0 : 1) });
    if (r.ok && r.frame.code === 0x78) rmac = initialRmac(keys, sc);
    return r;
  };
  /** a command under the session (encrypted when it has data); the reply's MAC is checked and its data decrypted */
  const secure = (code: number, data = new Uint8Array(0), tamper = false) => {
    const k = keys!;
    const enc = data.length > 0;
    const r = exchange({ code, data: enc ? encryptData(k, rmac, data) : data, securityBlock: Uint8Array.of(2, enc ? 0x17 : 0x15) }, (input) => {
      cmac = computeMac(k, rmac, input);
      const mac = cmac.slice(0, 4);
      if (tamper) mac[0]! ^= 1;
      return mac;
    });
    assert.ok(r.ok);
    if (!r.frame.securityBlock) return { code: r.frame.code, data: r.frame.data, secure: false };
    const expected = computeMac(k, cmac, r.macInput);
    assert.equal(toHex(expected.subarray(0, 4)), toHex(r.frame.mac!), 'the reply MAC chains on the command MAC');
    rmac = expected;
    const clear = r.frame.securityBlock[1] === 0x18 ? decryptData(k, cmac, r.frame.data)! : r.frame.data;
    return { code: r.frame.code, data: clear, secure: true };
  };
  return { clock, events, stored, credentials, sc, handshake, secure, plain: (code: number, data = new Uint8Array(0)) => exchange({ code, data }), exchange };
}

const nakOf = (r: { ok: true; frame: Frame } | { ok: false }) => (r.ok && r.frame.code === 0x41 ? r.frame.data[0] : null);

void test('with a key: ID and CAP in plain text, POLL only under the session; RAW goes encrypted', () => {
  const h = harness({ scbk: KEY, installMode: false });
  assert.equal(h.plain(0x61, Uint8Array.of(0)).ok && true, true);
  assert.equal(nakOf(h.plain(0x60)), 6, 'plain POLL refused');
  const r = h.handshake(KEY);
  assert.ok(r.ok && r.frame.code === 0x78 && toHex(r.frame.securityBlock!) === '031401');
  assert.equal(h.secure(0x60).code, 0x40);
  h.credentials.offer('p', { format: 1, bits: 26, data: Uint8Array.of(0x12, 0x34, 0x56, 0x40) });
  const raw = h.secure(0x60);
  assert.equal(raw.code, 0x50);
  assert.equal(toHex(raw.data), '00011a0012345640');
  const led = h.secure(0x69, Uint8Array.of(0, 0, 2, 3, 2, 1, 0, 10, 0, 1, 1, 0, 2, 0));
  assert.equal(led.code, 0x40);
  assert.ok(h.events.some((e) => e.type === 'led'));
});

void test('SCBK-D only in install mode; install mode ends with the first KEYSET, and the new key works', () => {
  const closed = harness({ scbk: KEY, installMode: false });
  const refused = closed.handshake(SCBK_D, true);
  assert.equal(nakOf(refused), 6);
  assert.ok(closed.events.some((e) => e.type === 'refused' && /install mode is off/.test(e.why)));

  const h = harness({ scbk: null, installMode: true });
  assert.equal(nakOf(h.handshake(KEY)), 6, 'no SCBK yet');
  const r = h.handshake(SCBK_D, true);
  assert.ok(r.ok && r.frame.code === 0x78);
  const newKey = Buffer.from('0f1e2d3c4b5a69788796a5b4c3d2e1f0', 'hex');
  assert.equal(h.secure(0x75, new Uint8Array([1, 16, ...newKey])).code, 0x40);
  assert.deepEqual(h.stored, [toHex(newKey)]);
  assert.equal(h.sc.installMode, false);
  assert.equal(h.sc.active, false, 'the SCBK-D session ended with the ACK');
  assert.equal(nakOf(h.handshake(SCBK_D, true)), 6, 'SCBK-D no more');
  const again = h.handshake(newKey);
  assert.ok(again.ok && again.frame.code === 0x78);
  assert.equal(h.secure(0x60).code, 0x40);
});

void test('KEYSET: wrong length or key type is NAKed under the session; a key that cannot be stored is refused', () => {
  const h = harness({ scbk: KEY, installMode: false });
  h.handshake(KEY);
  const short = h.secure(0x75, Uint8Array.of(1, 16, 1, 2));
  assert.deepEqual([short.code, short.data[0], short.secure], [0x41, 2, true]);
  const type = h.secure(0x75, new Uint8Array([2, 16, ...new Uint8Array(16)]));
  assert.deepEqual([type.code, type.data[0]], [0x41, 9]);
  assert.deepEqual(h.stored, []);
  assert.equal(nakOf(h.plain(0x75, new Uint8Array([1, 16, ...new Uint8Array(16)]))), 6, 'KEYSET in plain text');
  const full = harness({ scbk: KEY, installMode: false }, true);
  full.handshake(KEY);
  const unstored = full.secure(0x75, new Uint8Array([1, 16, ...new Uint8Array(16)]));
  assert.deepEqual([unstored.code, unstored.data[0]], [0x41, 9]);
  assert.ok(full.events.some((e) => e.type === 'refused' && /could not be stored: disk full/.test(e.why)));
  assert.equal(full.secure(0x60).code, 0x40, 'the session and its key go on');
});

void test('a wrong MAC ends the session; so do 8 s without a secure packet; SCRYPT without CHLNG is refused', () => {
  const h = harness({ scbk: KEY, installMode: false });
  h.handshake(KEY);
  const bad = h.secure(0x60, new Uint8Array(0), true);
  assert.deepEqual([bad.code, bad.data[0], bad.secure], [0x41, 6, false]);
  assert.equal(h.sc.active, false);
  h.handshake(KEY);
  assert.equal(h.sc.active, true);
  h.clock.advance(8001);
  const late = h.secure(0x60);
  assert.deepEqual([late.code, late.data[0]], [0x41, 6]);
  assert.ok(h.events.some((e) => e.type === 'secure_channel' && /no secure packet for 8 s/.test(e.reason)));
  const fresh = harness({ scbk: KEY, installMode: false });
  fresh.plain(0x61, Uint8Array.of(0));
  const scrypt = fresh.exchange({ code: 0x77, data: new Uint8Array(16), securityBlock: Uint8Array.of(3, 0x13, 1) });
  assert.equal(nakOf(scrypt), 6);
  assert.ok(fresh.events.some((e) => e.type === 'refused' && /SCRYPT without a CHLNG/.test(e.why)));
});

void test('a wrong server cryptogram (another key) gets NAK 6 and no session', () => {
  const h = harness({ scbk: KEY, installMode: false });
  const r = h.handshake(SCBK_D);
  assert.equal(nakOf(r), 6);
  assert.equal(h.sc.active, false);
  assert.ok(h.events.some((e) => e.type === 'refused' && /cryptogram is wrong/.test(e.why)));
});
