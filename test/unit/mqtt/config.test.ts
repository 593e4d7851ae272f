import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { embeddedDefaults, loadConfig } from '../../../daemon/config/index.ts';
import { EventBus, type BusEvents, type FacegateError } from '../../../daemon/core/index.ts';
import { MqttService } from '../../../daemon/mqtt/index.ts';
import { openDatabase } from '../../../daemon/store/index.ts';
import { memoryLogger } from '../../support/logger.ts';
import { tempDir } from '../../support/tmp.ts';

void test('secrets come from systemd credentials: mqtt.password and mqtt.commands.hmac_secret', () => {
  const creds = join(tempDir(), 'creds');
  mkdirSync(creds);
  writeFileSync(join(creds, 'mqtt.password'), 'broker-pass\n');
  writeFileSync(join(creds, 'mqtt.commands.hmac_secret'), 'a-long-enough-shared-secret\n');
  const { config } = loadConfig({ env: { CREDENTIALS_DIRECTORY: creds, FACEGATE_MQTT__URL: 'mqtts://hub.lan:8883', FACEGATE_MQTT__COMMANDS__UNLOCK: 'true' } });
  assert.equal(config.mqtt.password, 'broker-pass');
  assert.equal(config.mqtt.commands.hmac_secret, 'a-long-enough-shared-secret');
  assert.equal(config.mqtt.commands.unlock, true);
  assert.equal(config.mqtt.url, 'mqtts://hub.lan:8883');
});

void test('the safe defaults: embedded broker, unlock off, signatures required, QoS 1', () => {
  const { mqtt } = loadConfig({ env: {} }).config;
  assert.equal(mqtt.url, null);
  assert.equal(mqtt.embedded_port, 1883);
  assert.equal(mqtt.commands.unlock, false);
  assert.equal(mqtt.commands.require_signature, true);
  assert.equal(mqtt.qos, 1);
  assert.equal(mqtt.publish_attributes, false);
});

void test('bad mqtt settings are named one by one', () => {
  const file = join(tempDir(), 'bad.yaml');
  writeFileSync(
    file,
    ['mqtt:', '  url: http://hub', '  qos: 3', '  client_id: "has space"', '  commands:', '    hmac_secret: short', '    unknown_key: 1'].join('\n'),
  );
  assert.throws(
    () => loadConfig({ file, env: {} }),
    (err: Error & { problems?: string[] }) => {
      const paths = (err.problems ?? []).map((p) => p.split(':')[0]);
      for (const path of ['mqtt.url', 'mqtt.qos', 'mqtt.client_id', 'mqtt.commands.hmac_secret', 'mqtt.commands.unknown_key'])
        assert.ok(paths.includes(path), `${path} in ${paths.join(', ')}`);
      return true;
    },
  );
});

void test('unlock over MQTT with signatures but no secret refuses to start, with what to do', () => {
  // The loader refuses it before anything starts (config/rules.ts) ...
  assert.throws(
    () => loadConfig({ env: { FACEGATE_MQTT__COMMANDS__UNLOCK: 'true' } }),
    (err: FacegateError) => err.exitCode === 78 && err.message.includes('mqtt.commands.hmac_secret: mqtt.commands.unlock is on'),
  );
  // ... and the service still does for a config built without it.
  const config = embeddedDefaults();
  config.mqtt.commands.unlock = true;
  const db = openDatabase(tempDir());
  try {
    assert.throws(
      () =>
        new MqttService({
          config: config.mqtt,
          doors: config.doors,
          db,
          dataDir: tempDir(),
          bus: new EventBus<BusEvents>(memoryLogger().log),
          log: memoryLogger().log,
          doorControl: () => undefined,
        }),
      (err: FacegateError) => err.exitCode === 78 && err.message.includes('mqtt.commands.hmac_secret'),
    );
  } finally {
    db.close();
  }
});
