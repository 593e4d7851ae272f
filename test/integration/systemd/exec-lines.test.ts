import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BOARDS, makeSysfsTree } from '../../fakes/sysfs-gpio.ts';
import { notifySocket } from '../../support/sd-notify.ts';
import { execCommand, serviceSection, unitEnvironment } from '../../support/systemd-unit.ts';
import { tempDir } from '../../support/tmp.ts';

// The unit's own command lines, run as systemd would run them, with the installed layout mapped
// into a temporary one: /opt/facegate is this checkout.
const checkout = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');
const service = serviceSection(join(checkout, 'systemd', 'facegate.service'));

function layout() {
  const dir = tempDir();
  const etc = join(dir, 'etc');
  const data = join(dir, 'state');
  mkdirSync(etc);
  mkdirSync(data, { mode: 0o700 });
  const map = { '/opt/facegate': checkout, '/etc/facegate': etc, '/var/lib/facegate': data, '/usr/bin/node': process.execPath };
  // systemd starts a service with a clean environment: PATH, the unit's Environment= and what it adds.
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...unitEnvironment(service, map) };
  return { dir, etc, data, map, env };
}

function run(argv: string[], env: NodeJS.ProcessEnv) {
  const [cmd, ...args] = argv as [string, ...string[]];
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as string | null, stdout, stderr }));
  return { child, exited };
}

void test('ExecStopPost= as written in the unit drives a lock line left unlocked to its locked level', async () => {
  const l = layout();
  // Pi 4 on kernel 6.6: BCM 17 is sysfs 529; an active-low relay is locked at 1. The daemon died
  // (SIGKILL) during a pulse: the line is an output at 0, unlocked.
  const gpio = makeSysfsTree(join(l.dir, 'gpio'), BOARDS.pi4Kernel66, [529], { 529: '0' });
  writeFileSync(join(gpio.root, 'gpio529', 'direction'), 'out\n');
  writeFileSync(
    join(l.etc, 'config.yaml'),
    [
      'daemon:',
      `  sysfs_gpio_root: ${gpio.root}`,
      'doors:',
      '  - id: front',
      '    name: Front',
      '    driver: onoff',
      '    lock: {pin: 17, active_low: true}',
      '',
    ].join('\n'),
  );
  const r = await run(execCommand(service, 'ExecStopPost', l.map), l.env).exited;
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim()), { door: 'front', gpio: 529, level: 1, error: null });
  assert.equal(gpio.value(529), '1');
  assert.match(gpio.direction(529), /^(out|high)$/, 'still an output ("high": set out at 1 without a glitch)');
});

void test('ExecStart= as written in the unit starts the daemon, which reports READY=1 and stops on SIGTERM', async () => {
  const l = layout();
  // LoadCredentialEncrypted= hands the decrypted device key over in $CREDENTIALS_DIRECTORY.
  const credentials = join(l.dir, 'credentials');
  mkdirSync(credentials, { mode: 0o700 });
  writeFileSync(join(credentials, 'device.key'), randomBytes(32), { mode: 0o600 });
  writeFileSync(join(l.etc, 'config.yaml'), 'camera:\n  source: none\nadmin:\n  port: 0\nmqtt:\n  embedded_port: 0\n');
  const notify = await notifySocket(l.dir);
  try {
    const d = run(execCommand(service, 'ExecStart', l.map), { ...l.env, CREDENTIALS_DIRECTORY: credentials, NOTIFY_SOCKET: notify.path });
    let ready = false;
    const early = d.exited.then((r) => {
      if (!ready) throw new Error(`the daemon exited (${r.code ?? r.signal}) before READY=1:\n${r.stderr}`);
    });
    await Promise.race([notify.waitFor('READY=1'), early]);
    ready = true;
    d.child.kill('SIGTERM');
    const r = await d.exited;
    assert.equal(r.code, 0, r.stderr);
    await notify.waitFor('STOPPING=1', 5000);
    // It ran on the unit's data directory and its memory settings, not on the checkout's defaults.
    const logs = r.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(logs.find((x) => x.msg === 'facegate started')?.dataDir, l.data);
    assert.ok(!logs.some((x) => typeof x.msg === 'string' && x.msg.includes('memory settings')), 'started without the memory settings');
  } finally {
    notify.close();
  }
});
