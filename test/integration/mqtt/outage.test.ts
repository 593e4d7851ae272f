import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeEvent, type FacegateEvent } from '../../../daemon/core/index.ts';
import { startMosquitto, type Mosquitto } from '../../support/mosquitto.ts';
import { tempDir } from '../../support/tmp.ts';
import { Listener, eventually, startHarness } from './harness.ts';

let broker: Mosquitto;

before(async () => {
  broker = await startMosquitto({ persistent: true });
});
after(async () => {
  await broker?.stop();
});

function raise(h: { bus: { emit(t: 'event', e: FacegateEvent): void } }, n: number, tag: string): string[] {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const e = makeEvent({ door: 'front', type: 'unknown_face', reason: `${tag}-${i}` });
    ids.push(e.id);
    h.bus.emit('event', e);
  }
  return ids;
}

function receivedIds(l: Listener, topic = 'facegate/front/event'): string[] {
  return l.on(topic).map((m) => (JSON.parse(m.payload) as { id: string }).id);
}

void test('broker stopped for a while and restarted: every event delivered once, in order', async () => {
  // A persistent session: the listener misses nothing while the broker is down and back.
  const listener = await Listener.open(broker.url, ['facegate/front/event'], 'outage-listener');
  const h = await startHarness({ dataDir: tempDir(), mqtt: { url: broker.url, reconnect_s: 1, discovery: { enabled: false } } });
  try {
    const ids = raise(h, 5, 'before');
    await listener.until(() => listener.messages.length >= 5, 'events before the outage');

    await broker.stop();
    // Some events race the connection loss (handed to the client before it noticed), the rest wait in the outbox.
    ids.push(...raise(h, 3, 'racing'));
    await eventually(() => !h.service.connected, 'the client noticing the outage');
    ids.push(...raise(h, 40, 'during'));
    assert.ok(h.service.publisher.pending() >= 40, `outbox holds the events: ${h.service.publisher.pending()}`);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(h.service.connected, false);

    await broker.start();
    ids.push(...raise(h, 2, 'after'));
    await listener.until(() => listener.messages.length >= ids.length, `all ${ids.length} events`);
    await h.service.publisher.whenIdle();
    // Anything extra would have arrived by now too: give it a moment, then compare exactly.
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(receivedIds(listener), ids);
    assert.equal(h.service.publisher.pending(), 0);
    const warned = h.logLines().some((l) => l.level === 40 && String(l.msg).includes('unreachable'));
    assert.ok(warned, 'the outage is logged once as a warning');
  } finally {
    await h.stop();
    await listener.close();
  }
});

void test('daemon restarted with a full outbox: the newest events are delivered in order and the dropped ones counted', async () => {
  const dataDir = tempDir();
  await broker.stop();
  const first = await startHarness({ dataDir, mqtt: { url: broker.url, reconnect_s: 1, outbox_max: 20, discovery: { enabled: false } }, waitConnected: false });
  const ids = raise(first, 30, 'offline');
  assert.equal(first.service.publisher.pending(), 20);
  const drops = first.logLines().filter((l) => l.level === 40 && String(l.msg).includes('outbox full'));
  assert.equal(drops.length, 10);
  assert.equal(drops.at(-1)?.droppedTotal, 10);
  await first.stop();

  await broker.start();
  const listener = await Listener.open(broker.url, ['facegate/front/event']);
  const second = await startHarness({ dataDir, mqtt: { url: broker.url, reconnect_s: 1, outbox_max: 20, discovery: { enabled: false } } });
  try {
    await listener.until(() => listener.messages.length >= 20, 'the 20 kept events');
    await second.service.publisher.whenIdle();
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(receivedIds(listener), ids.slice(10));
    const row = second.db.prepare("SELECT value FROM mqtt_counters WHERE name = 'outbox_dropped'").get() as { value: number };
    assert.equal(row.value, 10);
    // The events themselves are all in the event store, dropped from the outbox or not.
    const stored = second.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number };
    assert.equal(stored.n, 30);
  } finally {
    await second.stop();
    await listener.close();
  }
});
