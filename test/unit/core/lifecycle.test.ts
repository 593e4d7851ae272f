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
  lc.add('broken', {
    start: () => undefined,
    stop: () => {
      throw new Error('stuck');
    },
  });
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
  lc.add('b', {
    start: () => {
      throw new Error('no camera');
    },
    stop: () => void stopped.push('b'),
  });
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

test('a failed start stops what started before it, by itself, and the error goes on', async () => {
  const { log } = memoryLogger();
  const lc = new Lifecycle(log);
  const calls: string[] = [];
  const db = lc.acquire(
    'store',
    () => 'db',
    (v) => void calls.push(`release ${v}`),
  );
  lc.add('door', { start: () => void calls.push('start door'), stop: () => void calls.push('stop door') });
  lc.add('camera', {
    start: () => {
      throw new Error('no camera');
    },
    stop: () => void calls.push('stop camera'),
  });
  lc.add('mqtt', { start: () => void calls.push('start mqtt'), stop: () => void calls.push('stop mqtt') });
  assert.equal(db, 'db');
  await assert.rejects(lc.start(), /no camera/);
  assert.deepEqual(calls, ['start door', 'stop door', 'release db']);
  assert.equal(lc.state, 'stopped');
  assert.deepEqual(lc.held, []);
});

test('acquired resources are released after every service, in reverse', async () => {
  const { log } = memoryLogger();
  const lc = new Lifecycle(log);
  const calls: string[] = [];
  lc.acquire(
    'store',
    () => 1,
    () => void calls.push('release store'),
  );
  lc.acquire(
    'worker',
    () => 2,
    () => void calls.push('release worker'),
  );
  lc.add('door', { start: () => undefined, stop: () => void calls.push('stop door') });
  assert.deepEqual(lc.held, ['store', 'worker']);
  await lc.start();
  assert.deepEqual(lc.held, ['store', 'worker', 'door']);
  await lc.stop();
  assert.deepEqual(calls, ['stop door', 'release worker', 'release store']);
});

test('failAt makes the named step fail, whether a step, an acquisition or a service', async () => {
  const { log } = memoryLogger();
  for (const failAt of ['check', 'store', 'door']) {
    const lc = new Lifecycle(log, { failAt });
    const released: string[] = [];
    const run = async (): Promise<void> => {
      lc.step('check', () => undefined);
      lc.acquire(
        'store',
        () => undefined,
        () => void released.push('store'),
      );
      lc.add('door', { start: () => undefined, stop: () => void released.push('door') });
      await lc.start();
    };
    await assert.rejects(run(), (err: Error & { code?: string }) => err.code === 'fault_injected' && err.message.includes(`"${failAt}"`));
    await lc.stop();
    assert.deepEqual(released, failAt === 'door' ? ['store'] : [], failAt);
  }
});

test('a stop during start waits for the step under way and stops it too', async () => {
  const { log } = memoryLogger();
  const lc = new Lifecycle(log);
  const calls: string[] = [];
  let finish!: () => void;
  lc.add('door', { start: () => void calls.push('start door'), stop: () => void calls.push('stop door') });
  lc.add('vision', {
    start: () =>
      new Promise<void>((resolve) => {
        finish = resolve;
      }),
    stop: () => void calls.push('stop vision'),
  });
  lc.add('mqtt', { start: () => void calls.push('start mqtt'), stop: () => void calls.push('stop mqtt') });
  const starting = lc.start();
  await new Promise((resolve) => setImmediate(resolve));
  const stopping = lc.stop();
  finish();
  await Promise.all([starting, stopping]);
  assert.deepEqual(calls, ['start door', 'stop vision', 'stop door'], 'mqtt never starts; vision, still starting at stop, is stopped');
});

test('a step failing while a stop waits for it leaves the rollback to that stop', async () => {
  const { log } = memoryLogger();
  const lc = new Lifecycle(log);
  const calls: string[] = [];
  let fail!: (err: Error) => void;
  lc.add('door', { start: () => undefined, stop: () => void calls.push('stop door') });
  lc.add('vision', {
    start: () =>
      new Promise<void>((_, reject) => {
        fail = reject;
      }),
    stop: () => void calls.push('stop vision'),
  });
  const starting = lc.start();
  await new Promise((resolve) => setImmediate(resolve));
  const stopping = lc.stop();
  fail(new Error('models missing'));
  await assert.rejects(starting, /models missing/);
  await stopping;
  assert.deepEqual(calls, ['stop door']);
});
