import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeEvent, type FacegateEvent } from '../../../daemon/core/index.ts';
import { startMosquitto, type Mosquitto } from '../../support/mosquitto.ts';
import { tempDir } from '../../support/tmp.ts';
import { Listener, startHarness, type Harness } from './harness.ts';

let broker: Mosquitto;
let h: Harness;
// Made here, not with tempDir(): a directory registered inside before() would be removed when the hook ends.
const dataDir = mkdtempSync(join(tmpdir(), 'facegate-mqtt-events-'));
let listener: Listener;

before(async () => {
  broker = await startMosquitto();
  listener = await Listener.open(broker.url, ['facegate/#']);
  h = await startHarness({
    dataDir,
    mqtt: { url: broker.url, discovery: { enabled: false } },
    metrics: async () => ({ cameraFps: 9.87, boardTemperatureC: 51.23, cpuLoadPct: 12.345 }),
  });
});

after(async () => {
  await h?.stop();
  await listener?.close();
  await broker?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const ENROLLED_NAME = 'Alice Example';

void test('availability is retained online once connected', async () => {
  await listener.until(() => listener.on('facegate/front/availability').some((m) => m.payload === 'online'), 'online');
  // A late subscriber gets it too: it is retained.
  const late = await Listener.open(broker.url, ['facegate/front/availability']);
  await late.until(() => late.messages.length > 0, 'retained availability');
  assert.equal(late.messages[0]?.payload, 'online');
  assert.equal(late.messages[0]?.retain, true);
  await late.close();
});

void test('every public event arrives on <base>/<door>/event as the JSON contract, with nothing personal', async () => {
  // What a careless producer might attach at run time: a name, an embedding, an image.
  const leaky = {
    ...makeEvent({ door: 'front', type: 'access_granted', subject: 'p_3f9a0c1d2e', score: 0.81234567, liveness: 0.97, reason: 'match' }),
    name: ENROLLED_NAME,
    embedding: Array.from({ length: 128 }, (_, i) => i / 1000 + 0.0001),
    image: 'data:image/jpeg;base64,/9j/4AAQ',
  } as FacegateEvent;
  const withNameAsSubject = makeEvent({ door: 'front', type: 'access_denied', subject: ENROLLED_NAME, reason: 'unknown' });
  const withAttributes = makeEvent({ door: 'front', type: 'unknown_face', attributes: { emotion: 'happy', age_band: '30-39', gender: 'female' } });
  for (const e of [leaky, withNameAsSubject, withAttributes]) h.bus.emit('event', e);

  await listener.until(() => listener.on('facegate/front/event').length >= 3, 'three events');
  const payloads = listener.on('facegate/front/event').map((m) => m.payload);
  for (const p of payloads) {
    assert.ok(!p.includes('Alice'), `name leaked: ${p}`);
    assert.ok(!/\[\s*-?\d+\.\d+\s*,/.test(p), `float array leaked: ${p}`);
    assert.ok(!p.includes('base64'), `image leaked: ${p}`);
  }
  const bodies = payloads.map((p) => JSON.parse(p) as Record<string, unknown>);
  assert.deepEqual(Object.keys(bodies[0] ?? {}).sort(), ['attributes', 'door', 'id', 'liveness', 'reason', 'score', 'subject', 'ts', 'type', 'v']);
  assert.equal(bodies[0]?.id, leaky.id);
  assert.equal(bodies[0]?.type, 'access_granted');
  assert.equal(bodies[0]?.subject, 'p_3f9a0c1d2e');
  assert.equal(bodies[0]?.score, 0.812);
  assert.equal(bodies[1]?.subject, null, 'a subject that is not a pseudonym is withheld');
  assert.equal(bodies[2]?.attributes, null, 'attributes stay out unless publish_attributes');
  assert.equal(
    listener.on('facegate/front/event').every((m) => !m.retain),
    true,
  );
  // Delivered events leave the outbox.
  await h.service.publisher.whenIdle();
  assert.equal(h.service.publisher.pending(), 0);
});

void test('decisions update the retained last-decision topic; door status is retained on <base>/<door>/state', async () => {
  h.bus.emit('door:status', { door: 'front', lock: 'unlocked', position: 'open', mode: 'normal', alarm: 'none', heldUnlockedUntil: null });
  h.bus.emit('event', makeEvent({ door: 'front', type: 'access_denied', subject: 'p_abcdef123', reason: 'outside_schedule' }));
  await listener.until(
    () => listener.on('facegate/front/state').length > 0 && listener.on('facegate/front/decision').some((m) => m.payload.includes('outside_schedule')),
    'state and decision',
  );
  const state = JSON.parse(listener.on('facegate/front/state').at(-1)?.payload ?? '{}') as Record<string, unknown>;
  assert.deepEqual(state, { lock: 'unlocked', position: 'open', mode: 'normal', alarm: 'none', held_unlocked_until: null });
  const decision = JSON.parse(listener.on('facegate/front/decision').at(-1)?.payload ?? '{}') as Record<string, unknown>;
  assert.equal(decision.type, 'access_denied');
  assert.equal(decision.reason, 'outside_schedule');
  assert.equal('subject' in decision, false);
  const late = await Listener.open(broker.url, ['facegate/front/state']);
  await late.until(() => late.messages.length > 0, 'retained state');
  assert.equal(late.messages[0]?.retain, true);
  await late.close();
});

void test('board metrics from the injected provider are published, rounded', async () => {
  await h.service.publishMetrics();
  await listener.until(() => listener.on('facegate/bridge/metrics').length > 0, 'metrics');
  const m = JSON.parse(listener.on('facegate/bridge/metrics').at(-1)?.payload ?? '{}') as Record<string, unknown>;
  assert.deepEqual(m, { camera_fps: 9.9, board_temperature_c: 51.2, cpu_load_pct: 12.3, retained_commands_ignored: 0 });
});

void test("the doors' status at start is published retained; a clean stop publishes offline itself", async () => {
  const extra = await startHarness({
    dataDir: tempDir(),
    mqtt: { url: broker.url, base_topic: 'other', client_id: 'facegate-other', discovery: { enabled: false } },
    doorStatuses: () => [{ door: 'front', lock: 'locked', position: 'closed', mode: 'lockdown', alarm: 'none', heldUnlockedUntil: null }],
  });
  const watch = await Listener.open(broker.url, ['other/front/availability', 'other/front/state']);
  await watch.until(() => watch.messages.some((m) => m.payload === 'online') && watch.on('other/front/state').length > 0, 'online and state');
  assert.equal((JSON.parse(watch.on('other/front/state')[0]?.payload ?? '{}') as { mode: string }).mode, 'lockdown');
  await extra.stop();
  await watch.until(() => watch.on('other/front/availability').at(-1)?.payload === 'offline', 'offline');
  await watch.close();
});
