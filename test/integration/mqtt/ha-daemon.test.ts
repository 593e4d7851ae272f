import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../../daemon/store/index.ts';
import { isolatedEnv, startFacegate } from '../../support/daemon.ts';
import { startMosquitto, type Mosquitto } from '../../support/mosquitto.ts';
import { tempDir } from '../../support/tmp.ts';
import { Listener } from './harness.ts';
import { validateDeviceConfig } from './ha-schema.ts';

// Issue 18's tests: the daemon as a child process on a real Mosquitto, and the retained discovery
// a Home Assistant starting now would read, for the default config, a fully wired door, two
// doors, and after a door was removed from the config.
let broker: Mosquitto;
before(async () => {
  broker = await startMosquitto();
});
after(async () => {
  await broker?.stop();
});

const NODE = 'hadaemon';
const DEVICE_TOPIC = `homeassistant/device/${NODE}/config`;
const BOARD = ['sensor:board_temperature', 'sensor:camera_fps', 'sensor:cpu_load', 'sensor:security_level_state'];
const bareDoor = (id: string) => [
  `lock:${id}_lock`,
  `switch:${id}_lockdown`,
  `event:${id}_access`,
  ...['last_decision', 'last_decision_time', 'held_until', 'unknown_face_count', 'spoof_suspected_count'].map((k) => `sensor:${id}_${k}`),
  ...['access_granted', 'access_denied', 'unknown_face', 'spoof_suspected'].map((t) => `device_automation:${id}_trigger_${t}`),
];
const wiredExtras = (id: string) => [
  `binary_sensor:${id}_contact`,
  `binary_sensor:${id}_tamper`,
  `binary_sensor:${id}_alarm`,
  ...['door_forced', 'door_held_open', 'tamper'].map((t) => `device_automation:${id}_trigger_${t}`),
];
const WIRED = [
  '  - id: front',
  '    name: Front door',
  '    driver: simulated',
  '    door_contact: { pin: 27 }',
  '    exit_button: { pin: 22 }',
  '    tamper: { pin: 23 }',
];
const GARAGE = ['  - id: garage', '    name: Garage', '    driver: simulated', '    lock: { pin: 5 }'];

interface Seen {
  entities: string[];
  removed: string[];
}

/** Runs the daemon until it is online, reads the retained discovery as a fresh subscriber, then stops it with SIGTERM. */
async function discoveredBy(dataDir: string, configLines: string[] | null, during?: (l: Listener) => Promise<void>): Promise<Seen> {
  const args = ['run'];
  if (configLines) {
    const file = join(dataDir, 'config.yaml');
    writeFileSync(file, `${configLines.join('\n')}\n`);
    args.push('--config', file);
  }
  const watch = await Listener.open(broker.url, ['facegate/+/availability']);
  const daemon = startFacegate(args, isolatedEnv(dataDir, { FACEGATE_MQTT__URL: broker.url, FACEGATE_MQTT__DISCOVERY__NODE_ID: NODE }));
  try {
    await watch.until(() => watch.messages.some((m) => m.payload === 'online' && !m.retain), 'the daemon online', 90_000);
    const ha = await Listener.open(broker.url, ['homeassistant/#']);
    await ha.until(() => ha.messages.some((m) => m.topic === DEVICE_TOPIC), 'the device config');
    await new Promise((r) => setTimeout(r, 500)); // the rest of the retained copies
    await ha.close();
    const configs = ha.messages.filter((m) => m.topic.startsWith('homeassistant/') && m.topic.endsWith('/config') && m.payload !== '');
    assert.deepEqual([...new Set(configs.map((m) => m.topic))], [DEVICE_TOPIC], 'one device config, no per-entity configs');
    const payload = JSON.parse(configs.at(-1)?.payload ?? '{}') as { components: Record<string, Record<string, unknown>> };
    const entries = Object.entries(payload.components);
    const full = entries.filter(([, c]) => Object.keys(c).length > 1);
    validateDeviceConfig(DEVICE_TOPIC, { ...payload, components: Object.fromEntries(full) });
    if (during) await during(watch);
    daemon.child.kill('SIGTERM');
    assert.equal(await daemon.exited, 0);
    return {
      entities: full.map(([id, c]) => `${String(c.platform)}:${id}`).sort(),
      removed: entries
        .filter(([, c]) => Object.keys(c).length === 1)
        .map(([id, c]) => `${String(c.platform)}:${id}`)
        .sort(),
    };
  } finally {
    daemon.child.kill('SIGKILL');
    await watch.close();
  }
}

void test("the daemon's discovery, as Home Assistant reads it: default config, a wired door, two doors, a door removed; and an MQTT command in the audit log", async () => {
  const dataDir = tempDir();

  // (a) The embedded defaults: one door, nothing wired but the lock.
  const a = await discoveredBy(dataDir, null, async (l) => {
    await l.publish('facegate/front/lock/set', 'LOCK');
    await new Promise((r) => setTimeout(r, 500));
  });
  assert.deepEqual(a.entities, [...bareDoor('front'), ...BOARD].sort());
  assert.deepEqual(a.removed, []);

  // (b) Contact, exit button and tamper wired: contact, tamper and alarm sensors and their triggers (the exit button has no entity: it unlocks locally).
  const b = await discoveredBy(dataDir, ['doors:', ...WIRED]);
  assert.deepEqual(b.entities, [...bareDoor('front'), ...wiredExtras('front'), ...BOARD].sort());

  // (c) Two doors: the garage's own lock, event, last decision and triggers.
  const c = await discoveredBy(dataDir, ['doors:', ...WIRED, ...GARAGE]);
  assert.deepEqual(c.entities, [...bareDoor('front'), ...wiredExtras('front'), ...bareDoor('garage'), ...BOARD].sort());

  // (d) The garage removed from the config: its components are deleted (listed once with only their platform).
  const d = await discoveredBy(dataDir, ['doors:', ...WIRED]);
  assert.deepEqual(d.entities, b.entities);
  assert.deepEqual(d.removed, bareDoor('garage').sort());

  const db = openDatabase(dataDir);
  try {
    const rows = db.prepare("SELECT actor, action, target FROM audit_log WHERE action LIKE 'mqtt.command.%'").all();
    assert.deepEqual(rows, [{ actor: 'mqtt:unsigned', action: 'mqtt.command.lock', target: 'front' }], 'the LOCK sent in (a), with who sent it');
  } finally {
    db.close();
  }
});
