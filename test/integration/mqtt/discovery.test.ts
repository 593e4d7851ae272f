import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { discoveryMessages, Topics } from '../../../daemon/mqtt/index.ts';
import { startMosquitto, type Mosquitto } from '../../support/mosquitto.ts';
import { tempDir } from '../../support/tmp.ts';
import { FRONT_WIRED_GARAGE_BARE, Listener, eventually, startHarness, type Received } from './harness.ts';
import { validateEntityConfig } from './ha-schema.ts';

let broker: Mosquitto;
before(async () => {
  broker = await startMosquitto();
});
after(async () => {
  await broker?.stop();
});

const DOORS = FRONT_WIRED_GARAGE_BARE;
const SNAPSHOT = new URL('./discovery.snapshot.json', import.meta.url);

void test('discovery payloads match the snapshot and what Home Assistant requires per component', () => {
  const messages = discoveryMessages({ topics: new Topics('facegate', 'homeassistant'), node: 'gate1', doors: DOORS, version: '1.2.3' });
  for (const m of messages) validateEntityConfig(m.topic, m.payload);
  const uniqueIds = messages.map((m) => m.payload.unique_id).filter((u) => u !== undefined);
  assert.equal(new Set(uniqueIds).size, uniqueIds.length, 'unique ids are unique');
  const perDoor = (door: string, component: string) => messages.filter((m) => m.component === component && m.objectId.startsWith(`${door}_`)).length;
  for (const [door, sensors, triggers] of [
    ['front', 3, 7],
    ['garage', 0, 4],
  ] as const) {
    assert.equal(perDoor(door, 'lock'), 1);
    assert.equal(perDoor(door, 'binary_sensor'), sensors);
    assert.equal(perDoor(door, 'event'), 1);
    assert.equal(perDoor(door, 'device_automation'), triggers);
  }
  const contact = messages.find((m) => m.objectId === 'front_contact');
  assert.equal(contact?.payload.device_class, 'door');
  const snapshot = JSON.stringify(messages, null, 2);
  // UPDATE_SNAPSHOTS=1 rewrites it after an intended change; review the diff.
  if (process.env.UPDATE_SNAPSHOTS === '1') writeFileSync(SNAPSHOT, `${snapshot}\n`);
  assert.ok(existsSync(SNAPSHOT), 'discovery.snapshot.json is missing: run with UPDATE_SNAPSHOTS=1 once and review it');
  assert.equal(snapshot, readFileSync(SNAPSHOT, 'utf8').trimEnd());
});

void test("the lock advertises Open only when Home Assistant's OPEN would be carried out: unsigned unlocking on, commands on", () => {
  const open = (commands?: { enabled: boolean; unlock: boolean; require_signature: boolean; trusted_user?: string }) =>
    discoveryMessages({ topics: new Topics('facegate', 'homeassistant'), node: 'gate1', doors: DOORS, version: '1', ...(commands ? { commands } : {}) })
      .filter((m) => m.component === 'lock')
      .map((m) => m.payload.payload_open ?? null);
  assert.deepEqual(open(), [null, null], 'no commands section given: the defaults');
  assert.deepEqual(open({ enabled: true, unlock: false, require_signature: true }), [null, null], 'the defaults');
  assert.deepEqual(open({ enabled: true, unlock: true, require_signature: true }), [null, null], 'Home Assistant cannot sign');
  assert.deepEqual(open({ enabled: false, unlock: true, require_signature: false }), [null, null], 'commands off');
  assert.deepEqual(open({ enabled: true, unlock: true, require_signature: false }), ['OPEN', 'OPEN']);
  assert.deepEqual(
    open({ enabled: true, unlock: true, require_signature: true, trusted_user: 'homeassistant' }),
    ['OPEN', 'OPEN'],
    "Home Assistant's broker user trusted",
  );
  assert.deepEqual(open({ enabled: true, unlock: false, require_signature: true, trusted_user: 'homeassistant' }), [null, null], 'trusted, but unlocking off');
});

void test("the security level is a select only where Home Assistant's choice would be carried out (its user trusted, commands on, the admin room keeping settings); else a sensor; absent, neither", () => {
  const shown = (
    securityLevel: { changeable: boolean } | undefined,
    commands?: { enabled: boolean; unlock: boolean; require_signature: boolean; trusted_user?: string },
  ) =>
    discoveryMessages({
      topics: new Topics('facegate', 'homeassistant'),
      node: 'gate1',
      doors: DOORS,
      version: '1',
      ...(commands ? { commands } : {}),
      ...(securityLevel ? { securityLevel } : {}),
    })
      .filter((m) => m.objectId.startsWith('security_level'))
      .map((m) => `${m.component}:${m.objectId}`);
  const trusted = { enabled: true, unlock: false, require_signature: true, trusted_user: 'homeassistant' };
  assert.deepEqual(shown({ changeable: true }, trusted), ['select:security_level']);
  assert.deepEqual(
    shown({ changeable: true }, { enabled: true, unlock: true, require_signature: true }),
    ['sensor:security_level_state'],
    'Home Assistant cannot sign',
  );
  assert.deepEqual(shown({ changeable: true }, { ...trusted, enabled: false }), ['sensor:security_level_state'], 'commands off');
  assert.deepEqual(shown({ changeable: false }, trusted), ['sensor:security_level_state'], 'no admin room to keep the change');
  assert.deepEqual(shown(undefined, trusted), []);
});

function configs(l: Listener): Received[] {
  return l.messages.filter((m) => m.topic.startsWith('homeassistant/') && m.topic.endsWith('/config'));
}

void test('published retained on connect, again on the Home Assistant birth message, and removed when an entity goes away', async () => {
  const dataDir = tempDir();
  const mqtt = { url: broker.url, discovery: { node_id: 'gate1', mode: 'entity' } };
  const h = await startHarness({ dataDir, mqtt, doors: DOORS });
  const watcher = await Listener.open(broker.url, ['homeassistant/#']);
  try {
    const expected = discoveryMessages({ topics: h.service.topics, node: 'gate1', doors: DOORS, version: '0' }).length;
    // A late subscriber gets every config: they are retained.
    await watcher.until(() => configs(watcher).length >= expected, 'retained configs');
    assert.ok(configs(watcher).every((m) => m.retain));
    for (const m of configs(watcher)) validateEntityConfig(m.topic, JSON.parse(m.payload) as Record<string, unknown>);

    watcher.messages.length = 0;
    await watcher.publish('homeassistant/status', 'offline');
    await watcher.publish('homeassistant/status', 'online');
    await watcher.until(() => configs(watcher).length >= expected, 'republished configs');
    assert.ok(
      configs(watcher).every((m) => !m.retain),
      'a live republish, not the retained copies',
    );
  } finally {
    await h.stop();
  }

  // The garage door was removed from the config: its entities' configs are cleared (empty retained payload).
  watcher.messages.length = 0;
  const again = await startHarness({ dataDir, mqtt, doors: DOORS.slice(0, 1) });
  try {
    await watcher.until(() => configs(watcher).filter((m) => m.payload === '').length >= expectedFor(2) - expectedFor(1), 'garage configs cleared');
    const cleared = configs(watcher)
      .filter((m) => m.payload === '')
      .map((m) => m.topic);
    assert.ok(
      cleared.every((t) => t.includes('/gate1/garage_')),
      `only garage entities cleared: ${cleared.join(', ')}`,
    );
    assert.ok(cleared.some((t) => t === 'homeassistant/lock/gate1/garage_lock/config'));
    const check = await Listener.open(broker.url, ['homeassistant/lock/#']);
    await check.until(() => check.messages.length >= 1, 'retained lock config');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(
      check.messages.map((m) => m.topic),
      ['homeassistant/lock/gate1/front_lock/config'],
    );
    await check.close();
    const tracked = () => (again.db.prepare('SELECT count(*) AS n FROM mqtt_discovery').get() as { n: number }).n;
    await eventually(() => tracked() === expectedFor(1), 'the registry to hold only the front door configs');
  } finally {
    await again.stop();
  }

  // Discovery turned off: everything it had published is cleared.
  watcher.messages.length = 0;
  const off = await startHarness({ dataDir, mqtt: { ...mqtt, discovery: { node_id: 'gate1', mode: 'entity', enabled: false } }, doors: DOORS.slice(0, 1) });
  try {
    await watcher.until(() => configs(watcher).filter((m) => m.payload === '').length >= expectedFor(1), 'all configs cleared');
    assert.equal(configs(watcher).filter((m) => m.payload !== '').length, 0);
    await eventually(() => (off.db.prepare('SELECT count(*) AS n FROM mqtt_discovery').get() as { n: number }).n === 0, 'an empty registry');
  } finally {
    await off.stop();
    await watcher.close();
  }
});

function expectedFor(doors: number): number {
  return discoveryMessages({ topics: new Topics('facegate', 'homeassistant'), node: 'x', doors: DOORS.slice(0, doors), version: '0' }).length;
}
