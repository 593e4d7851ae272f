import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDaemon } from '../../../daemon/main.ts';
import { InstanceLock } from '../../../daemon/store/index.ts';
import { makeFakeGpiod } from '../../fakes/gpiod-tools.ts';
import { isolatedEnv } from '../../support/daemon.ts';
import { ffmpeg, lavfi } from '../../support/mjpeg.ts';
import { tempDir } from '../../support/tmp.ts';

// A daemon with every part that holds something: the lock line held by a gpiod tool (a child
// process), a video camera through ffmpeg (a child), the vision worker (loaded at the analysis
// step), the embedded MQTT broker (a listening socket) and the admin worker thread.
const dataDir = tempDir();
const configFile = join(dataDir, 'config.yaml');
const video = join(dataDir, 'door.mp4');
writeFileSync(configFile, 'doors:\n  - id: front\n    name: Front\n    driver: gpiod\n    lock: { pin: 17 }\n');
const fake = makeFakeGpiod(join(dataDir, 'gpio'), 2, ['gpiochip0 [pinctrl-bcm2711] (58 lines)']);
const env = (extra: NodeJS.ProcessEnv = {}) =>
  isolatedEnv(dataDir, {
    FACEGATE_DAEMON__LOG_LEVEL: 'silent',
    FACEGATE_DAEMON__SYSFS_GPIO_ROOT: join(dataDir, 'no-sysfs'),
    FACEGATE_CAMERA__SOURCE: 'replay',
    FACEGATE_CAMERA__REPLAY__PATH: video,
    PATH: fake.env.PATH,
    PYTHONPATH: fake.env.PYTHONPATH,
    FAKE_GPIOD: fake.dir,
    ...extra,
  });

/** This test process's own children (the daemon's tools and camera run as them), without ps and tsx's esbuild service (running, or exited and not yet reaped: "[esbuild] <defunct>"). */
function children(): string[] {
  const out = execFileSync('ps', ['--ppid', String(process.pid), '-o', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^\d+ (ps |\S*esbuild\]? )/.test(l));
}

// Node's diagnostic report lists every running worker thread, tsx's loader thread among them
// (OS thread counts move with libvips' pool).
const workers = (): number => (process.report.getReport() as { workers: unknown[] }).workers.length;
const HELD_HANDLES = ['Timeout', 'TCPServerWrap', 'TCPSocketWrap', 'ProcessWrap', 'FSEventWrap', 'PipeWrap'];
const heldHandles = (): string[] =>
  process
    .getActiveResourcesInfo()
    .filter((r) => HELD_HANDLES.includes(r))
    .sort();

async function settled<T>(read: () => T, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  let v = read();
  while (!ok(v) && Date.now() < end) {
    await sleep(50);
    v = read();
  }
  return v;
}

/** What must hold after any failed start: nothing left behind, and the door locked. */
async function assertRolledBack(step: string, baseline: { workers: number; handles: string[] }, lineDriven: boolean): Promise<void> {
  InstanceLock.acquire(dataDir).release();
  assert.deepEqual(await settled(children, (c) => c.length === 0), [], `${step}: no child process left`);
  assert.equal(await settled(workers, (n) => n === baseline.workers), baseline.workers, `${step}: no worker thread left`);
  assert.deepEqual(heldHandles(), baseline.handles, `${step}: no timer, socket or server left`);
  const level = fake.level('gpiochip0', 17);
  if (lineDriven) assert.equal(level, '0', `${step}: the lock output was left at its locked level`);
  else assert.ok(level === null || level === '0', `${step}: the lock line was never driven unlocked (${level})`);
}

test('start-up rolls back whichever step fails: lock released, no child or worker left, the door locked', { timeout: 600_000 }, async () => {
  await ffmpeg([...lavfi('testsrc=size=320x240:rate=10'), '-t', '2', '-pix_fmt', 'yuv420p', video]);
  const idleWorkers = workers();
  const daemon = await startDaemon({ configFile, env: env() });
  const steps = [...daemon.steps];
  assert.ok(children().length >= 2, `the lock holder and ffmpeg run: ${children().join('; ')}`);
  assert.equal(await settled(workers, (n) => n >= idleWorkers + 2), idleWorkers + 2, 'the vision and admin workers run');
  await daemon.stop('test');
  await fake.exited();
  const baseline = { workers: workers(), handles: heldHandles() };
  assert.deepEqual(steps.slice(0, 4), ['store', 'settings', 'privacy', 'doors:config']);
  for (const name of ['doors', 'vision', 'camera', 'analysis', 'mqtt', 'admin']) assert.ok(steps.includes(name), `${name} is a step: ${steps.join(' ')}`);

  for (const step of steps) {
    await assert.rejects(startDaemon({ configFile, env: env(), failAt: step }), (err: Error & { code?: string }) => err.code === 'fault_injected', step);
    await assertRolledBack(step, baseline, steps.indexOf(step) > steps.indexOf('doors'));
  }
});

test('a real failure at the last step (the admin port taken) rolls back everything before it', { timeout: 120_000 }, async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = (taken.address() as AddressInfo).port;
  const baseline = { workers: workers(), handles: heldHandles() };
  try {
    await assert.rejects(startDaemon({ configFile, env: env({ FACEGATE_ADMIN__HOST: '127.0.0.1', FACEGATE_ADMIN__PORT: String(port) }) }), /EADDRINUSE|in use/);
    await assertRolledBack('admin (port taken)', baseline, true);
  } finally {
    taken.close();
  }
});
