import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from '../../../daemon/core/index.ts';
import { embeddedDefaults } from '../../../daemon/config/index.ts';
import { memoryLogger } from '../../support/logger.ts';

interface Events {
  ping: { n: number };
  other: string;
}

test('a listener that throws is logged and the others still run', () => {
  const { log, lines } = memoryLogger();
  const bus = new EventBus<Events>(log);
  const seen: number[] = [];
  bus.on('ping', ({ n }) => seen.push(n));
  bus.on('ping', () => {
    throw new Error('boom');
  });
  bus.on('ping', ({ n }) => seen.push(n * 10));
  bus.emit('ping', { n: 2 });
  assert.deepEqual(seen, [2, 20]);
  const errors = lines().filter((l) => l.level === 50);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]?.event, 'ping');
});

test('unsubscribe stops delivery and events are kept apart by type', () => {
  const { log } = memoryLogger();
  const bus = new EventBus<Events>(log);
  const got: string[] = [];
  const off = bus.on('other', (s) => got.push(s));
  bus.emit('ping', { n: 1 });
  bus.emit('other', 'a');
  off();
  bus.emit('other', 'b');
  assert.deepEqual(got, ['a']);
  assert.equal(bus.listenerCount('other'), 0);
});

test('the logger redacts secrets and names', () => {
  const { log, lines } = memoryLogger();
  log.info({ password: 'hunter2', mqtt: { password: 'x' }, displayName: 'Alice', token: 't' }, 'hello');
  const line = JSON.stringify(lines()[0]);
  for (const secret of ['hunter2', '"x"', 'Alice', '"t"']) assert.ok(!line.includes(secret), `${secret} leaked: ${line}`);
});

test("the logger redacts the config's secrets wherever the config is logged", () => {
  const { log, lines } = memoryLogger();
  const config = embeddedDefaults();
  config.mqtt.password = 'mqtt-pass-1';
  config.mqtt.commands.hmac_secret = 'hmac-secret-0123456789';
  log.info({ config }, 'whole');
  log.info({ mqtt: config.mqtt }, 'section');
  log.info(config.mqtt.commands, 'commands');
  log.info({ hmac_secret: config.mqtt.commands.hmac_secret }, 'bare');
  for (const line of lines().map((l) => JSON.stringify(l))) {
    for (const secret of ['mqtt-pass-1', 'hmac-secret-0123456789']) assert.ok(!line.includes(secret), `${secret} leaked: ${line}`);
  }
  assert.equal(lines().length, 4);
});
