import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeEvent, type DoorStatus } from '../../../daemon/core/index.ts';
import { startMosquitto, type Mosquitto } from '../../support/mosquitto.ts';
import { renderTemplates } from '../../support/jinja.ts';
import { tempDir } from '../../support/tmp.ts';
import { Listener, eventually, startHarness } from './harness.ts';

let broker: Mosquitto;
before(async () => {
  broker = await startMosquitto();
});
after(async () => {
  await broker?.stop();
});

const WIRED = { id: 'front', name: 'Front door', door_contact: { pin: 17 }, tamper: { pin: 27 } };
const BARE = { id: 'side', name: 'Side door' };

const status = (door: string, s: Partial<DoorStatus>): DoorStatus => ({
  door,
  lock: 'locked',
  position: 'unknown',
  mode: 'normal',
  alarm: 'none',
  heldUnlockedUntil: null,
  ...s,
});

const HELD = '2026-12-06T18:00:00.000Z';
/** Door states, and what Home Assistant must show for the lock, contact, tamper, alarm, lockdown and held-until entities. */
const CASES: { s: Partial<DoorStatus>; lock: string; contact: string; tamper: string; alarm: string; lockdown: string; held: string }[] = [
  { s: {}, lock: 'LOCKED', contact: 'None', tamper: 'OFF', alarm: 'OFF', lockdown: 'OFF', held: 'None' },
  { s: { lock: 'unlocked', position: 'closed' }, lock: 'UNLOCKED', contact: 'OFF', tamper: 'OFF', alarm: 'OFF', lockdown: 'OFF', held: 'None' },
  { s: { lock: 'unlocked', position: 'open' }, lock: 'OPEN', contact: 'ON', tamper: 'OFF', alarm: 'OFF', lockdown: 'OFF', held: 'None' },
  { s: { lock: 'jammed', position: 'open' }, lock: 'JAMMED', contact: 'ON', tamper: 'OFF', alarm: 'OFF', lockdown: 'OFF', held: 'None' },
  { s: { position: 'closed', alarm: 'tamper' }, lock: 'LOCKED', contact: 'OFF', tamper: 'ON', alarm: 'OFF', lockdown: 'OFF', held: 'None' },
  { s: { position: 'open', alarm: 'forced' }, lock: 'LOCKED', contact: 'ON', tamper: 'OFF', alarm: 'ON', lockdown: 'OFF', held: 'None' },
  {
    s: { lock: 'unlocked', position: 'open', alarm: 'held_open', mode: 'held_unlocked', heldUnlockedUntil: HELD },
    lock: 'OPEN',
    contact: 'ON',
    tamper: 'OFF',
    alarm: 'ON',
    lockdown: 'OFF',
    held: HELD,
  },
  { s: { position: 'closed', mode: 'lockdown' }, lock: 'LOCKED', contact: 'OFF', tamper: 'OFF', alarm: 'OFF', lockdown: 'ON', held: 'None' },
];

void test('Home Assistant entities: only what the wiring can feed, no object id twice, and each value template (rendered by Jinja2) gives the true state, unknown included', async () => {
  const dataDir = tempDir();
  const h = await startHarness({
    dataDir,
    mqtt: { url: broker.url, discovery: { node_id: 'gate1', mode: 'entity' } },
    doors: [WIRED, BARE],
    camera: { door: 'front', connected: () => true },
  });
  const watcher = await Listener.open(broker.url, ['homeassistant/#', 'facegate/+/state', 'facegate/+/decision']);
  try {
    const configs = () => watcher.messages.filter((m) => m.topic.startsWith('homeassistant/') && m.payload !== '');
    await watcher.until(() => configs().some((m) => m.topic.includes('/side_trigger_spoof_suspected/')), 'discovery of both doors');
    await new Promise((r) => setTimeout(r, 200));
    const entities = configs()
      .map((m) =>
        m.topic
          .split('/')
          .slice(1, 4)
          .filter((_, i) => i !== 1)
          .join(':'),
      )
      .sort();
    const triggers = (door: string, types: string[]) => types.map((t) => `device_automation:${door}_trigger_${t}`);
    const always = ['access_granted', 'access_denied', 'unknown_face', 'spoof_suspected'];
    const doorSensors = (door: string) =>
      ['last_decision', 'last_decision_time', 'held_until', 'unknown_face_count', 'spoof_suspected_count'].map((k) => `sensor:${door}_${k}`);
    assert.deepEqual(
      entities,
      [
        'binary_sensor:front_alarm',
        'binary_sensor:front_contact',
        'binary_sensor:front_tamper',
        'binary_sensor:front_camera',
        ...triggers('front', [...always, 'door_forced', 'door_held_open', 'tamper']).sort(),
        ...triggers('side', always).sort(),
        'event:front_access',
        'event:side_access',
        'lock:front_lock',
        'lock:side_lock',
        'switch:front_lockdown',
        'switch:side_lockdown',
        'sensor:board_temperature',
        'sensor:camera_fps',
        'sensor:cpu_load',
        ...doorSensors('front'),
        ...doorSensors('side'),
      ].sort(),
      'no hold button: with the defaults a hold would be refused',
    );
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
      const rendered = renderTemplates(
        ['front_lock', 'front_contact', 'front_tamper', 'front_alarm', 'front_lockdown', 'front_held_until'].map((id) => ({
          template: templates.get(id)!,
          payload,
        })),
      );
      assert.deepEqual(rendered, [c.lock, c.contact, c.tamper, c.alarm, c.lockdown, c.held], `HA states for ${payload}`);
    }

    // Camera connectivity (from the camera's status), the counts and the last decision's time.
    watcher.messages.length = 0;
    await watcher.client.subscribeAsync(['facegate/+/camera', 'facegate/+/counts'], { qos: 1 }); // again: the retained copies
    const latest = (topic: string) => watcher.messages.filter((m) => m.topic === topic).at(-1)?.payload ?? '';
    const render = (id: string, topic: string) => renderTemplates([{ template: templates.get(id)!, payload: latest(topic) }])[0];
    await watcher.until(() => latest('facegate/front/camera') !== '', 'the camera state');
    assert.equal(render('front_camera', 'facegate/front/camera'), 'ON');
    h.bus.emit('camera:status', { sourceId: 'cam', state: 'lost' });
    await watcher.until(() => latest('facegate/front/camera').includes('false'), 'camera lost');
    assert.equal(render('front_camera', 'facegate/front/camera'), 'OFF');
    assert.equal(render('front_unknown_face_count', 'facegate/front/counts'), '0');
    h.bus.emit('event', makeEvent({ door: 'front', type: 'unknown_face' }));
    h.bus.emit('event', makeEvent({ door: 'front', type: 'spoof_suspected' }));
    h.bus.emit('event', makeEvent({ door: 'front', type: 'spoof_suspected' }));
    await watcher.until(() => latest('facegate/front/counts').includes('"spoof_suspected":2'), 'the counts');
    assert.deepEqual([render('front_unknown_face_count', 'facegate/front/counts'), render('front_spoof_suspected_count', 'facegate/front/counts')], ['1', '2']);
    const denied = makeEvent({ door: 'front', type: 'access_denied', reason: 'unknown' });
    h.bus.emit('event', denied);
    await watcher.until(() => latest('facegate/front/decision').includes('access_denied'), 'the decision');
    assert.equal(render('front_last_decision_time', 'facegate/front/decision'), denied.ts, 'an ISO time HA reads as a timestamp');
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
    const cleared = () =>
      watcher.messages
        .filter((m) => m.payload === '')
        .map((m) => m.topic.split('/')[3])
        .sort();
    await watcher.until(() => cleared().length >= 2, 'the tamper configs cleared');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(cleared(), ['front_tamper', 'front_trigger_tamper']);
    assert.ok(
      watcher.messages.some((m) => m.topic.endsWith('/front_contact/config') && m.payload !== ''),
      'the contact stays',
    );
  } finally {
    await again.stop();
    await watcher.close();
  }
});

void test("a refused press settles: UNLOCK from Home Assistant with unlocking off raises command_rejected with the reason, and the door's state goes out again", async () => {
  const h = await startHarness({
    dataDir: tempDir(),
    mqtt: { url: broker.url, discovery: { node_id: 'gate3' } },
    doorStatuses: () => [status('front', { position: 'closed' })],
  });
  const watcher = await Listener.open(broker.url, ['facegate/front/state']);
  try {
    await watcher.until(() => watcher.messages.length >= 1, 'the retained state');
    watcher.messages.length = 0;
    await watcher.publish('facegate/front/lock/set', 'UNLOCK');
    await watcher.until(() => watcher.messages.length >= 1, 'the state published again after the refusal');
    assert.equal(JSON.parse(watcher.messages[0]!.payload).lock, 'locked');
    assert.deepEqual(
      h.raised.filter((e) => e.type === 'command_rejected').map((e) => e.reason),
      ['lock: unlock_disabled'],
    );
    assert.equal(h.door.calls.length, 0, 'nothing reached the door');
  } finally {
    await watcher.close();
    await h.stop();
  }
});

void test('the lockdown switch: ON from Home Assistant locks the door down; OFF with unlocking off is refused and the state goes out again, so the switch flips back', async () => {
  const h = await startHarness({
    dataDir: tempDir(),
    mqtt: { url: broker.url, discovery: { node_id: 'gate4' } },
    doorStatuses: () => [status('front', { mode: 'lockdown' })],
  });
  const watcher = await Listener.open(broker.url, ['facegate/front/state']);
  try {
    await watcher.until(() => watcher.messages.length >= 1, 'the retained state');
    await watcher.publish('facegate/front/lockdown/set', 'ON');
    await eventually(() => h.door.calls.length === 1, 'the lockdown');
    assert.deepEqual(h.door.calls[0], { op: 'setLockdown', on: true, actor: 'mqtt:unsigned' });
    watcher.messages.length = 0;
    await watcher.publish('facegate/front/lockdown/set', 'OFF');
    await watcher.until(() => watcher.messages.length >= 1, 'the state published again after the refusal');
    assert.equal(JSON.parse(watcher.messages[0]!.payload).mode, 'lockdown');
    assert.deepEqual(
      h.raised.filter((e) => e.type === 'command_rejected').map((e) => e.reason),
      ['lockdown: unlock_disabled'],
    );
    assert.equal(h.door.calls.length, 1, 'the OFF never reached the door');
  } finally {
    await watcher.close();
    await h.stop();
  }
});

void test('the hold button exists only where a hold would be carried out, and its press holds the door unlocked for an hour', async () => {
  const h = await startHarness({
    dataDir: tempDir(),
    mqtt: { url: broker.url, commands: { unlock: true, require_signature: false }, discovery: { node_id: 'gate5', mode: 'entity' } },
  });
  const watcher = await Listener.open(broker.url, ['homeassistant/button/gate5/#']);
  try {
    await watcher.until(() => watcher.messages.length >= 1, 'the hold button');
    const button = JSON.parse(watcher.messages[0]!.payload) as { command_topic: string; payload_press: string };
    await watcher.publish(button.command_topic, button.payload_press);
    await eventually(() => h.door.calls.length === 1, 'the hold');
    const call = h.door.calls[0] as { op: string; until: Date };
    assert.equal(call.op, 'holdUnlockedUntil');
    assert.ok(Math.abs(call.until.getTime() - Date.now() - 3_600_000) < 10_000, `held for an hour: ${call.until.toISOString()}`);
  } finally {
    await watcher.close();
    await h.stop();
  }
});
