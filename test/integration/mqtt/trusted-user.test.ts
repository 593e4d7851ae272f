import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BusEvents } from '../../../daemon/core/index.ts';
import { startMosquitto, type Mosquitto } from '../../support/mosquitto.ts';
import { tempDir } from '../../support/tmp.ts';
import { Listener, eventually, startHarness } from './harness.ts';

// Issue 18 item 8: Home Assistant cannot sign, so its broker user can be trusted, when the
// broker's ACL gives that user alone the trusted command topics. A real Mosquitto with a password
// file and an ACL file: facegate, homeassistant, and an intruder who may publish lock commands
// but not on Home Assistant's topic.
let broker: Mosquitto;
const PASSWORDS = { facegate: 'fg-password', homeassistant: 'ha-password', intruder: 'in-password' };

before(async () => {
  // Mosquitto's ACL is an allow-list: the intruder may publish lock commands, but not on Home Assistant's topic.
  broker = await startMosquitto({
    users: PASSWORDS,
    acl: [
      'user facegate',
      'topic readwrite facegate/#',
      'topic readwrite homeassistant/#',
      '',
      'user homeassistant',
      'topic read facegate/#',
      'topic write facegate/+/lock/set/homeassistant',
      'topic readwrite homeassistant/#',
      '',
      'user intruder',
      'topic read facegate/#',
      'topic write facegate/+/lock/set',
    ],
  });
});
after(async () => {
  await broker?.stop();
});

const as = (user: keyof typeof PASSWORDS) => broker.urlAs(user);

void test('with commands.trusted_user, the Home Assistant user unlocks from its own topic (audited as that user); nobody else can publish there, and unsigned unlocks elsewhere stay refused', async () => {
  const mqtt = {
    url: broker.url,
    username: 'facegate',
    password: PASSWORDS.facegate,
    commands: { unlock: true, trusted_user: 'homeassistant' },
    discovery: { node_id: 'trusted1' },
  };
  const h = await startHarness({ dataDir: tempDir(), mqtt });
  const commands: BusEvents['mqtt:command'][] = [];
  h.bus.on('mqtt:command', (c) => commands.push(c));
  const ha = await Listener.open(as('homeassistant'), ['homeassistant/device/trusted1/config']);
  const intruder = await Listener.open(as('intruder'), ['facegate/front/event']);
  try {
    await ha.until(() => ha.messages.length > 0, 'discovery, readable by Home Assistant');
    const lock = (JSON.parse(ha.messages[0]?.payload ?? '{}') as { components: Record<string, Record<string, unknown>> }).components.front_lock;
    assert.equal(lock?.command_topic, 'facegate/front/lock/set/homeassistant', 'the lock entity presses go to the trusted topic');
    assert.equal(lock?.payload_open, 'OPEN', 'Open is advertised: it will be carried out');

    await ha.publish('facegate/front/lock/set/homeassistant', 'UNLOCK');
    await eventually(() => h.door.calls.length === 1, 'the unlock from Home Assistant');
    assert.deepEqual(h.door.calls[0], { op: 'unlock', by: { kind: 'mqtt', actor: 'mqtt:user:homeassistant' } });
    assert.deepEqual(
      commands,
      [{ door: 'front', command: 'lock', action: 'UNLOCK', actor: 'mqtt:user:homeassistant' }],
      'for the audit log: the MQTT user is the actor',
    );

    // The intruder tries Home Assistant's topic (the broker drops it: not in their ACL), then the plain one unsigned.
    await intruder.publish('facegate/front/lock/set/homeassistant', 'UNLOCK');
    await intruder.publish('facegate/front/lock/set', 'UNLOCK');
    await intruder.until(() => intruder.messages.some((m) => m.payload.includes('lock: signature_required')), 'the unsigned unlock refused');
    assert.equal(h.door.calls.length, 1, 'the intruder opened nothing');

    await ha.publish('facegate/front/lock/set/homeassistant', 'LOCK');
    await eventually(() => h.door.calls.length === 2, 'the lock from Home Assistant');
    assert.equal(commands.at(-1)?.actor, 'mqtt:user:homeassistant');
  } finally {
    await ha.close();
    await intruder.close();
    await h.stop();
  }
});

void test('without trusted_user the same Home Assistant press opens nothing: its topic is not a command topic and an unsigned unlock is refused', async () => {
  const mqtt = {
    url: broker.url,
    username: 'facegate',
    password: PASSWORDS.facegate,
    commands: { unlock: true, hmac_secret: 'a-secret-of-sixteen+' },
    discovery: { node_id: 'trusted2' },
  };
  const h = await startHarness({ dataDir: tempDir(), mqtt });
  const ha = await Listener.open(as('homeassistant'), ['homeassistant/device/trusted2/config', 'facegate/front/event']);
  try {
    await ha.until(() => ha.messages.some((m) => m.topic.startsWith('homeassistant/')), 'discovery');
    const lock = (
      JSON.parse(ha.messages.find((m) => m.topic.startsWith('homeassistant/'))?.payload ?? '{}') as { components: Record<string, Record<string, unknown>> }
    ).components.front_lock;
    assert.equal(lock?.command_topic, 'facegate/front/lock/set');
    assert.equal(lock?.payload_open, undefined);
    await ha.publish('facegate/front/lock/set/homeassistant', 'UNLOCK');
    const intruder = await Listener.open(as('intruder'));
    await intruder.publish('facegate/front/lock/set', 'UNLOCK');
    await intruder.close();
    await ha.until(() => ha.messages.some((m) => m.payload.includes('lock: signature_required')), 'the unsigned unlock refused');
    assert.equal(h.door.calls.length, 0);
  } finally {
    await ha.close();
    await h.stop();
  }
});
