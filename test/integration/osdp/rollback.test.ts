// The reader is a start-up step like the others: when it or a later step fails, the serial line is
// closed again and no re-open timer is left; when the port is missing, the daemon starts anyway
// and keeps trying (a USB adapter plugged in later).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDaemon } from '../../../daemon/main.ts';
import { InstanceLock } from '../../../daemon/store/index.ts';
import { osdpDaemonEnv } from '../../support/osdp-store.ts';
import { ptyPair } from '../../support/osdp-cp.ts';
import { tempDir } from '../../support/tmp.ts';

/** The descriptors of this process open on `device`. */
function openOn(device: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === device;
    } catch {
      return false;
    }
  }).length;
}

/** Waits (up to 5 s: a loaded machine is slow to turn) until nothing of this process is open on `device`: a tty stream closes its descriptor after destroy(), on libuv's next turn. */
async function closedWithin(device: string): Promise<number> {
  for (let i = 0; i < 250 && openOn(device) > 0; i++) await sleep(20);
  return openOn(device);
}

void test('the osdp step and the step after it fail in turn: the line is closed again, the lock released', async () => {
  const dir = tempDir('facegate-osdp-rollback-');
  const pty = await ptyPair(dir);
  const device = realpathSync(pty.pdPath);
  try {
    const env = osdpDaemonEnv(join(dir, 'data'), pty.pdPath, { FACEGATE_ADMIN__ENABLED: 'false' });
    const daemon = await startDaemon({ env });
    const steps = [...daemon.steps];
    const at = steps.indexOf('osdp');
    assert.ok(at > 0, steps.join());
    for (let i = 0; i < 50 && openOn(device) === 0; i++) await sleep(20);
    assert.ok(openOn(device) > 0, 'the running reader holds its line');
    await daemon.stop('test');
    assert.equal(await closedWithin(device), 0, 'a clean stop closes the line');
    for (const failAt of ['osdp', steps[at + 1]!]) {
      await assert.rejects(startDaemon({ env, failAt }), new RegExp(failAt));
      await sleep(600); // a stray re-open (every 500 ms) would have fired by now
      assert.equal(await closedWithin(device), 0, `${failAt}: the line is closed`);
      InstanceLock.acquire(join(dir, 'data')).release();
    }
  } finally {
    await pty.cut();
  }
});

void test('a port that is not there: the daemon starts, the reader keeps trying, and takes the line once it appears', async () => {
  const dir = tempDir('facegate-osdp-late-');
  const port = join(dir, 'pd.tty');
  const daemon = await startDaemon({ env: osdpDaemonEnv(join(dir, 'data'), port, { FACEGATE_ADMIN__ENABLED: 'false' }) });
  try {
    assert.ok(daemon.steps.includes('osdp'));
    const pty = await ptyPair(dir);
    try {
      const device = realpathSync(pty.pdPath);
      for (let i = 0; i < 100 && openOn(device) === 0; i++) await sleep(20);
      assert.ok(openOn(device) > 0, 'the reader opened the port once it appeared');
    } finally {
      await daemon.stop('test');
      await pty.cut();
    }
  } finally {
    await daemon.stop('test');
  }
});
