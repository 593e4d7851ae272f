import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../fakes/clock.ts';
import { decodePacket, type Frame, type Sequence } from '../../../daemon/osdp/frame.ts';
import { CredentialQueue } from '../../../daemon/osdp/credential-queue.ts';
import { Outputs } from '../../../daemon/osdp/outputs.ts';
import { CommandResponder, type LocalInputs, type PdEvent } from '../../../daemon/osdp/responder.ts';
import { PeripheralDevice } from '../../../daemon/osdp/peripheral.ts';
import type { PdCapabilities } from '../../../daemon/osdp/replies.ts';

const hex = (s: string) => Uint8Array.from(s.split(/\s+/).filter(Boolean), (b) => parseInt(b, 16));
const toHex = (b: Uint8Array) =>
  Buffer.from(b)
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ');

function harness(opts: { address?: number; caps?: Partial<PdCapabilities>; maxAgeMs?: number } = {}) {
  const clock = new FakeClock();
  const events: PdEvent[] = [];
  const emit = (e: PdEvent) => events.push(e);
  const caps: PdCapabilities = { inputs: 2, outputs: 1, leds: 1, buzzer: true, secureChannel: false, ...opts.caps };
  const inputs: LocalInputs = { tamper: false, powerFailure: false, inputs: [true] };
  const credentials = new CredentialQueue(clock, { maxAgeMs: opts.maxAgeMs ?? 5000 });
  const outputs = new Outputs(clock, caps.outputs, (output, active) => emit({ type: 'output', output, active }));
  const responder = new CommandResponder({
    identity: { vendorCode: 0xa1b2c3, model: 1, version: 2, serialNumber: 0x0badf00d, firmware: { major: 0, minor: 1, build: 0 } },
    capabilities: caps,
    inputs: () => inputs,
    credentials,
    outputs,
    emit,
  });
  const pd = new PeripheralDevice({ address: opts.address ?? 0, clock, responder, emit });
  let seq: Sequence = 0;
  /** send a command with the next sequence number (0, 1, 2, 3, 1, ...) and decode the reply */
  const send = (code: number, data = new Uint8Array(0), f: Partial<Frame> = {}) => {
    const frame: Frame = { address: 0, reply: false, sequence: seq, useCrc: true, mark: true, securityBlock: null, code, data, mac: null, ...f };
    seq = seq === 3 ? 1 : ((seq + 1) as Sequence);
    const bytes = pd.receive(frame);
    if (!bytes) return null;
    const decoded = decodePacket(bytes.subarray(bytes[0] === 0xff ? 1 : 0), bytes[0] === 0xff);
    assert.ok(decoded.ok, 'the PD wrote a valid packet');
    return { ...decoded.frame, bytes };
  };
  return { clock, events, pd, send, credentials, inputs, setSeq: (s: Sequence) => (seq = s) };
}

void test('ID → PDID with the configured identity, CAP → PDCAP, POLL → ACK, each echoing the sequence', () => {
  const h = harness();
  const id = h.send(0x61, hex('00'))!;
  assert.equal(id.code, 0x45);
  assert.equal(id.sequence, 0);
  assert.equal(id.reply, true);
  assert.equal(toHex(id.data), 'c3 b2 a1 01 02 0d f0 ad 0b 00 01 00');
  const cap = h.send(0x62, hex('00'))!;
  assert.equal(cap.code, 0x46);
  assert.equal(cap.data.length % 3, 0);
  const entries = new Map(Array.from({ length: cap.data.length / 3 }, (_, i) => [cap.data[i * 3]!, [cap.data[i * 3 + 1], cap.data[i * 3 + 2]]]));
  assert.deepEqual(entries.get(1), [1, 2], 'two inputs');
  assert.deepEqual(entries.get(4), [1, 1], 'one LED');
  assert.deepEqual(entries.get(9), [0, 0], 'no secure channel');
  assert.deepEqual(entries.get(10), [0x00, 0x04], 'receive buffer 1024');
  const poll = h.send(0x60)!;
  assert.equal(poll.code, 0x40);
  assert.equal(poll.sequence, 2);
  assert.deepEqual(h.events[0], { type: 'online' });
});

void test('the reply follows the command: checksum for checksum, no mark without a mark', () => {
  const h = harness();
  const r = h.send(0x61, hex('00'), { useCrc: false, mark: false })!;
  assert.equal(r.useCrc, false);
  assert.notEqual(r.bytes[0], 0xff);
});

void test('LSTAT, ISTAT and OSTAT report tamper, power, inputs (as many as announced) and outputs', () => {
  const h = harness();
  h.send(0x61, hex('00'));
  h.inputs.tamper = true;
  const l = h.send(0x64)!;
  assert.equal(l.code, 0x48);
  assert.equal(toHex(l.data), '01 00');
  const i = h.send(0x65)!;
  assert.equal(i.code, 0x49);
  assert.equal(toHex(i.data), '01 00', 'two inputs announced, one known active, the other inactive');
  const o = h.send(0x66)!;
  assert.equal(o.code, 0x4a);
  assert.equal(toHex(o.data), '00');
});

void test('LED and buzzer records are decoded and emitted; an LED the PD does not have is NAK 9', () => {
  const h = harness();
  h.send(0x61, hex('00'));
  // reader 0, LED 0, temporary: set, on 3, off 2, red/off, timer 10; permanent: set, on 1, off 0, green/off
  const led = h.send(0x69, hex('00 00 02 03 02 01 00 0a 00 01 01 00 02 00'))!;
  assert.equal(led.code, 0x40);
  const e = h.events.find((x) => x.type === 'led');
  assert.deepEqual(e, {
    type: 'led',
    record: {
      reader: 0,
      led: 0,
      temporary: { control: 2, onMs: 300, offMs: 200, onColor: 'red', offColor: 'off', timerMs: 1000 },
      permanent: { control: 1, onMs: 100, offMs: 0, onColor: 'green', offColor: 'off' },
    },
  });
  const buz = h.send(0x6a, hex('00 02 01 01 02'))!;
  assert.equal(buz.code, 0x40);
  assert.deepEqual(
    h.events.find((x) => x.type === 'buzzer'),
    { type: 'buzzer', record: { reader: 0, tone: 2, onMs: 100, offMs: 100, count: 2 } },
  );
  const badLed = h.send(0x69, hex('00 01 02 03 02 01 00 0a 00 01 01 00 02 00'))!;
  assert.equal(toHex(badLed.data), '09');
  assert.equal(badLed.code, 0x41);
  assert.equal(h.events.filter((x) => x.type === 'led').length, 1, 'the refused record did nothing');
});

void test('NAK codes: 2 for a wrong length, 3 for an unknown command, 5 for secure channel without one', () => {
  const h = harness();
  assert.equal(toHex(h.send(0x61)!.data), '02', 'ID without its reply-type byte');
  assert.equal(toHex(h.send(0x60, hex('00'))!.data), '02', 'POLL with data');
  assert.equal(toHex(h.send(0x69, hex('00 00 02'))!.data), '02', 'LED record cut short');
  assert.equal(toHex(h.send(0x6b, hex('00 01 00 01 01 02 68 69'))!.data), '03', 'TEXT: no display');
  assert.equal(toHex(h.send(0x76, hex('01 02 03 04 05 06 07 08'), { securityBlock: hex('03 11 01') })!.data), '05');
  assert.equal(toHex(h.send(0x76, hex('01 02 03 04 05 06 07 08'))!.data), '05');
  const refused = h.events.filter((e) => e.type === 'refused');
  assert.equal(refused.length, 6);
});

void test('OUT switches an output, temporarily for its timer; OSTAT follows; output events on each change', () => {
  const h = harness();
  h.send(0x61, hex('00'));
  assert.equal(h.send(0x68, hex('00 05 0a 00'))!.code, 0x40, 'temporary on for 1 s');
  assert.equal(toHex(h.send(0x66)!.data), '01');
  h.clock.advance(1000);
  assert.equal(toHex(h.send(0x66)!.data), '00');
  h.send(0x68, hex('00 02 00 00'));
  assert.deepEqual(
    h.events.filter((e) => e.type === 'output'),
    [
      { type: 'output', output: 0, active: true },
      { type: 'output', output: 0, active: false },
      { type: 'output', output: 0, active: true },
    ],
  );
  assert.equal(toHex(h.send(0x68, hex('01 02 00 00'))!.data), '09', 'no output 1');
});

void test('a retried command gets the same reply bytes; its credential is not taken twice', () => {
  const h = harness();
  h.send(0x61, hex('00'));
  assert.ok(h.credentials.offer('passage-1', { format: 1, bits: 26, data: hex('12 34 56 40') }));
  assert.equal(h.credentials.offer('passage-1', { format: 1, bits: 26, data: hex('12 34 56 40') }), false, 'one passage, one offer');
  const first = h.send(0x60)!;
  assert.equal(first.code, 0x50);
  assert.equal(toHex(first.data), '00 01 1a 00 12 34 56 40');
  h.setSeq(1); // the panel did not get it and sends the same POLL again
  const again = h.send(0x60)!;
  assert.equal(toHex(again.bytes), toHex(first.bytes));
  assert.equal(h.send(0x60)!.code, 0x40, 'the next poll: nothing left');
  assert.equal(h.events.filter((e) => e.type === 'credential_sent').length, 1);
});

void test('sequence: a wrong number is NAK 4 and changes nothing; 0 starts over', () => {
  const h = harness();
  h.send(0x61, hex('00'));
  h.setSeq(3);
  const r = h.send(0x60)!;
  assert.equal(r.code, 0x41);
  assert.equal(toHex(r.data), '04');
  assert.equal(r.sequence, 3);
  h.setSeq(1);
  assert.equal(h.send(0x60)!.code, 0x40, 'the expected number still works');
  h.setSeq(0);
  assert.equal(h.send(0x61, hex('00'))!.code, 0x45);
  const fresh = harness();
  fresh.setSeq(2);
  assert.equal(toHex(fresh.send(0x60)!.data), '04', 'a PD that never saw sequence 0 wants it first');
});

void test('packets for another address and replies of other PDs are not answered; broadcast is', () => {
  const h = harness({ address: 5 });
  assert.equal(h.send(0x61, hex('00'), { address: 4 }), null);
  h.setSeq(0);
  assert.equal(h.send(0x61, hex('00'), { address: 5, reply: true }), null);
  h.setSeq(0);
  const b = h.send(0x61, hex('00'), { address: 0x7f })!;
  assert.equal(b.address, 0x7f);
  assert.equal(b.bytes[2], 0xff, 'reply flag on the broadcast address');
  const own = h.send(0x62, hex('00'), { address: 5 })!;
  assert.equal(own.address, 5);
  assert.equal(own.bytes[2], 0x85);
});

void test('offline after 8 s without a command, online again on the next one', () => {
  const h = harness();
  h.send(0x61, hex('00'));
  h.clock.advance(7999);
  assert.equal(h.pd.online, true);
  h.clock.advance(1);
  assert.equal(h.pd.online, false);
  h.setSeq(0);
  h.send(0x61, hex('00'));
  assert.deepEqual(
    h.events.filter((e) => e.type === 'online' || e.type === 'offline').map((e) => e.type),
    ['online', 'offline', 'online'],
  );
  h.pd.stop();
});

void test('a credential that waited longer than its lifetime (panel offline) is dropped, not sent late', () => {
  const clock = new FakeClock();
  const dropped: string[] = [];
  const q = new CredentialQueue(clock, { maxAgeMs: 3000, capacity: 2, onDropped: (c, why) => dropped.push(`${c.passage} ${why}`) });
  const card = { format: 1 as const, bits: 26, data: hex('00 00 00 00') };
  q.offer('a', card);
  clock.advance(3001);
  q.offer('b', card);
  assert.equal(q.take()?.passage, 'b');
  assert.equal(q.take(), null);
  q.offer('c', card);
  q.offer('d', card);
  q.offer('e', card);
  assert.deepEqual(dropped, ['a expired', 'c overflow']);
  assert.equal(q.size, 2);
});
