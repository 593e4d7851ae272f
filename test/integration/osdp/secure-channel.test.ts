import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock } from '../../../daemon/core/index.ts';
import { OsdpPeripheral, type PdEvent } from '../../../daemon/osdp/index.ts';
import { memoryLogger } from '../../support/logger.ts';
import { buildOsdpCp, ptyPair, startControlPanel } from '../../support/osdp-cp.ts';
import { tempDir } from '../../support/tmp.ts';

// facegate's PD and libosdp's control panel with a secure channel: a configured SCBK, install mode, wrong keys.

const K1 = '00112233445566778899aabbccddeeff';
const K2 = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const identity = { vendorCode: 0x0a0b0c, model: 24, version: 1, serialNumber: 0x12345678, firmware: { major: 0, minor: 1, build: 0 } };
const card = { format: 1 as const, bits: 26, data: Uint8Array.of(0x12, 0x34, 0x56, 0x40) };
const root = tempDir('facegate-osdp-sc-');
let n = 0;

async function pair(secure: { scbk: string | null; installMode: boolean }, cpArgs: string[]) {
  const cpBin = buildOsdpCp();
  const dir = join(root, String(n++));
  mkdirSync(dir);
  const pty = await ptyPair(dir);
  const stored: string[] = [];
  const events: PdEvent[] = [];
  const { log, lines } = memoryLogger('info');
  const pd = new OsdpPeripheral({
    port: pty.pdPath,
    baud: 9600,
    address: 0,
    identity,
    capabilities: { inputs: 0, outputs: 0, leds: 1, buzzer: true, secureChannel: false },
    inputs: () => ({ tamper: false, powerFailure: false, inputs: [] }),
    clock: systemClock,
    log,
    credentialMaxAgeMs: 5000,
    onEvent: (e) => events.push(e),
    secure: {
      scbk: secure.scbk ? Buffer.from(secure.scbk, 'hex') : null,
      installMode: secure.installMode,
      storeKey: (k) => stored.push(Buffer.from(k).toString('hex')),
    },
  });
  pd.start();
  const cp = startControlPanel(cpBin, ['--tty', pty.cpPath, '--reconnect-ms', '500', ...cpArgs]);
  const stop = async () => {
    await cp.stop();
    pd.stop();
    await pty.cut();
  };
  return { pd, cp, stored, events, lines, stop };
}

void test('a configured SCBK: the session comes up, the credential and the LED travel under it', async () => {
  const s = await pair({ scbk: K1, installMode: false }, ['--scbk', K1]);
  try {
    assert.deepEqual(await s.cp.waitFor((e) => e.event === 'sc_active', 10_000, 'sc_active'), { event: 'sc_active', scbkd: false });
    assert.deepEqual(await s.cp.waitFor((e) => e.event === 'online', 3000, 'online'), { event: 'online', sc: true });
    assert.equal(s.pd.status().secureChannel, 'active');
    s.pd.offerCredential('passage-1', card);
    assert.equal((await s.cp.waitFor((e) => e.event === 'cardread', 5000, 'cardread under SC')).data, '12345640');
    const from = s.cp.events.length;
    s.cp.send({ cmd: 'led', color: 'blue', on_ms: 500, off_ms: 500, count: 1 });
    await s.cp.waitFor((e) => e.event === 'ack' && e.cmd === 'led', 5000, 'LED ack under SC', from);
    assert.equal(s.pd.status().led?.temporary.onColor, 'blue');
    assert.deepEqual(s.stored, []);
  } finally {
    await s.stop();
  }
});

void test('install mode: a session under SCBK-D, the panel’s KEYSET stored, a new session with it, install mode off', async () => {
  const s = await pair({ scbk: null, installMode: true }, ['--install-mode', '--scbk', K2]);
  try {
    assert.deepEqual(await s.cp.waitFor((e) => e.event === 'sc_active', 10_000, 'sc_active with SCBK-D'), { event: 'sc_active', scbkd: true });
    const first = s.cp.events.findIndex((e) => e.event === 'sc_active');
    assert.deepEqual(await s.cp.waitFor((e) => e.event === 'sc_active', 5000, 'sc_active with the new key', first + 1), { event: 'sc_active', scbkd: false });
    await s.cp.waitFor((e) => e.event === 'online', 3000, 'online');
    assert.deepEqual(s.stored, [K2], 'the KEYSET key was stored');
    assert.equal(s.pd.status().installMode, false);
    assert.equal(s.pd.status().secureChannel, 'active');
    assert.ok(s.events.some((e) => e.type === 'secure_channel' && !e.active && /install mode off/.test(e.reason)));
  } finally {
    await s.stop();
  }
});

void test('install mode off: the panel cannot use SCBK-D, sets no key and gets nothing in plain text', async () => {
  const s = await pair({ scbk: K1, installMode: false }, ['--install-mode', '--scbk', K2]);
  try {
    // libosdp's CP, its handshakes failed, tries plain text; the PD NAKs its first POLL (6) and it drops the PD
    await s.cp.waitFor((e) => e.event === 'offline', 10_000, 'offline after the plain-text poll was refused');
    s.pd.offerCredential('passage-1', card);
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(
      s.cp.events.some((e) => e.event === 'sc_active' || e.event === 'cardread'),
      false,
      JSON.stringify(s.cp.events),
    );
    assert.deepEqual(s.stored, []);
    assert.ok(s.events.some((e) => e.type === 'refused' && /install mode is off/.test(e.why)));
    assert.ok(s.events.some((e) => e.type === 'refused' && /plain text refused/.test(e.why)));
  } finally {
    await s.stop();
  }
});

void test('a wrong SCBK: never online', async () => {
  const s = await pair({ scbk: K1, installMode: false }, ['--scbk', K2]);
  try {
    await s.cp.waitFor((e) => e.event === 'error' && /connect attempt failed/.test(String(e.message)), 15_000, 'a failed connect attempt');
    assert.equal(
      s.cp.events.some((e) => e.event === 'online'),
      false,
    );
    assert.match(s.cp.stderr(), /Failed to verify PD cryptogram|CHLNG failed/);
  } finally {
    await s.stop();
  }
});
