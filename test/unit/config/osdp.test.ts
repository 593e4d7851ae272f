import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { ConfigSchema, embeddedDefaults, loadConfig, validateConfig } from '../../../daemon/config/index.ts';
import { memoryLogger } from '../../support/logger.ts';
import { tempDir } from '../../support/tmp.ts';

const withOsdp = (osdp: Record<string, unknown>) => Value.Default(ConfigSchema, { osdp }) as unknown;

void test('osdp is off by default, at 9600 baud, address 0, no key, no install mode', () => {
  assert.deepEqual(embeddedDefaults().osdp, {
    enabled: false,
    port: null,
    baud: 9600,
    address: 0,
    scbk_secret: null,
    install_mode: false,
    credential_max_age_ms: 3000,
    vendor_code: '000000',
  });
});

void test('osdp rules: enabled needs a port; install mode needs enabled; SCBK-D is no device key', () => {
  assert.deepEqual(validateConfig(withOsdp({ enabled: true })), [
    'osdp.port: osdp.enabled is on, so the serial device of the RS-485 adapter is needed (e.g. /dev/ttyAMA0)',
  ]);
  assert.deepEqual(validateConfig(withOsdp({ install_mode: true })), ['osdp.install_mode: only with osdp.enabled']);
  const [scbkD] = validateConfig(withOsdp({ enabled: true, port: '/dev/ttyUSB0', scbk_secret: '303132333435363738393A3B3C3D3E3F' }));
  assert.match(scbkD ?? '', /^osdp\.scbk_secret: this is the install-mode key SCBK-D/);
  assert.deepEqual(validateConfig(withOsdp({ enabled: true, port: '/dev/ttyUSB0', scbk_secret: '00112233445566778899aabbccddeeff', install_mode: true })), []);
});

void test('osdp schema: a baud rate the standard does not use, an address past 126, a short key; the key is never shown', () => {
  const problems = validateConfig(withOsdp({ enabled: true, port: '/dev/ttyUSB0', baud: 4800, address: 127, scbk_secret: 'abcd' })).join('\n');
  assert.match(problems, /osdp\.baud: expected one of 9600, 19200, 38400, 57600, 115200, 230400/);
  assert.match(problems, /osdp\.address: /);
  assert.match(problems, /osdp\.scbk_secret: .*a string of 4 characters, not shown/);
  assert.doesNotMatch(problems, /abcd/);
});

void test('the SCBK comes as the systemd credential osdp.scbk_secret', () => {
  const dir = tempDir();
  const creds = join(dir, 'creds');
  mkdirSync(creds);
  writeFileSync(join(creds, 'osdp.scbk_secret'), '00112233445566778899aabbccddeeff\n');
  const file = join(dir, 'facegate.yaml');
  writeFileSync(file, 'osdp:\n  enabled: true\n  port: /dev/ttyAMA0\n');
  const { config } = loadConfig({ file, env: { CREDENTIALS_DIRECTORY: creds } });
  assert.equal(config.osdp.scbk_secret, '00112233445566778899aabbccddeeff');
  assert.equal(config.osdp.port, '/dev/ttyAMA0');
});

void test('the SCBK never reaches a log line, logged alone or with the whole config', () => {
  const { log, lines } = memoryLogger();
  const config = embeddedDefaults();
  config.osdp.scbk_secret = '00112233445566778899aabbccddeeff';
  log.info({ config }, 'config');
  log.info({ osdp: config.osdp }, 'osdp');
  log.info({ scbk: config.osdp.scbk_secret }, 'key');
  assert.equal(lines().length, 3);
  assert.doesNotMatch(JSON.stringify(lines()), /00112233445566778899aabbccddeeff/);
});
