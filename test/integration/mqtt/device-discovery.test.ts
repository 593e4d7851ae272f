import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MIGRATE_DISCOVERY } from '../../../daemon/mqtt/discovery-plan.ts';
import { discoveryMessages, Topics } from '../../../daemon/mqtt/index.ts';
import { startMosquitto, type Mosquitto } from '../../support/mosquitto.ts';
import { tempDir } from '../../support/tmp.ts';
import { FRONT_WIRED_GARAGE_BARE, Listener, startHarness, type Received } from './harness.ts';
import { validateDeviceConfig } from './ha-schema.ts';

let broker: Mosquitto;
before(async () => {
  broker = await startMosquitto();
});
after(async () => {
  await broker?.stop();
});

const DOORS = FRONT_WIRED_GARAGE_BARE;
const PANEL = 'https://gate.local:8443/';
type DeviceConfig = { device: { configuration_url?: string }; origin: { support_url?: string }; components: Record<string, Record<string, unknown>> };

const entityTopics = (node: string, doors = DOORS) =>
  discoveryMessages({ topics: new Topics('facegate', 'homeassistant'), node, doors, version: '0' }).map((m) => m.topic);

/** The retained discovery a Home Assistant starting now would read (a fresh subscriber, after the broker sent its retained copies). */
async function retainedNow(node: string): Promise<Received[]> {
  const l = await Listener.open(broker.url, [`homeassistant/+/${node}/#`]);
  await new Promise((r) => setTimeout(r, 300));
  await l.close();
  return l.messages.filter((m) => m.retain && m.payload !== '');
}

void test('device-based discovery (the default): one retained config with every entity, the panel linked, and a removed door deleted component by component', async () => {
  const dataDir = tempDir();
  const mqtt = { url: broker.url, discovery: { node_id: 'dev1' } };
  const h = await startHarness({ dataDir, mqtt, doors: DOORS, configurationUrl: PANEL });
  const topic = 'homeassistant/device/dev1/config';
  let first: DeviceConfig;
  try {
    const retained = await retainedNow('dev1');
    assert.deepEqual(
      retained.map((m) => m.topic),
      [topic],
      'only the device config, no per-entity configs',
    );
    first = JSON.parse(retained[0]?.payload ?? '{}') as DeviceConfig;
    validateDeviceConfig(topic, first);
    assert.equal(first.device.configuration_url, PANEL, 'Visit device opens the admin panel');
    assert.equal(first.origin.support_url, PANEL, 'no project homepage in package.json: support is the panel');
    const expected = discoveryMessages({ topics: h.service.topics, node: 'dev1', doors: DOORS, version: '0' });
    assert.deepEqual(Object.keys(first.components).sort(), expected.map((m) => m.objectId).sort());
    assert.equal(first.components.front_lock?.default_entity_id, 'lock.facegate_dev1_front_lock');
  } finally {
    await h.stop();
  }

  // The garage taken out of the config: its components are sent once with only their platform (HA deletes them).
  const watcher = await Listener.open(broker.url, [topic]);
  const again = await startHarness({ dataDir, mqtt, doors: DOORS.slice(0, 1), configurationUrl: PANEL });
  try {
    await watcher.until(() => watcher.messages.some((m) => !m.retain), 'the new device config');
    const live = JSON.parse(watcher.messages.find((m) => !m.retain)?.payload ?? '{}') as DeviceConfig;
    const garage = Object.entries(live.components).filter(([id]) => id.startsWith('garage_'));
    assert.deepEqual(
      garage.map(([id]) => id).sort(),
      Object.keys(first.components)
        .filter((id) => id.startsWith('garage_'))
        .sort(),
    );
    assert.ok(
      garage.every(([, c]) => JSON.stringify(c) === JSON.stringify({ platform: c.platform })),
      'platform only',
    );
    validateDeviceConfig(topic, { ...live, components: Object.fromEntries(Object.entries(live.components).filter(([id]) => !id.startsWith('garage_'))) });
    // Asked again (HA's birth message), the removal is not repeated: it is no longer on record.
    watcher.messages.length = 0;
    await watcher.publish('homeassistant/status', 'online');
    await watcher.until(() => watcher.messages.length > 0, 'republished');
    const republished = JSON.parse(watcher.messages[0]?.payload ?? '{}') as DeviceConfig;
    assert.ok(Object.keys(republished.components).every((id) => !id.startsWith('garage_')));
  } finally {
    await again.stop();
    await watcher.close();
  }
});

void test('changing the form hands the entities over: migrate_discovery on the old configs before the new one, the old ones cleared after; and back again', async () => {
  const dataDir = tempDir();
  const node = 'dev2';
  const device = `homeassistant/device/${node}/config`;
  const entity = { url: broker.url, discovery: { node_id: node, mode: 'entity' } };
  const first = await startHarness({ dataDir, mqtt: entity, doors: DOORS });
  await first.stop();
  const olds = entityTopics(node);
  assert.deepEqual((await retainedNow(node)).map((m) => m.topic).sort(), [...olds].sort());

  const watcher = await Listener.open(broker.url, [`homeassistant/+/${node}/#`]);
  watcher.messages.length = 0;
  await new Promise((r) => setTimeout(r, 300));
  watcher.messages.length = 0; // the retained copies at subscription
  const toDevice = await startHarness({ dataDir, mqtt: { url: broker.url, discovery: { node_id: node, mode: 'device' } }, doors: DOORS });
  try {
    await watcher.until(() => watcher.messages.filter((m) => m.payload === '').length >= olds.length, 'the old configs cleared');
    const seq = watcher.messages.map((m) =>
      m.topic === device ? 'device' : m.payload === MIGRATE_DISCOVERY ? 'migrate' : m.payload === '' ? 'clear' : 'other',
    );
    const at = seq.indexOf('device');
    assert.ok(at > 0, 'the device config was published');
    assert.deepEqual(
      seq.slice(0, at),
      olds.map(() => 'migrate'),
      'every old config says migrate_discovery first',
    );
    assert.deepEqual(
      seq.slice(at + 1),
      olds.map(() => 'clear'),
      'then they are cleared',
    );
    assert.deepEqual(
      (await retainedNow(node)).map((m) => m.topic),
      [device],
    );
  } finally {
    await toDevice.stop();
  }

  watcher.messages.length = 0;
  const back = await startHarness({ dataDir, mqtt: entity, doors: DOORS });
  try {
    await watcher.until(() => watcher.messages.some((m) => m.topic === device && m.payload === ''), 'the device config cleared');
    const onDevice = watcher.messages.filter((m) => m.topic === device).map((m) => m.payload);
    assert.deepEqual(onDevice, [MIGRATE_DISCOVERY, '']);
    const firstEntity = watcher.messages.findIndex((m) => m.topic !== device);
    const cleared = watcher.messages.findIndex((m) => m.topic === device && m.payload === '');
    assert.ok(firstEntity > 0 && cleared > firstEntity, 'migrate, the entity configs, then the device config cleared');
    assert.deepEqual((await retainedNow(node)).map((m) => m.topic).sort(), [...olds].sort());
  } finally {
    await back.stop();
    await watcher.close();
  }
});
