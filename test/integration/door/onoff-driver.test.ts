import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BOARDS, makeSysfsTree } from '../../fakes/sysfs-gpio.ts';
import { tempDir } from '../../support/tmp.ts';

// Issue 19: the onoff driver is what a Pi runs, but it only knows /sys/class/gpio, so the other
// sysfs tests take the file driver. Here a fake tree is bind-mounted over /sys/class in a private
// mount namespace (util-linux unshare, as root), and the child builds the door as main.ts does.
const child = fileURLToPath(new URL('./fixtures/onoff-child.ts', import.meta.url));

function whyNot(): string | null {
  if (process.getuid?.() !== 0) return 'bind-mounting over /sys/class needs root';
  try {
    execFileSync('unshare', ['--mount', '--uts', 'true'], { stdio: 'ignore' });
  } catch {
    return 'unshare --mount --uts is not allowed here (util-linux, a container without CAP_SYS_ADMIN?)';
  }
  return null;
}

const reason = whyNot();
if (reason) console.log(`# onoff driver test skipped: ${reason}`);

interface Step {
  step: string;
  [k: string]: unknown;
}

/** Runs the child with `classDir` as /sys/class; with `hostnameAt`, that file is the kernel's hostname. */
function runChild(classDir: string, scenario: string, hostnameAt?: string): Promise<Step[]> {
  const script = [
    'set -e',
    'mount --bind "$1" /sys/class',
    ...(hostnameAt ? ['echo 0 > /proc/sys/kernel/hostname', `mount --bind /proc/sys/kernel/hostname /sys/class/gpio/${hostnameAt}`] : []),
    'shift',
    'exec "$@"',
  ].join('\n');
  const args = ['--mount', '--uts', 'sh', '-c', script, 'sh', classDir, process.execPath, '--import', 'tsx', child, scenario];
  return new Promise((resolve, reject) => {
    execFile('unshare', args, { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}`));
      resolve(
        stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Step),
      );
    });
  });
}

const tree = (exported: number[]) => {
  const classDir = join(tempDir(), 'class');
  mkdirSync(classDir);
  return { classDir, t: makeSysfsTree(join(classDir, 'gpio'), BOARDS.pi4Kernel66, exported, { 529: '0' }) };
};

void test('onoff drives the lock on /sys/class/gpio: claimed high (locked), pulsed low, left locked and exported', { skip: reason ?? false }, async () => {
  const { classDir, t } = tree([529]);
  const [started, unlocked, over, stopped] = await runChild(classDir, 'lock');
  assert.deepEqual(started?.lines, [{ line: 'front.lock', driver: 'onoff', gpio: 529, level: 1 }], 'the board path: onoff, not the file driver');
  // Claimed as "high" (an output already at 1: no glitch through 0), then written locked again by the door.
  assert.deepEqual(started?.lock, { value: '1', direction: 'high', active_low: '0' });
  assert.deepEqual([unlocked?.lock, unlocked?.state], [{ value: '0', direction: 'high', active_low: '0' }, 'unlocked']);
  assert.deepEqual([over?.lock, over?.state], [{ value: '1', direction: 'high', active_low: '0' }, 'locked'], 'relocked after the pulse');
  assert.equal((stopped?.lock as { value: string }).value, '1');
  assert.equal(t.value(529), '1', 'the writes went through the mount to this tree');
  assert.equal(t.exportFile(), '', 'an exported line is not exported again');
});

void test('onoff: a lock line the kernel does not export is a door_gpio start error naming the pin', { skip: reason ?? false }, async () => {
  const { classDir, t } = tree([]);
  const [failed] = await runChild(classDir, 'unexported');
  assert.equal(failed?.step, 'start failed');
  assert.equal(failed?.code, 'door_gpio');
  assert.match(String(failed?.message), /GPIO bcm 17 \(sysfs 529\): cannot claim the output: .*gpio529\/value/);
  assert.equal(t.exportFile(), '529', 'onoff asked the kernel to export it');
});

void test(
  'onoff inputs are interrupts: an edge on the contact is door_opened/door_forced, then door_closed; stop unexports it',
  { skip: reason ?? false },
  async () => {
    const { classDir, t } = tree([529, 539]);
    const steps = await runChild(classDir, 'contact', 'gpio539/value');
    const [started, opened, closed] = steps;
    assert.deepEqual(
      (started?.lines as { driver: string; gpio: number }[]).map((l) => [l.driver, l.gpio]),
      [
        ['onoff', 529],
        ['onoff', 539],
      ],
    );
    assert.deepEqual([opened?.events, opened?.position], [['door_opened', 'door_forced'], 'open'], 'no poll runs on this driver: only the edge could tell');
    assert.deepEqual([closed?.events, closed?.position], [['door_opened', 'door_forced', 'door_closed'], 'closed']);
    assert.equal(t.direction(539), 'in');
    assert.equal(t.exportFile(), '', 'both lines were exported already');
    assert.equal(readFileSync(join(t.root, 'unexport'), 'utf8'), '539', 'the input is given back on stop; the lock output is not');
    assert.equal(readFileSync(join(t.root, 'gpio539', 'edge'), 'utf8'), 'both', 'interrupts on both edges');
  },
);
