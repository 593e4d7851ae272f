import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { makeEvent } from '../../../daemon/core/index.ts';
import { freePort } from '../../support/mosquitto.ts';
import { tempDir } from '../../support/tmp.ts';
import { Listener, eventually, startHarness } from './harness.ts';

void test('with no broker configured, the embedded broker on 127.0.0.1 carries events and commands', async () => {
  const port = await freePort();
  const dataDir = tempDir();
  const h = await startHarness({ dataDir, mqtt: { embedded_port: port } });
  // A local hub connects with the credentials facegate made for its broker (embedded-auth.test.ts).
  const { username, password } = JSON.parse(readFileSync(join(dataDir, 'mqtt-embedded.json'), 'utf8')) as { username: string; password: string };
  const listener = await Listener.open(`mqtt://${username}:${encodeURIComponent(password)}@127.0.0.1:${port}`, ['facegate/#', 'homeassistant/#']);
  try {
    assert.equal(h.service.url, `mqtt://127.0.0.1:${port}`);
    const e = makeEvent({ door: 'front', type: 'door_opened' });
    h.bus.emit('event', e);
    await listener.until(() => listener.on('facegate/front/event').length > 0, 'the event');
    assert.equal((JSON.parse(listener.on('facegate/front/event')[0]?.payload ?? '{}') as { id: string }).id, e.id);
    assert.equal(listener.on('facegate/front/availability').at(-1)?.payload, 'online');
    assert.ok(
      listener.messages.some((m) => m.topic.startsWith('homeassistant/device/')),
      'discovery too',
    );
    await listener.publish('facegate/front/lock/set', 'LOCK');
    await eventually(() => h.door.calls.length === 1, 'the LOCK');
  } finally {
    await listener.close();
    await h.stop();
  }
  // Stopped means the port is free again.
  const again = createServer();
  await new Promise<void>((resolve, reject) => {
    again.once('error', reject);
    again.listen(port, '127.0.0.1', () => resolve());
  });
  await new Promise((r) => again.close(r));
});

void test('the embedded broker says clearly when its port is taken; the daemon keeps running and keeps events for later', async () => {
  const blocker = createServer();
  const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)));
  const h = await startHarness({ dataDir: tempDir(), mqtt: { embedded_port: port }, waitConnected: false });
  try {
    assert.ok(h.service.problem?.includes(`port ${port} is already in use`), String(h.service.problem));
    assert.ok(h.service.problem?.includes('mqtt.url'), 'it says what to do');
    const logged = h.logLines().find((l) => l.level === 50);
    assert.ok(String(logged?.problem).includes('already in use'));
    h.bus.emit('event', makeEvent({ door: 'front', type: 'door_opened' }));
    assert.equal(h.service.publisher.pending(), 1);
    assert.equal(h.service.connected, false);
  } finally {
    await h.stop();
    await new Promise((r) => blocker.close(r));
  }
});
