import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { signedPayload } from '../../../daemon/mqtt/signature.ts';
import { inspectStore, isolatedEnv, startFacegate, stopCleanly, type DaemonProcess } from '../../support/daemon.ts';
import { startMosquitto, type Mosquitto } from '../../support/mosquitto.ts';
import { tempDir } from '../../support/tmp.ts';
import { Listener } from './harness.ts';
import { validateDeviceConfig } from './ha-schema.ts';

// Issue 18 item 7, the security level as a select: an admin's act. The daemon as a child process on
// a real Mosquitto with a password file and an ACL: Home Assistant's user may publish only its own
// command topics; an intruder may publish the plain security-level topic, unsigned or signed.
let broker: Mosquitto;
const PASSWORDS = { facegate: 'fg-password', homeassistant: 'ha-password', intruder: 'in-password' };
const SECRET = 'a-secret-of-sixteen+';
const NODE = 'seclevel';
const STATE = 'facegate/bridge/security_level';
const HA_SET = 'facegate/bridge/security_level/set/homeassistant';
const PLAIN_SET = 'facegate/bridge/security_level/set';

before(async () => {
  broker = await startMosquitto({
    users: PASSWORDS,
    acl: [
      'user facegate',
      'topic readwrite facegate/#',
      'topic readwrite homeassistant/#',
      '',
      'user homeassistant',
      'topic read facegate/#',
      'topic write facegate/+/+/set/homeassistant',
      'topic readwrite homeassistant/#',
      '',
      'user intruder',
      'topic read facegate/#',
      `topic write ${PLAIN_SET}`,
    ],
  });
});
after(async () => {
  await broker?.stop();
});

const as = (user: keyof typeof PASSWORDS) => broker.urlAs(user);

function daemon(dataDir: string, extra: Record<string, string> = {}): DaemonProcess {
  return startFacegate(
    ['run'],
    isolatedEnv(dataDir, {
      FACEGATE_MQTT__URL: broker.url,
      FACEGATE_MQTT__USERNAME: 'facegate',
      FACEGATE_MQTT__PASSWORD: PASSWORDS.facegate,
      FACEGATE_MQTT__COMMANDS__TRUSTED_USER: 'homeassistant',
      FACEGATE_MQTT__COMMANDS__HMAC_SECRET: SECRET,
      FACEGATE_MQTT__DISCOVERY__NODE_ID: NODE,
      ...extra,
    }),
  );
}

/** The level messages seen so far, in order. */
const levels = (l: Listener): string[] => l.on(STATE).map((m) => m.payload);

void test('the security level from Home Assistant: a select on its trusted topic, raised at once and kept; lowering needs commands.unlock; unsigned from anyone else refused; a signed command works; all audited', async () => {
  const dataDir = tempDir();
  const ha = await Listener.open(as('homeassistant'), [`homeassistant/device/${NODE}/config`, STATE, 'facegate/front/event']);
  const intruder = await Listener.open(as('intruder'));
  let d = daemon(dataDir);
  try {
    await d.waitForLog((l) => l.msg === 'facegate started'); // the admin room, which keeps the setting, starts last
    await ha.until(() => ha.messages.some((m) => m.topic.startsWith('homeassistant/')) && levels(ha).length > 0, 'discovery and the level');
    const config = JSON.parse(ha.messages.find((m) => m.topic.startsWith('homeassistant/'))?.payload ?? '{}') as {
      components: Record<string, Record<string, unknown>>;
    };
    validateDeviceConfig(`homeassistant/device/${NODE}/config`, config);
    const select = config.components.security_level;
    assert.equal(select?.platform, 'select');
    assert.equal(select?.command_topic, HA_SET, "presses go to Home Assistant's own topic");
    assert.equal(config.components.security_level_state, undefined, 'no read-only twin');
    assert.deepEqual(levels(ha), ['far_1e-4'], 'the default level, retained');

    // Unsigned on the plain topic: refused whatever it asks, and the level goes out again.
    await intruder.publish(PLAIN_SET, 'far_1e-5');
    await ha.until(() => ha.on('facegate/front/event').some((m) => m.payload.includes('security_level: signature_required')), 'the unsigned change refused');
    await ha.until(() => levels(ha).length === 2, 'the level published again');
    assert.deepEqual(levels(ha), ['far_1e-4', 'far_1e-4']);

    // Home Assistant raises it: applied now (identity logs the new threshold), kept, published.
    await ha.publish(HA_SET, 'far_1e-5');
    await ha.until(() => levels(ha).at(-1) === 'far_1e-5', 'the raised level');
    await d.waitForLog((l) => l.msg === 'security level changed' && l.securityLevel === 'far_1e-5', 10_000);

    // Lowering is an unlock's kind of act: refused with commands.unlock off; the select goes back.
    const seen = levels(ha).length;
    await ha.publish(HA_SET, 'far_1e-3');
    await ha.until(() => ha.on('facegate/front/event').some((m) => m.payload.includes('security_level: unlock_disabled')), 'the lowering refused');
    await ha.until(() => levels(ha).length > seen, 'the level published again');
    assert.equal(levels(ha).at(-1), 'far_1e-5');
    await stopCleanly(d);

    // Kept across a restart; with commands.unlock on, a signed command lowers it.
    d = daemon(dataDir, { FACEGATE_MQTT__COMMANDS__UNLOCK: 'true' });
    const fresh = await Listener.open(as('homeassistant'), [STATE]);
    await fresh.until(() => levels(fresh).length > 0, 'the level after the restart');
    assert.equal(levels(fresh).at(-1), 'far_1e-5', 'the level Home Assistant chose survived the restart');
    await d.waitForLog((l) => l.msg === 'facegate started'); // the admin room, which keeps the setting, starts last
    await intruder.publish(
      PLAIN_SET,
      signedPayload(SECRET, { door: '', command: 'security_level', action: 'far_1e-3', ts: Date.now(), nonce: 'nonce-of-sixteen-chars' }),
    );
    await fresh
      .until(() => levels(fresh).at(-1) === 'far_1e-3', 'the signed lowering')
      .catch((err: unknown) => {
        throw new Error(
          `${(err as Error).message}\n${d.logs
            .filter((l) => /command|level/i.test(String(l.msg)))
            .map((l) => JSON.stringify(l))
            .join('\n')}`,
        );
      });
    await fresh.close();
    await stopCleanly(d);
  } finally {
    d.child.kill('SIGKILL');
    await ha.close();
    await intruder.close();
  }

  inspectStore(dataDir, (db) => {
    const audit = db
      .prepare("SELECT actor, json_extract(detail, '$.values.access.security_level') AS level FROM audit_log WHERE action = 'settings.update' ORDER BY seq")
      .all();
    assert.deepEqual(audit, [
      { actor: 'mqtt:user:homeassistant', level: 'far_1e-5' },
      { actor: 'mqtt:signed', level: 'far_1e-3' },
    ]);
    assert.deepEqual(db.prepare("SELECT value, changed_by FROM admin_settings WHERE key = 'access.security_level'").get(), {
      value: '"far_1e-3"',
      changed_by: 'mqtt:signed',
    });
  });
});
