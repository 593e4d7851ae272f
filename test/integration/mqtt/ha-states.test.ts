import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DoorStatus } from '../../../daemon/core/index.ts';
import { startMosquitto, type Mosquitto } from '../../support/mosquitto.ts';
import { renderTemplates } from '../../support/jinja.ts';
import { tempDir } from '../../support/tmp.ts';
import { Listener, startHarness } from './harness.ts';

let broker: Mosquitto;
before(async () => {
  broker = await startMosquitto();
});
after(async () => {
  await broker?.stop();
});

const WIRED = { id: 'front', name: 'Front door', door_contact: { pin: 17 }, tamper: { pin: 27 } };
const BARE = { id: 'side', name: 'Side door' };

const status = (door: string, s: Partial<DoorStatus>): DoorStatus => ({ door, lock: 'locked', position: 'unknown', mode: 'normal', alarm: 'none', heldUnlockedUntil: null, ...s });

/** Door states, and what Home Assistant must show for the lock, contact, tamper and alarm entities. */
const CASES: { s: Partial<DoorStatus>; lock: string; contact: string; tamper: string; alarm: string }[] = [
  { s: {}, lock: 'LOCKED', contact: 'None', tamper: 'OFF', alarm: 'OFF' },
  { s: { lock: 'unlocked', position: 'closed' }, lock: 'UNLOCKED', contact: 'OFF', tamper: 'OFF', alarm: 'OFF' },
  { s: { lock: 'unlocked', position: 'open' }, lock: 'OPEN', contact: 'ON', tamper: 'OFF', alarm: 'OFF' },
  { s: { lock: 'jammed', position: 'open' }, lock: 'JAMMED', contact: 'ON', tamper: 'OFF', alarm: 'OFF' },
  { s: { position: 'closed', alarm: 'tamper' }, lock: 'LOCKED', contact: 'OFF', tamper: 'ON', alarm: 'OFF' },
  { s: { position: 'open', alarm: 'forced' }, lock: 'LOCKED', contact: 'ON', tamper: 'OFF', alarm: 'ON' },
  { s: { lock: 'unlocked', position: 'open', alarm: 'held_open', mode: 'held_unlocked' }, lock: 'OPEN', contact: 'ON', tamper: 'OFF', alarm: 'ON' },
];

void test('Home Assistant entities: only what the wiring can feed, no object id twice, and each value template (rendered by Jinja2) gives the true state, unknown included', async () => {
  const dataDir = tempDir();
  const h = await startHarness({ dataDir, mqtt: { url: broker.url, discovery: { node_id: 'gate1', mode: 'entity' } }, doors: [WIRED, BARE] });
  const watcher = await Listener.open(broker.url, ['homeassistant/#', 'facegate/+/state']);
  try {
    const configs = () => watcher.messages.filter((m) => m.topic.startsWith('homeassistant/') && m.payload !== '');
    await watcher.until(() => configs().some((m) => m.topic.includes('/side_trigger_spoof_suspected/')), 'discovery of both doors');
    await new Promise((r) => setTimeout(r, 200));
    const entities = configs().map((m) => m.topic.split('/').slice(1, 4).filter((_, i) => i !== 1).join(':')).sort();
    const triggers = (door: string, types: string[]) => types.map((t) => `device_automation:${door}_trigger_${t}`);
    const always = ['access_granted', 'access_denied', 'unknown_face', 'spoof_suspected'];
    assert.deepEqual(entities, [
      'binary_sensor:front_alarm', 'binary_sensor:front_contact', 'binary_sensor:front_tamper',
      ...triggers('front', [...always, 'door_forced', 'door_held_open', 'tamper']).sort(),
      ...triggers('side', always).sort(),
      'event:front_access', 'event:side_access',
      'lock:front_lock', 'lock:side_lock',
      'sensor:board_temperature', 'sensor:camera_fps', 'sensor:cpu_load', 'sensor:front_last_decision', 'sensor:side_last_decision',
    ].sort());
    const objectIds = entities.map((e) => e.split(':')[1]);
    assert.equal(new Set(objectIds).size, objectIds.length, 'no object id is used by two components');

    // The configs are read once: the loop below clears what the watcher saw.
    const templates = new Map(configs().map((c) => [c.topic.split('/')[3]!, String((JSON.parse(c.payload) as { value_template?: string }).value_template)]));
    const lock = JSON.parse(configs().find((c) => c.topic.endsWith('/front_lock/config'))!.payload) as Record<string, unknown>;
    assert.deepEqual([lock.state_locked, lock.state_unlocked, lock.state_jammed, lock.state_open], ['LOCKED', 'UNLOCKED', 'JAMMED', 'OPEN']);

    for (const c of CASES) {
      watcher.messages.length = 0;
      h.bus.emit('door:status', status('front', c.s));
      await watcher.until(() => watcher.messages.some((m) => m.topic === 'facegate/front/state'), `state for ${JSON.stringify(c.s)}`);
      const payload = watcher.messages.filter((m) => m.topic === 'facegate/front/state').at(-1)!.payload;
      const rendered = renderTemplates(['front_lock', 'front_contact', 'front_tamper', 'front_alarm'].map((id) => ({ template: templates.get(id)!, payload })));
      assert.deepEqual(rendered, [c.lock, c.contact, c.tamper, c.alarm], `HA states for ${payload}`);
    }
  } finally {
    await watcher.close();
    await h.stop();
  }
});

void test('an input no longer wired loses its entities: the tamper switch taken out of the config clears its sensor and trigger, nothing else', async () => {
  const dataDir = tempDir();
  const mqtt = { url: broker.url, discovery: { node_id: 'gate2', mode: 'entity' } };
  const first = await startHarness({ dataDir, mqtt, doors: [WIRED] });
  await first.stop();
  const watcher = await Listener.open(broker.url, ['homeassistant/+/gate2/#']);
  const { tamper: _tamper, ...untampered } = WIRED;
  const again = await startHarness({ dataDir, mqtt, doors: [untampered] });
  try {
    const cleared = () => watcher.messages.filter((m) => m.payload === '').map((m) => m.topic.split('/')[3]).sort();
    await watcher.until(() => cleared().length >= 2, 'the tamper configs cleared');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(cleared(), ['front_tamper', 'front_trigger_tamper']);
    assert.ok(watcher.messages.some((m) => m.topic.endsWith('/front_contact/config') && m.payload !== ''), 'the contact stays');
  } finally {
    await again.stop();
    await watcher.close();
  }
});

void test('a refused press settles: UNLOCK from Home Assistant with unlocking off raises command_rejected with the reason, and the door\'s state goes out again', async () => {
  const h = await startHarness({ dataDir: tempDir(), mqtt: { url: broker.url, discovery: { node_id: 'gate3' } }, doorStatuses: () => [status('front', { position: 'closed' })] });
  const watcher = await Listener.open(broker.url, ['facegate/front/state']);
  try {
    await watcher.until(() => watcher.messages.length >= 1, 'the retained state');
    watcher.messages.length = 0;
    await watcher.publish('facegate/front/lock/set', 'UNLOCK');
    await watcher.until(() => watcher.messages.length >= 1, 'the state published again after the refusal');
    assert.equal(JSON.parse(watcher.messages[0]!.payload).lock, 'locked');
    assert.deepEqual(h.raised.filter((e) => e.type === 'command_rejected').map((e) => e.reason), ['lock: unlock_disabled']);
    assert.equal(h.door.calls.length, 0, 'nothing reached the door');
  } finally {
    await watcher.close();
    await h.stop();
  }
});
