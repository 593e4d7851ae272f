import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BOARDS, makeSysfsTree } from '../../fakes/sysfs-gpio.ts';
import { tempDir } from '../../support/tmp.ts';

const child = fileURLToPath(new URL('./fixtures/crash-child.ts', import.meta.url));
const failsafe = fileURLToPath(new URL('../../../scripts/door-failsafe.ts', import.meta.url));

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], opts: { killOn?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (opts.killOn && stdout.includes(opts.killOn)) p.kill('SIGKILL');
    });
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Pi 4 on kernel 6.6; the lock (BCM 17, active-low relay) is sysfs 529: locked = 1, unlocked = 0. */
function tree() {
  return makeSysfsTree(join(tempDir(), 'gpio'), BOARDS.pi4Kernel66, [529]);
}

for (const mode of ['throw', 'reject', 'exit'] as const) {
  void test(`a process that dies (${mode}) while the door is held unlocked leaves the lock line at its locked level`, async () => {
    const t = tree();
    const r = await run([child, t.root, mode]);
    assert.match(r.stdout, /^unlocked 0$/m, `the child unlocked first: ${r.stderr}`);
    assert.notEqual(r.code, 0);
    assert.equal(t.value(529), '1');
    const events = readFileSync(join(t.root, '..', 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; reason: string });
    const last = events.at(-1);
    assert.deepEqual([last?.type, last?.reason], ['door_locked', 'exit'], 'the exit handler says so in an event');
  });
}

void test('a SIGKILL runs no handler; the failsafe script (ExecStopPost) then locks the door', async () => {
  const t = tree();
  const r = await run([child, t.root, 'hang'], { killOn: 'unlocked' });
  assert.equal(r.signal, 'SIGKILL');
  assert.equal(t.value(529), '0', 'nothing ran in the killed process');
  const config = join(tempDir(), 'config.yaml');
  writeFileSync(config, 'doors:\n  - id: front\n    name: Front\n    driver: onoff\n    lock: {pin: 17, active_low: true}\n');
  const f = await run([failsafe, '--config', config, '--sysfs-root', t.root], { env: { FACEGATE_CONFIG: '' } });
  assert.equal(f.code, 0, f.stderr);
  assert.deepEqual(JSON.parse(f.stdout.trim()), { door: 'front', gpio: 529, level: 1, error: null });
  assert.equal(t.value(529), '1');
});

void test('the failsafe script: an unreadable config exits 78 with the reason; a broken line exits 1', async () => {
  const bad = join(tempDir(), 'bad.yaml');
  writeFileSync(bad, 'doors:\n  - id: front\n    name: Front\n    unlock_pulse_ms: 0\n');
  const r = await run([failsafe, '--config', bad]);
  assert.equal(r.code, 78);
  assert.match(r.stderr, /doors\.0\.unlock_pulse_ms/);

  const t = makeSysfsTree(join(tempDir(), 'gpio'), BOARDS.pi4Kernel66, []);
  const config = join(tempDir(), 'config.yaml');
  writeFileSync(config, 'doors:\n  - id: front\n    name: Front\n    driver: onoff\n    lock: {pin: 40}\n');
  const f = await run([failsafe, '--config', config, '--sysfs-root', t.root]);
  assert.equal(f.code, 1);
  assert.match(JSON.parse(f.stdout.trim()).error as string, /bcm 40/);
});
