import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checksum, crc16 } from '../../../daemon/osdp/check.ts';
import { decodePacket, encodeFrame, type Frame } from '../../../daemon/osdp/frame.ts';
import { FrameReader } from '../../../daemon/osdp/reader.ts';

const hex = (s: string) => Uint8Array.from(s.split(/\s+/).filter(Boolean), (b) => parseInt(b, 16));
const toHex = (b: Uint8Array) =>
  Buffer.from(b)
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ');

// Captured with osdp-cp --trace against libosdp's own PD (../shared/tools/osdp-cp).
const CP_ID = 'ff 53 00 09 00 04 61 00 c0 66';
const PD_PDID = 'ff 53 80 14 00 04 45 c3 b2 a1 05 02 0d f0 ad 0b 01 02 03 71 aa';
const CP_POLL_SEQ2 = 'ff 53 00 08 00 06 60 89 cc';
const PD_ACK_SEQ3 = 'ff 53 80 08 00 07 40 0a f9';

const frame = (f: Partial<Frame>): Frame => ({
  address: 0,
  reply: false,
  sequence: 0,
  useCrc: true,
  mark: true,
  securityBlock: null,
  code: 0x60,
  data: new Uint8Array(0),
  mac: null,
  ...f,
});

void test('CRC-16/AUG-CCITT: the catalogue check value and the CRCs of captured packets', () => {
  assert.equal(crc16(new TextEncoder().encode('123456789')), 0xe5cc);
  assert.equal(crc16(hex('53 00 09 00 04 61 00')), 0x66c0);
  assert.equal(crc16(hex('53 80 08 00 07 40')), 0xf90a);
});

void test('checksum: the bytes and their checksum sum to zero', () => {
  // 0x53 + 0x08 + 0x60 = 0xbb; 0x100 - 0xbb = 0x45
  assert.equal(checksum(hex('53 00 08 00 00 60')), 0x45);
  assert.equal(checksum(new Uint8Array(0)), 0);
  assert.equal(checksum(hex('ff 01')), 0x00);
});

void test('encodeFrame writes the captured osdp_ID command and the PD ACK byte for byte', () => {
  assert.equal(toHex(encodeFrame(frame({ code: 0x61, data: hex('00') }))), CP_ID);
  assert.equal(toHex(encodeFrame(frame({ reply: true, sequence: 3, code: 0x40 }))), PD_ACK_SEQ3);
  // without the mark, and with a checksum instead of the CRC
  assert.equal(toHex(encodeFrame(frame({ mark: false, useCrc: false }))), '53 00 07 00 00 60 46');
});

void test('decodePacket splits the captured PDID reply into its fields', () => {
  const bytes = hex(PD_PDID).subarray(1);
  const decoded = decodePacket(bytes, true);
  assert.ok(decoded.ok);
  assert.equal(decoded.frame.reply, true);
  assert.equal(decoded.frame.address, 0);
  assert.equal(decoded.frame.sequence, 0);
  assert.equal(decoded.frame.code, 0x45);
  assert.equal(toHex(decoded.frame.data), 'c3 b2 a1 05 02 0d f0 ad 0b 01 02 03');
  assert.equal(toHex(encodeFrame(decoded.frame)), PD_PDID, 'decode then encode gives the same bytes');
});

void test('decodePacket refuses a bad CRC, a bad checksum and a security block that does not fit', () => {
  const bad = hex(CP_POLL_SEQ2).subarray(1);
  bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
  const r = decodePacket(bad, false);
  assert.ok(!r.ok);
  assert.match(r.reason, /bad CRC/);
  const badSum = hex('53 00 07 00 00 60 47');
  assert.deepEqual(decodePacket(badSum, false), { ok: false, reason: 'bad checksum' });
  const scb = encodeFrame(frame({ mark: false, securityBlock: hex('09 11') }));
  const s = decodePacket(scb, false);
  assert.ok(!s.ok);
  assert.match(s.reason, /security block length 9/);
});

void test('a secure packet carries its MAC after the data, covering SOM to the end of the data', () => {
  let covered: Uint8Array | null = null;
  const bytes = encodeFrame(frame({ mark: false, securityBlock: hex('02 17'), code: 0x69, data: hex('aa bb') }), (input) => {
    covered = input.slice();
    return hex('01 02 03 04');
  });
  assert.equal(toHex(covered!), '53 00 10 00 0c 02 17 69 aa bb');
  const decoded = decodePacket(bytes, false);
  assert.ok(decoded.ok);
  assert.equal(toHex(decoded.frame.mac!), '01 02 03 04');
  assert.equal(toHex(decoded.frame.data), 'aa bb');
  assert.equal(toHex(decoded.macInput), toHex(covered!));
  assert.throws(() => encodeFrame(frame({ securityBlock: hex('02 15') })), /needs a MAC/);
});

void test('FrameReader: packets split across chunks, back to back, after garbage', () => {
  const reader = new FrameReader();
  const stream = hex(`00 12 ${CP_ID} ${CP_POLL_SEQ2}`);
  const events = [...reader.push(stream.subarray(0, 5)), ...reader.push(stream.subarray(5, 13)), ...reader.push(stream.subarray(13))];
  assert.deepEqual(
    events.map((e) => (e.kind === 'frame' ? `frame ${e.frame.code.toString(16)} seq ${e.frame.sequence} mark ${e.frame.mark}` : e.kind)),
    ['garbage', 'frame 61 seq 0 mark true', 'frame 60 seq 2 mark true'],
  );
  assert.deepEqual(events[0], { kind: 'garbage', bytes: 2 });
  assert.equal(reader.partial, false);
});

void test('FrameReader: a corrupt packet is reported and the valid one after it still comes through', () => {
  const reader = new FrameReader();
  const corrupt = hex(CP_ID);
  corrupt[7] = 0x01;
  const events = reader.push(new Uint8Array([...corrupt, ...hex(CP_POLL_SEQ2)]));
  const invalid = events.filter((e) => e.kind === 'invalid');
  assert.equal(invalid.length, 1);
  assert.match(invalid[0]!.kind === 'invalid' ? invalid[0]!.reason : '', /bad CRC/);
  const frames = events.filter((e) => e.kind === 'frame');
  assert.equal(frames.length, 1);
  assert.equal(frames[0]!.kind === 'frame' && frames[0]!.frame.code, 0x60);
});

void test('FrameReader: an oversized or impossible length field is noise, not a wait for 64 KiB', () => {
  const reader = new FrameReader(1024);
  const events = reader.push(new Uint8Array([...hex('53 00 ff ff 04 60'), ...hex(CP_POLL_SEQ2)]));
  const invalid = events.find((e) => e.kind === 'invalid');
  assert.match(invalid?.kind === 'invalid' ? invalid.reason : '', /length field 65535 outside 7\.\.1024/);
  assert.ok(events.some((e) => e.kind === 'frame' && e.frame.sequence === 2));
  const tiny = reader.push(hex('53 00 03 00 04 60 00 00'));
  assert.ok(tiny.some((e) => e.kind === 'invalid' && /length field 3/.test(e.reason)));
  assert.equal(reader.partial, false);
});

void test('FrameReader: a partial packet waits; reset() drops it so the next packet parses clean', () => {
  const reader = new FrameReader();
  assert.deepEqual(reader.push(hex(CP_ID).subarray(0, 6)), []);
  assert.equal(reader.partial, true);
  assert.equal(reader.reset(), 6);
  const events = reader.push(hex(CP_POLL_SEQ2));
  assert.deepEqual(
    events.map((e) => e.kind),
    ['frame'],
  );
  // a lone trailing mark is kept for the packet it announces
  assert.deepEqual(reader.push(hex('ff')), []);
  const after = reader.push(hex(CP_POLL_SEQ2).subarray(1));
  assert.ok(after[0]?.kind === 'frame' && after[0].frame.mark);
});

void test('FrameReader: random noise never throws and never yields a frame with a bad check', () => {
  const reader = new FrameReader();
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed & 0xff);
  for (let i = 0; i < 200; i++) {
    const chunk = Uint8Array.from({ length: 1 + (rand() % 40) }, () => (rand() % 5 === 0 ? 0x53 : rand()));
    for (const e of reader.push(chunk)) if (e.kind === 'frame') assert.ok(decodePacket(encodeFrame({ ...e.frame, mark: false }), false).ok);
  }
  reader.reset();
  assert.equal(reader.push(hex(CP_ID)).filter((e) => e.kind === 'frame').length, 1);
});
