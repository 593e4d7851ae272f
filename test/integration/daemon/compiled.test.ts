import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BOARDS, makeSysfsTree } from '../../fakes/sysfs-gpio.ts';
import { CHECKOUT, builtTreeWithoutTsx } from '../../support/built-tree.ts';
import { isolatedEnv, startFacegate, stopCleanly } from '../../support/daemon.ts';
import { execCommand, serviceSection } from '../../support/systemd-unit.ts';
import { tempDir } from '../../support/tmp.ts';

// One build for the file (tsc takes some seconds), into a tree that has no tsx at all.
const prefix = await builtTreeWithoutTsx();
const FACE = fileURLToPath(new URL('../../fixtures/faces/Abel_Pacheco_0001.jpg', import.meta.url));

void test('the built tree has the daemon compiled, and tsx only in the checkout', () => {
  assert.ok(existsSync(join(prefix, 'dist', 'daemon', 'cli.js')));
  assert.ok(existsSync(join(prefix, 'dist', 'daemon', 'core', 'worker-boot.mjs')), 'files the daemon reads next to its modules are copied');
  assert.ok(existsSync(join(prefix, 'dist', 'daemon', 'admin', 'web', 'index.html')));
  assert.ok(existsSync(join(CHECKOUT, 'node_modules', 'tsx')) && !existsSync(join(prefix, 'node_modules', 'tsx')));
});

void test('the compiled daemon starts, its vision worker gets ready, and it stops cleanly, without tsx', async () => {
  const dir = tempDir();
  const frames = join(dir, 'frames');
  mkdirSync(frames);
  copyFileSync(FACE, join(frames, '0001.jpg'));
  const env = isolatedEnv(join(dir, 'data'), { FACEGATE_DIST: '1', FACEGATE_CAMERA__SOURCE: 'replay', FACEGATE_CAMERA__REPLAY__PATH: frames });
  const d = startFacegate(['run'], env, { bin: join(prefix, 'bin', 'facegate.js') });
  try {
    assert.equal((await d.waitForLog((l) => l.msg === 'facegate started', 120_000)).compiled, true);
    assert.equal((await d.waitForLog((l) => l.msg === 'vision pipeline ready', 120_000)).thread, 'vision');
    // tsx would also run esbuild as a service process beside the daemon.
    const children = spawnSync('ps', ['--ppid', String(d.child.pid), '-o', 'args='], { encoding: 'utf8' }).stdout;
    assert.doesNotMatch(children, /esbuild/);
    assert.doesNotMatch(readFileSync(`/proc/${d.child.pid}/cmdline`, 'utf8'), /tsx/);
  } finally {
    await stopCleanly(d);
  }
  assert.ok(d.logs.some((l) => l.msg === 'facegate stopped'));
});

void test("the unit's ExecStopPost= on the built tree locks the doors with the compiled fail-safe", () => {
  const dir = tempDir();
  // Pi 4 on kernel 6.6: BCM 17 is sysfs 529; left unlocked (0) by a daemon that died mid-pulse.
  const gpio = makeSysfsTree(join(dir, 'gpio'), BOARDS.pi4Kernel66, [529], { 529: '0' });
  writeFileSync(join(gpio.root, 'gpio529', 'direction'), 'out\n');
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    `daemon:\n  sysfs_gpio_root: ${gpio.root}\ndoors:\n  - id: front\n    name: Front\n    driver: onoff\n    lock: {pin: 17, active_low: true}\n`,
  );
  const service = serviceSection(join(CHECKOUT, 'systemd', 'facegate.service'));
  const [cmd, ...args] = execCommand(service, 'ExecStopPost', {
    '/opt/facegate': prefix,
    '/etc/facegate/config.yaml': config,
    '/usr/bin/node': process.execPath,
  });
  const r = spawnSync(cmd as string, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim()), { door: 'front', gpio: 529, level: 1, error: null });
  assert.equal(gpio.value(529), '1');
});
