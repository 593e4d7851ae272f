import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ConfigError, ConfigSchema, embeddedDefaults, loadConfig } from '../../../daemon/config/index.ts';
import { FacegateError } from '../../../daemon/core/index.ts';
import { tempDir } from '../../support/tmp.ts';

const root = new URL('../../../', import.meta.url);

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the configuration to be rejected');
}

const problemsOf = (fn: () => unknown): string[] => errorOf(fn).problems;

test('config/default.yaml is complete: it equals the embedded defaults', () => {
  const file = parse(readFileSync(new URL('config/default.yaml', root), 'utf8')) as unknown;
  assert.deepEqual(file, embeddedDefaults());
});

test('config/schema.json is generated from the current schema', () => {
  const committed = JSON.parse(readFileSync(new URL('config/schema.json', root), 'utf8')) as unknown;
  assert.deepEqual(committed, JSON.parse(JSON.stringify(ConfigSchema)), 'run: node bin/facegate.js config schema');
});

test('the board examples are valid', () => {
  for (const board of ['pi.yaml', 'jetson.yaml']) {
    const { config } = loadConfig({ file: new URL(`config/${board}`, root).pathname, env: {} });
    assert.ok(config.doors.length >= 1, board);
  }
});

test('layers apply in order: defaults, file, environment, credentials', () => {
  const dir = tempDir();
  const file = join(dir, 'c.yaml');
  writeFileSync(file, 'mqtt:\n  base_topic: fromfile\n  username: fileuser\nadmin:\n  port: 9000\n');
  const creds = join(dir, 'creds');
  mkdirSync(creds);
  writeFileSync(join(creds, 'mqtt.password'), 's3cret\n');
  writeFileSync(join(creds, 'device.key'), 'not a config key');
  const { config, layers } = loadConfig({
    file,
    env: { FACEGATE_MQTT__BASE_TOPIC: 'fromenv', FACEGATE_ADMIN__ENABLED: 'false', CREDENTIALS_DIRECTORY: creds, UNRELATED: '1' },
  });
  assert.equal(config.mqtt.base_topic, 'fromenv');
  assert.equal(config.mqtt.username, 'fileuser');
  assert.equal(config.mqtt.password, 's3cret');
  assert.equal(config.admin.port, 9000);
  assert.equal(config.admin.enabled, false);
  assert.equal(config.daemon.log_level, 'info');
  assert.deepEqual(layers, ['embedded defaults', file, 'environment', 'credentials']);
});

test('FACEGATE_CONFIG names the file when no --config is given', () => {
  const dir = tempDir();
  const file = join(dir, 'c.yaml');
  writeFileSync(file, 'admin:\n  port: 9100\n');
  assert.equal(loadConfig({ env: { FACEGATE_CONFIG: file } }).config.admin.port, 9100);
});

test('every problem is listed as path: message (got value)', () => {
  const dir = tempDir();
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, ['camera:', '  source: webcam', '  fps: -3', '  colour: true', 'admin:', '  port: 70000', 'frobnicate: 1', ''].join('\n'));
  const problems = problemsOf(() => loadConfig({ file, env: {} }));
  assert.deepEqual(problems.sort(), [
    'admin.port: expected integer to be less or equal to 65535 (got 70000)',
    'camera.colour: unknown key',
    'camera.fps: expected number to be greater than 0 (got -3)',
    'camera.source: expected one of "auto", "libcamera", "v4l2", "rtsp", "http", "gstreamer", "replay", "none" (got "webcam")',
    'frobnicate: unknown key',
  ]);
});

test('identity.enroll.require_liveness: per source, or the old boolean for both; anything else is refused', () => {
  const dir = tempDir();
  const load = (yaml: string, env: NodeJS.ProcessEnv = {}): unknown => {
    const file = join(dir, 'rl.yaml');
    writeFileSync(file, `identity:\n  enroll:\n${yaml}`);
    return loadConfig({ file, env }).config.identity.enroll.require_liveness;
  };
  assert.deepEqual(embeddedDefaults().identity.enroll.require_liveness, { camera: true, upload: false });
  assert.equal(load('    require_liveness: true\n'), true);
  assert.equal(load('    require_liveness: false\n'), false);
  assert.deepEqual(load('    require_liveness:\n      upload: true\n'), { camera: true, upload: true }, 'a missing source keeps its default');
  assert.deepEqual(load('    min_face_px: 80\n', { FACEGATE_IDENTITY__ENROLL__REQUIRE_LIVENESS__UPLOAD: 'true' }), { camera: true, upload: true });
  const problems = problemsOf(() => load('    require_liveness: sometimes\n'));
  assert.deepEqual(problems, ['identity.enroll.require_liveness: expected one of a mapping of camera, upload, a boolean (got "sometimes")']);
  assert.equal(problemsOf(() => load('    require_liveness:\n      screen: true\n')).length, 1);
});

test('vision.variant: one variant for every model, or per model name; anything else is refused in words', () => {
  const dir = tempDir();
  const load = (yaml: string): unknown => {
    const file = join(dir, 'variant.yaml');
    writeFileSync(file, `vision:\n${yaml}`);
    return loadConfig({ file, env: {} }).config.vision.variant;
  };
  assert.equal(embeddedDefaults().vision.variant, 'float16');
  assert.equal(load('  variant: float32\n'), 'float32');
  assert.deepEqual(load('  variant:\n    default: float16\n    faceplugin-feature: int8\n'), { default: 'float16', 'faceplugin-feature': 'int8' });
  const problems = problemsOf(() => load('  variant:\n    faceplugin-feature: int9\n'));
  assert.deepEqual(problems, [
    'vision.variant: expected one of "float32", "float16", "uint8", "int8", a mapping of names to those (got {"faceplugin-feature":"int9"})',
  ]);
});

test('environment overrides are validated like the file', () => {
  const problems = problemsOf(() => loadConfig({ env: { FACEGATE_ADMIN__PORT: 'eighty', FACEGATE_NOPE__X: '1' } }));
  assert.ok(problems.includes('admin.port: expected integer (got "eighty")'), problems.join('\n'));
  assert.ok(problems.includes('nope: unknown key'), problems.join('\n'));
});

test("a one-part environment name sets a whole section; the launcher's own names are not config", () => {
  const env = {
    FACEGATE_DOORS: '[{id: front, name: Front, driver: simulated}, {id: back, name: Back, driver: simulated, lock: {pin: 18}}]',
    FACEGATE_MQTT: '{base_topic: site}',
    FACEGATE_MQTT__URL: 'mqtt://hub:1883',
    FACEGATE_DIST: '0',
    FACEGATE_LOG_FORMAT: 'json',
  };
  const { config, layers } = loadConfig({ env });
  assert.deepEqual(
    config.doors.map((d) => [d.id, d.driver]),
    [
      ['front', 'simulated'],
      ['back', 'simulated'],
    ],
  );
  assert.equal(config.doors[1]?.lock.pin, 18);
  assert.equal(config.mqtt.base_topic, 'site');
  assert.equal(config.mqtt.url, 'mqtt://hub:1883');
  assert.deepEqual(layers, ['embedded defaults', 'environment']);
  const problems = problemsOf(() => loadConfig({ env: { FACEGATE_DOORS: '[{id: front, name: A}, {id: front, name: B, lock: {pin: 18}}]' } }));
  assert.ok(
    problems.some((p) => p.includes('front')),
    problems.join('\n'),
  );
});

test('a broken YAML file gives one clear error naming the file', () => {
  const dir = tempDir();
  const file = join(dir, 'broken.yaml');
  writeFileSync(file, 'camera:\n  source: [auto\n');
  assert.throws(
    () => loadConfig({ file, env: {} }),
    (err: unknown) => {
      assert.ok(err instanceof FacegateError);
      assert.match(err.message, new RegExp(`^config file ${file}: not valid YAML: `));
      assert.equal(err.message.split('\n').length, 1);
      return true;
    },
  );
});

test('duplicate keys, a non-mapping top level and a missing file are refused', () => {
  const dir = tempDir();
  const dup = join(dir, 'dup.yaml');
  writeFileSync(dup, 'admin:\n  port: 1\n  port: 2\n');
  assert.throws(() => loadConfig({ file: dup, env: {} }), /not valid YAML/);
  const list = join(dir, 'list.yaml');
  writeFileSync(list, '- a\n- b\n');
  assert.throws(() => loadConfig({ file: list, env: {} }), /top level must be a mapping/);
  assert.throws(() => loadConfig({ file: join(dir, 'missing.yaml'), env: {} }), /missing\.yaml: no such file/);
});

test('an empty file means the embedded defaults', () => {
  const dir = tempDir();
  const file = join(dir, 'empty.yaml');
  writeFileSync(file, '# nothing\n');
  assert.deepEqual(loadConfig({ file, env: {} }).config, embeddedDefaults());
});

test('no secret is printed in a config error: secret keys, unknown (perhaps misspelt) keys and URL credentials', () => {
  const dir = tempDir();
  const file = join(dir, 'secrets.yaml');
  writeFileSync(
    file,
    [
      'mqtt:',
      '  password: 12345',
      '  commands:',
      '    hmac_secret: hunter2-short',
      '    hmac_secert: s3cr3t-misspelt-value',
      'camera:',
      '  network:',
      '    url: "ftp://cam:pa55word@10.0.0.9/stream"',
      '',
    ].join('\n'),
  );
  const error = errorOf(() => loadConfig({ file, env: {} }));
  for (const secret of ['12345', 'hunter2', 's3cr3t', 'pa55word'])
    assert.equal(error.message.includes(secret), false, `${secret} is not in:\n${error.message}`);
  assert.match(error.message, /mqtt\.password: .*\(got a number, not shown\)/);
  assert.match(error.message, /mqtt\.commands\.hmac_secret: .*\(got a string of 13 characters, not shown\)/);
  assert.match(error.message, /mqtt\.commands\.hmac_secert: unknown key$/m);
  assert.match(error.message, /camera\.network\.url: .*ftp:\/\/\*\*\*@10\.0\.0\.9/);
});

test('rules across fields: each broken rule is named with its path, in config check and at start', () => {
  const cases: [string, string[], RegExp][] = [
    ['camera on no door', ['camera:', '  door: back'], /^camera\.door: "back" is not a configured door \(doors: front\)$/],
    [
      'one id twice',
      ['doors:', '  - { id: front, name: A, lock: { pin: 17 } }', '  - { id: front, name: B, lock: { pin: 18 } }'],
      /^doors\.1\.id: door id "front" is also doors\.0\.id/,
    ],
    [
      'one pin twice',
      ['doors:', '  - { id: front, name: A, lock: { pin: 17 } }', '  - { id: back, name: B, lock: { pin: 22 }, tamper: { pin: 17 } }'],
      /^doors\.1\.tamper\.pin: bcm pin 17 is already used by doors\.0\.lock$/,
    ],
    ['unlock without a secret', ['mqtt:', '  commands: { unlock: true }'], /^mqtt\.commands\.hmac_secret: mqtt\.commands\.unlock is on/],
    [
      'trusted user on the embedded broker',
      ['mqtt:', '  commands: { trusted_user: homeassistant }'],
      /^mqtt\.commands\.trusted_user: needs an external broker \(mqtt\.url\)/,
    ],
    [
      'trusted user, facegate without a user name',
      ['mqtt:', '  url: mqtt://hub:1883', '  commands: { trusted_user: homeassistant }'],
      /^mqtt\.commands\.trusted_user: needs mqtt\.username/,
    ],
    [
      'trusted user is facegate itself',
      ['mqtt:', '  url: mqtt://hub:1883', '  username: homeassistant', '  commands: { trusted_user: homeassistant }'],
      /^mqtt\.commands\.trusted_user: must not be facegate's own broker user/,
    ],
    ['MQTT certificate without key', ['mqtt:', '  tls: { cert_file: /etc/c.pem }'], /^mqtt\.tls\.key_file: cert_file and key_file go together/],
    ['admin certificate without key', ['admin:', '  tls_cert_file: /etc/c.pem'], /^admin\.tls_key_file: tls_cert_file and tls_key_file go together/],
    ['network camera without URL', ['camera:', '  source: rtsp'], /^camera\.network\.url: camera\.source is rtsp, so a rtsp URL is needed$/],
    [
      'URL of the other kind',
      ['camera:', '  source: rtsp', '  network: { url: "http://cam/mjpeg" }'],
      /^camera\.network\.url: camera\.source is rtsp but the URL is not a rtsp URL$/,
    ],
    ['replay without path', ['camera:', '  source: replay'], /^camera\.replay\.path: camera\.source is replay/],
  ];
  for (const [what, lines, expected] of cases) {
    const file = join(tempDir(), 'rule.yaml');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const problems = problemsOf(() => loadConfig({ file, env: {} }));
    assert.equal(problems.length, 1, `${what}: ${problems.join(' | ')}`);
    assert.match(problems[0] as string, expected, what);
  }
});
