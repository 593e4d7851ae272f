import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lifecycle } from '../../../daemon/core/index.ts';
import { memoryLogger } from '../../support/logger.ts';

test('services start in order and stop in reverse, once', async () => {
  const { log } = memoryLogger();
  const lc = new Lifecycle(log);
  const calls: string[] = [];
  for (const name of ['store', 'door', 'mqtt']) {
    lc.add(name, { start: async () => void calls.push(`start ${name}`), stop: async () => void calls.push(`stop ${name}`) });
  }
  await lc.start();
  await lc.start();
  await Promise.all([lc.stop(), lc.stop()]);
  await lc.stop();
  assert.deepEqual(calls, ['start store', 'start door', 'start mqtt', 'stop mqtt', 'stop door', 'stop store']);
  assert.equal(lc.state, 'stopped');
});

test('a service that fails to stop does not keep the others running', async () => {
  const { log, lines } = memoryLogger();
  const lc = new Lifecycle(log);
  const stopped: string[] = [];
  lc.add('door', { start: () => undefined, stop: () => void stopped.push('door') });
  lc.add('broken', { start: () => undefined, stop: () => { throw new Error('stuck'); } });
  await lc.start();
  await lc.stop();
  assert.deepEqual(stopped, ['door']);
  assert.ok(lines().some((l) => l.service === 'broken' && l.level === 50));
});

test('a failed start leaves already-started services stoppable', async () => {
  const { log } = memoryLogger();
  const lc = new Lifecycle(log);
  const stopped: string[] = [];
  lc.add('a', { start: () => undefined, stop: () => void stopped.push('a') });
  lc.add('b', { start: () => { throw new Error('no camera'); }, stop: () => void stopped.push('b') });
  await assert.rejects(lc.start(), /no camera/);
  await lc.stop();
  assert.deepEqual(stopped, ['a']);
});

test('services cannot be added after start', async () => {
  const { log } = memoryLogger();
  const lc = new Lifecycle(log);
  await lc.start();
  assert.throws(() => lc.add('late', { start: () => undefined, stop: () => undefined }), /after start/);
});
