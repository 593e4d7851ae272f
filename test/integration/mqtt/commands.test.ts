import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { signedPayload } from '../../../daemon/mqtt/index.ts';
import { startMosquitto, type Mosquitto } from '../../support/mosquitto.ts';
import { tempDir } from '../../support/tmp.ts';
import { Listener, eventually, startHarness, type Harness } from './harness.ts';

const SECRET = 'test-secret-0123456789abcdef';
let broker: Mosquitto;
let sender: Listener;

before(async () => {
  broker = await startMosquitto();
  sender = await Listener.open(broker.url, ['facegate/+/event']);
});
after(async () => {
  await sender?.close();
  await broker?.stop();
});

const nonce = (): string => randomBytes(12).toString('hex');

function rejections(h: Harness): string[] {
  return h.raised.filter((e) => e.type === 'command_rejected').map((e) => String(e.reason));
}

async function waitRejections(h: Harness, n: number): Promise<string[]> {
  await eventually(() => rejections(h).length >= n, `${n} command_rejected events`);
  return rejections(h);
}

void test('defaults: LOCK is carried out, UNLOCK is refused (unlocking over MQTT is off)', async () => {
  const h = await startHarness({ dataDir: tempDir(), mqtt: { url: broker.url, discovery: { enabled: false } } });
  try {
    await sender.publish('facegate/front/lock/set', 'LOCK');
    await eventually(() => h.door.calls.length === 1, 'the LOCK call');
    assert.deepEqual(h.door.calls[0], { op: 'holdUnlockedUntil', until: null, actor: 'mqtt:unsigned' });
    await sender.publish('facegate/front/lock/set', 'UNLOCK');
    await sender.publish('facegate/front/lock/set', 'OPEN');
    await sender.publish('facegate/front/hold/set', '600');
    assert.deepEqual(await waitRejections(h, 3), ['lock: unlock_disabled', 'lock: unlock_disabled', 'hold: unlock_disabled']);
    assert.equal(h.door.calls.length, 1, 'nothing but the LOCK reached the door');
    // The rejection is a public event: it goes out on the event topic too.
    await sender.until(() => sender.on('facegate/front/event').filter((m) => m.payload.includes('command_rejected')).length >= 3, 'rejection events on MQTT');
  } finally {
    await h.stop();
  }
});

void test('unlock on with signatures: forged, stale, replayed, unsigned and moved commands are refused; a good one opens', async () => {
  const h = await startHarness({
    dataDir: tempDir(),
    mqtt: { url: broker.url, base_topic: 'signed', discovery: { enabled: false }, commands: { unlock: true, hmac_secret: SECRET, replay_window_s: 30 } },
  });
  try {
    const fields = (action: string, ts = Date.now(), n = nonce()) => ({ door: 'front', command: 'lock', action, ts, nonce: n });
    const good = fields('UNLOCK');
    await sender.publish('signed/front/lock/set', 'UNLOCK'); // unsigned
    await sender.publish('signed/front/lock/set', signedPayload('a-different-secret-xyz', fields('UNLOCK'))); // forged
    await sender.publish('signed/front/lock/set', signedPayload(SECRET, fields('UNLOCK', Date.now() - 120_000))); // stale
    await sender.publish('signed/front/lock/set', JSON.stringify({ ...JSON.parse(signedPayload(SECRET, fields('LOCK'))), action: 'UNLOCK' })); // altered
    await sender.publish('signed/front/lock/set', signedPayload(SECRET, { ...fields('UNLOCK'), door: 'back' })); // signed for another door
    await sender.publish('signed/front/lock/set', signedPayload(SECRET, good));
    await eventually(() => h.door.calls.length === 1, 'the good UNLOCK');
    await sender.publish('signed/front/lock/set', signedPayload(SECRET, good)); // replayed
    assert.deepEqual(await waitRejections(h, 6), [
      'lock: signature_required',
      'lock: bad_signature',
      'lock: stale',
      'lock: bad_signature',
      'lock: bad_signature',
      'lock: replayed',
    ]);
    assert.equal(h.door.calls.length, 1);
    assert.deepEqual(h.door.calls[0], { op: 'unlock', by: { kind: 'mqtt', actor: 'mqtt:signed' } });

    // The door may still refuse (lockdown): that is reported too.
    h.door.unlockResult = false;
    await sender.publish('signed/front/lock/set', signedPayload(SECRET, fields('OPEN')));
    assert.equal((await waitRejections(h, 7)).at(-1), 'lock: door_refused');

    // Admin commands: lockdown ON needs nothing more, lifting it needs a signature; hold takes seconds.
    await sender.publish('signed/front/lockdown/set', 'ON');
    await sender.publish('signed/front/lockdown/set', 'OFF');
    await sender.publish(
      'signed/front/lockdown/set',
      signedPayload(SECRET, { door: 'front', command: 'lockdown', action: 'OFF', ts: Date.now(), nonce: nonce() }),
    );
    await sender.publish('signed/front/hold/set', signedPayload(SECRET, { door: 'front', command: 'hold', action: '60', ts: Date.now(), nonce: nonce() }));
    await eventually(() => h.door.calls.length === 5, 'lockdown on/off and hold');
    assert.deepEqual(h.door.calls.slice(2, 4), [
      { op: 'setLockdown', on: true, actor: 'mqtt:unsigned' },
      { op: 'setLockdown', on: false, actor: 'mqtt:signed' },
    ]);
    const hold = h.door.calls[4];
    assert.equal(hold?.op, 'holdUnlockedUntil');
    assert.ok(hold?.op === 'holdUnlockedUntil' && hold.until instanceof Date && hold.until.getTime() > Date.now() + 50_000);
    assert.equal((await waitRejections(h, 8)).at(-1), 'lockdown: signature_required');
  } finally {
    await h.stop();
  }
});

void test('a replay is refused after a daemon restart too (nonces are kept in the store)', async () => {
  const dataDir = tempDir();
  const mqtt = { url: broker.url, base_topic: 'restart', discovery: { enabled: false }, commands: { unlock: true, hmac_secret: SECRET } };
  const payload = signedPayload(SECRET, { door: 'front', command: 'lock', action: 'UNLOCK', ts: Date.now(), nonce: nonce() });
  const first = await startHarness({ dataDir, mqtt });
  await sender.publish('restart/front/lock/set', payload);
  await eventually(() => first.door.calls.length === 1, 'the first UNLOCK');
  await first.stop();
  const second = await startHarness({ dataDir, mqtt });
  try {
    await sender.publish('restart/front/lock/set', payload);
    assert.deepEqual(await waitRejections(second, 1), ['lock: replayed']);
    assert.equal(second.door.calls.length, 0);
  } finally {
    await second.stop();
  }
});

void test('garbage: a 1 MB payload, bad UTF-8, unknown words and unknown doors are ignored with an error event; the daemon stays up', async () => {
  const h = await startHarness({ dataDir: tempDir(), mqtt: { url: broker.url, base_topic: 'junk', discovery: { enabled: false } } });
  try {
    await sender.publish('junk/front/lock/set', randomBytes(1024 * 1024));
    await sender.publish('junk/front/lock/set', Buffer.from([0xff, 0xfe, 0x00, 0x41]));
    await sender.publish('junk/front/lock/set', 'unlock please');
    await sender.publish('junk/front/lock/set', '{"action":"UNLOCK","ts":"soon"}');
    await sender.publish('junk/front/hold/set', '99999999');
    await sender.publish('junk/garage/lock/set', 'LOCK');
    assert.deepEqual(await waitRejections(h, 6), [
      'lock: payload_too_large',
      'lock: malformed',
      'lock: malformed',
      'lock: malformed',
      'hold: malformed',
      'lock: unknown_door',
    ]);
    assert.equal(h.door.calls.length, 0);
    for (const e of h.raised) assert.equal(e.door, 'front', 'events name configured doors only');
    // Still up and still obeying.
    await sender.publish('junk/front/lock/set', 'LOCK');
    await eventually(() => h.door.calls.length === 1, 'LOCK after the garbage');
    assert.equal(h.service.connected, true);
  } finally {
    await h.stop();
  }
});

void test('commands disabled: even LOCK is refused', async () => {
  const h = await startHarness({
    dataDir: tempDir(),
    mqtt: { url: broker.url, base_topic: 'off', discovery: { enabled: false }, commands: { enabled: false } },
  });
  try {
    await sender.publish('off/front/lock/set', 'LOCK');
    await sender.publish('off/front/lockdown/set', 'ON');
    assert.deepEqual(await waitRejections(h, 2), ['lock: commands_disabled', 'lockdown: commands_disabled']);
    assert.equal(h.door.calls.length, 0);
  } finally {
    await h.stop();
  }
});
