import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from '../../../daemon/core/index.ts';
import { OsdpPeripheral, type PdEvent } from '../../../daemon/osdp/index.ts';
import { memoryLogger } from '../../support/logger.ts';
import { buildOsdpCp, ptyPair, startControlPanel, type ControlPanel, type PtyPair } from '../../support/osdp-cp.ts';
import { tempDir } from '../../support/tmp.ts';

// facegate's PD on one end of a socat pty pair, libosdp's control panel (osdp-cp) on the other.

const identity = { vendorCode: 0x0a0b0c, model: 24, version: 1, serialNumber: 0x12345678, firmware: { major: 0, minor: 1, build: 0 } };
const card = { format: 1 as const, bits: 26, data: Uint8Array.of(0x12, 0x34, 0x56, 0x40) };

// made at file level: tempDir() called inside before() would be removed when before() ends
const dir = tempDir('facegate-osdp-');
let cpBin = '';
let pty: PtyPair;
let cp: ControlPanel;
let pd: OsdpPeripheral;
const pdEvents: PdEvent[] = [];
const { log, lines } = memoryLogger('info');
const inputs = { tamper: false, powerFailure: false, inputs: [false] };

before(async () => {
  cpBin = buildOsdpCp();
  pty = await ptyPair(dir);
  pd = new OsdpPeripheral({
    port: pty.pdPath,
    baud: 9600,
    address: 0,
    identity,
    capabilities: { inputs: 1, outputs: 1, leds: 1, buzzer: true, secureChannel: false },
    inputs: () => inputs,
    clock: systemClock,
    log,
    credentialMaxAgeMs: 3000,
    onEvent: (e) => pdEvents.push(e),
  });
  pd.start();
  cp = startControlPanel(cpBin, ['--tty', pty.cpPath, '--no-sc', '--reconnect-ms', '500']);
});

after(async () => {
  await cp?.stop();
  pd?.stop();
  await pty?.cut();
});

const cardReads = () => cp.events.filter((e) => e.event === 'cardread');
const waitPd = async (match: (e: PdEvent) => boolean, ms: number, what: string) => {
  const deadline = Date.now() + ms;
  while (!pdEvents.some(match)) {
    if (Date.now() > deadline) throw new Error(`PD: no ${what} within ${ms} ms; log: ${JSON.stringify(lines().slice(-10))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

void test('the panel sees the PD online with facegate’s PD ID and capabilities', async () => {
  const id = await cp.waitFor((e) => e.event === 'pd_id', 10_000, 'pd_id');
  assert.deepEqual(id, { event: 'pd_id', vendor: '0c0b0a', model: 24, version: 1, serial: '12345678', firmware: '0.1.0' });
  const caps = await cp.waitFor((e) => e.event === 'pd_cap', 3000, 'pd_cap');
  const names = (caps.caps as { name: string }[]).map((c) => c.name);
  assert.ok(names.includes('reader_led_control') && names.includes('reader_audible_output') && names.includes('check_character_support'), names.join());
  assert.deepEqual(await cp.waitFor((e) => e.event === 'online', 3000, 'online'), { event: 'online', sc: false });
  assert.equal(pd.status().panel, 'online');
  assert.equal(pd.status().line, 'open');
});

void test('LED, buzzer and output commands reach facegate and are acknowledged', async () => {
  let from = cp.events.length;
  cp.send({ cmd: 'led', color: 'red', on_ms: 300, off_ms: 200, count: 2 });
  await cp.waitFor((e) => e.event === 'ack' && e.cmd === 'led', 5000, 'LED ack', from);
  assert.deepEqual(pd.status().led?.temporary, { control: 2, onMs: 300, offMs: 200, onColor: 'red', offColor: 'off', timerMs: 1000 });
  from = cp.events.length;
  cp.send({ cmd: 'buzzer', on_ms: 100, off_ms: 100, count: 2 });
  await cp.waitFor((e) => e.event === 'ack' && e.cmd === 'buzzer', 5000, 'buzzer ack', from);
  assert.deepEqual(pd.status().buzzer, { reader: 0, tone: 2, onMs: 100, offMs: 100, count: 2 });
  from = cp.events.length;
  cp.send({ cmd: 'output', number: 0, state: 1, ms: 0 });
  await cp.waitFor((e) => e.event === 'ack' && e.cmd === 'output', 5000, 'output ack', from);
  assert.deepEqual(pd.status().outputs, [true]);
  assert.ok(pdEvents.some((e) => e.type === 'output' && e.active));
});

void test('the panel reads tamper and power, inputs and outputs', async () => {
  inputs.tamper = true;
  let from = cp.events.length;
  cp.send({ cmd: 'status', report: 'local' });
  assert.deepEqual((await cp.waitFor((e) => e.event === 'status', 5000, 'local status', from)).data, [1, 0]);
  inputs.tamper = false;
  from = cp.events.length;
  cp.send({ cmd: 'status', report: 'output' });
  assert.deepEqual((await cp.waitFor((e) => e.event === 'status', 5000, 'output status', from)).data, [1]);
});

void test('a credential offered for a passage reaches the panel as osdp_RAW once', async () => {
  assert.equal(pd.offerCredential('passage-1', card), true);
  const read = await cp.waitFor((e) => e.event === 'cardread', 5000, 'cardread');
  assert.deepEqual(read, { event: 'cardread', format: 'wiegand', bits: 26, data: '12345640', reader: 0 });
  assert.equal(pd.offerCredential('passage-1', card), false, 'the same passage again is refused');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(cardReads().length, 1);
  assert.equal(pd.status().credentialsSent, 1);
});

void test('line cut and restored: the PD is back online by itself, and nothing is sent twice or late', async () => {
  let from = cp.events.length;
  await pty.cut();
  await cp.waitFor((e) => e.event === 'offline', 15_000, 'offline after the cut', from);
  await waitPd((e) => e.type === 'offline', 10_000, 'PD offline');
  assert.equal(pd.offerCredential('passage-during-cut', card), true);
  await new Promise((r) => setTimeout(r, 3200)); // longer than the credential's lifetime
  from = cp.events.length;
  await pty.restore();
  await cp.waitFor((e) => e.event === 'online', 15_000, 'online after the line came back', from);
  assert.equal(pd.status().panel, 'online');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(cardReads().length, 1, 'the stale credential from during the cut was not sent');
  assert.ok(lines().some((l) => l.msg === 'OSDP credential dropped before the panel polled for it' && l.why === 'expired'));
  assert.equal(pd.offerCredential('passage-2', card), true);
  await cp.waitFor((e) => e.event === 'cardread', 5000, 'the next cardread', from);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(cardReads().length, 2);
  assert.ok(lines().some((l) => l.msg === 'OSDP serial line closed; re-opening'));
});

void test('a command facegate does not implement is NAKed (3) and the PD comes back online', async () => {
  const from = cp.events.length;
  cp.send({ cmd: 'text', text: 'Hello' });
  await cp.waitFor((e) => e.event === 'error' && e.cmd === 'text', 5000, 'text refused', from);
  assert.ok(pdEvents.some((e) => e.type === 'refused' && e.command === 0x6b && e.nak === 3));
  await cp.waitFor((e) => e.event === 'online', 15_000, 'online again after the NAK', from);
});
