import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AccessDecision, FacegateEvent } from '../../../daemon/core/index.ts';
import { startDaemon, type RunningDaemon } from '../../../daemon/main.ts';
import { buildOsdpCp, ptyPair, startControlPanel, type ControlPanel, type PtyPair } from '../../support/osdp-cp.ts';
import { osdpDaemonEnv, osdpData } from '../../support/osdp-store.ts';
import { tempDir } from '../../support/tmp.ts';

// The daemon with osdp.enabled on one end of a pty pair, libosdp's control panel on the other, a
// configured SCBK on both: a granted decision for a person with a credential reaches the panel once.

const SCBK = '00112233445566778899aabbccddeeff';
const dir = tempDir('facegate-osdp-daemon-');
const dataDir = join(dir, 'data');
let pty: PtyPair;
let cp: ControlPanel;
let daemon: RunningDaemon;
const events: FacegateEvent[] = [];

/** Alice enrolled with a 26-bit card (facility 1, card 1 → 80800080), Bob without one; before the daemon starts. */
function seed(): void {
  mkdirSync(dataDir);
  const { db, store } = osdpData(dataDir, ['alice', 'bob']);
  store.setCredential('alice', { format: 'wiegand26', facility: 1, card: 1 });
  db.close();
}

const decision = (d: Partial<AccessDecision>): AccessDecision => ({
  door: 'front',
  granted: true,
  reason: 'match',
  personId: 'alice',
  score: 0.8,
  liveness: 0.9,
  at: Date.now(),
  eventId: randomUUID(),
  frameAt: 0,
  ...d,
});

before(async () => {
  const cpBin = buildOsdpCp();
  seed();
  pty = await ptyPair(dir);
  daemon = await startDaemon({
    env: osdpDaemonEnv(dataDir, pty.pdPath, { FACEGATE_ADMIN__ENABLED: 'false', FACEGATE_OSDP__SCBK_SECRET: SCBK }),
  });
  daemon.bus.on('event', (e) => events.push(e));
  cp = startControlPanel(cpBin, ['--tty', pty.cpPath, '--scbk', SCBK, '--reconnect-ms', '500']);
});

after(async () => {
  await cp?.stop();
  await daemon?.stop('test');
  await pty?.cut();
});

void test('the daemon starts its OSDP reader as a step; the panel sees it online under the secure channel', async () => {
  assert.ok(daemon.steps.includes('osdp'), daemon.steps.join());
  const id = await cp.waitFor((e) => e.event === 'pd_id', 10_000, 'pd_id');
  assert.equal(id.vendor, '000000');
  assert.equal(id.model, 1);
  assert.match(String(id.firmware), /^\d+\.\d+\.\d+$/);
  assert.deepEqual(await cp.waitFor((e) => e.event === 'online', 10_000, 'online'), { event: 'online', sc: true });
});

void test('a grant for a person with a credential sends it once; a stranger, a spoof, a person without one send nothing', async () => {
  const grant = decision({});
  daemon.bus.emit('decision', grant);
  const read = await cp.waitFor((e) => e.event === 'cardread', 5000, 'cardread');
  assert.deepEqual(read, { event: 'cardread', format: 'wiegand', bits: 26, data: '80800080', reader: 0 });
  daemon.bus.emit('decision', grant); // the same passage again
  daemon.bus.emit('decision', decision({ granted: false, reason: 'unknown', personId: null }));
  daemon.bus.emit('decision', decision({ granted: false, reason: 'spoof_suspected' }));
  daemon.bus.emit('decision', decision({ granted: false, reason: 'lockout' }));
  daemon.bus.emit('decision', decision({ personId: 'bob' }));
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(cp.events.filter((e) => e.event === 'cardread').length, 1);
});

void test('the panel’s LED and buzzer commands and its link become public events of the door', async () => {
  assert.ok(
    events.some((e) => e.type === 'osdp_online' && e.door === 'front'),
    JSON.stringify(events.map((e) => e.type)),
  );
  const from = cp.events.length;
  cp.send({ cmd: 'led', color: 'red', on_ms: 300, off_ms: 200, count: 2 });
  await cp.waitFor((e) => e.event === 'ack' && e.cmd === 'led', 5000, 'LED ack', from);
  cp.send({ cmd: 'buzzer', on_ms: 100, off_ms: 100, count: 1 });
  await cp.waitFor((e) => e.event === 'ack' && e.cmd === 'buzzer', 5000, 'buzzer ack', from);
  assert.deepEqual(
    events.filter((e) => e.type === 'osdp_led' || e.type === 'osdp_buzzer').map((e) => [e.type, e.reason]),
    [
      ['osdp_led', 'led 0: red 300/200 ms for 1000 ms'],
      ['osdp_buzzer', 'tone 2: 100/100 ms, once'],
    ],
  );
});
