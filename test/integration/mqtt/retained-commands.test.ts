import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMosquitto, type Mosquitto } from '../../support/mosquitto.ts';
import { tempDir } from '../../support/tmp.ts';
import { Listener, eventually, startHarness } from './harness.ts';

// Persistent, so the retained command is still there when the broker comes back: the reconnect case.
let broker: Mosquitto;
let sender: Listener;

before(async () => {
  broker = await startMosquitto({ persistent: true });
  sender = await Listener.open(broker.url, ['nothing/here']);
});
after(async () => {
  await sender?.close();
  await broker?.stop();
});

const retainedWarnings = (lines: Record<string, unknown>[]): Record<string, unknown>[] =>
  lines.filter((l) => typeof l.msg === 'string' && l.msg.includes('retained command'));

void test('a retained command is never carried out, at connect or at any reconnect; it is logged once and counted', async () => {
  // Left on the broker by someone, earlier: every (re)connect of a subscriber gets it again.
  await sender.publish('facegate/front/lockdown/set', 'ON', true);
  const h = await startHarness({
    dataDir: tempDir(),
    mqtt: { url: broker.url, reconnect_s: 1, discovery: { enabled: false } },
    metrics: () => Promise.resolve({ cameraFps: null, boardTemperatureC: null, cpuLoadPct: null }),
  });
  const metrics = await Listener.open(broker.url, ['facegate/bridge/metrics']);
  try {
    // The broker sends retained messages on subscribe, before anything published later: once the
    // live LOCK arrived, the retained lockdown has been seen.
    await sender.publish('facegate/front/lock/set', 'LOCK');
    await eventually(() => h.door.calls.length >= 1, 'the live LOCK');
    assert.deepEqual(h.door.calls, [{ op: 'holdUnlockedUntil', until: null, actor: 'mqtt:unsigned' }], 'the retained lockdown was not applied');
    assert.equal(h.service.stats().retainedCommandsIgnored, 1);

    // The broker restarts: facegate reconnects, is handed the same retained message, ignores it again.
    await broker.stop();
    await broker.start();
    await eventually(() => h.service.stats().retainedCommandsIgnored === 2, 'the retained command seen again after the reconnect', 20_000);
    await sender.publish('facegate/front/lock/set', 'LOCK');
    await eventually(() => h.door.calls.length >= 2, 'a live LOCK after the reconnect');
    assert.ok(!h.door.calls.some((c) => c.op === 'setLockdown'), JSON.stringify(h.door.calls));

    // Not a flood of events at every reconnect: no command_rejected, one warning naming the topic.
    assert.equal(h.raised.filter((e) => e.type === 'command_rejected').length, 0);
    const warned = retainedWarnings(h.logLines());
    assert.equal(warned.length, 1, JSON.stringify(warned));
    assert.equal(warned[0]?.topic, 'facegate/front/lockdown/set');

    // The count is in the published metrics.
    await h.service.publishMetrics();
    await metrics.until(
      () => metrics.on('facegate/bridge/metrics').some((m) => m.payload.includes('"retained_commands_ignored":2')),
      'the count in the metrics',
    );
  } finally {
    await metrics.close();
    await h.stop();
    await sender.publish('facegate/front/lockdown/set', '', true); // clears the retained message
  }
});

void test('a command published with the retain flag while facegate listens is carried out once (the broker forwards it live)', async () => {
  const h = await startHarness({ dataDir: tempDir(), mqtt: { url: broker.url, base_topic: 'live', discovery: { enabled: false } } });
  try {
    await sender.publish('live/front/lockdown/set', 'ON', true);
    await eventually(() => h.door.calls.length === 1, 'the lockdown');
    assert.deepEqual(h.door.calls, [{ op: 'setLockdown', on: true, actor: 'mqtt:unsigned' }]);
  } finally {
    await h.stop();
  }
  // A restart of facegate gets it again from the broker, as retained: ignored.
  const again = await startHarness({ dataDir: tempDir(), mqtt: { url: broker.url, base_topic: 'live', discovery: { enabled: false } } });
  try {
    await eventually(() => again.service.stats().retainedCommandsIgnored === 1, 'the retained copy ignored');
    assert.deepEqual(again.door.calls, []);
  } finally {
    await again.stop();
    await sender.publish('live/front/lockdown/set', '', true);
  }
});
