// The data directory's disk fills up while the door is deciding: a clear error in the log, the
// daemon stays up, nothing already stored is damaged, and once space is back events are stored again.
// The data directory is a small tmpfs (the test runs as root in CI; it says so clearly otherwise).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { buildScenario, defaultSteps, ENROLL_DIR } from '../../scripts/e2e/scenario.ts';
import { isolatedEnv, runFacegate, startFacegate } from '../support/daemon.ts';
import { tempDir } from '../support/tmp.ts';

/** Writes zeros into `file` until the file system says it is full. */
function fillUp(file: string): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(256 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
}

void test('disk full on the data directory during the scenario: clear error, daemon up, nothing corrupted, events stored again once space is back', async () => {
  const mnt = join(tempDir(), 'mnt');
  mkdirSync(mnt);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mnt], { stdio: 'pipe' });
  } catch (err) {
    assert.fail(`this test needs root to mount a small tmpfs as the data directory (mount -t tmpfs): ${(err as Error).message}`);
  }
  try {
    const dataDir = join(mnt, 'data');
    const scenario = await buildScenario(join(tempDir(), 'frames'), defaultSteps({ leadIn: 120, faceFrames: 40, gap: 40 }));
    const env = isolatedEnv(dataDir, {
      FACEGATE_CAMERA__SOURCE: 'replay',
      FACEGATE_CAMERA__REPLAY__PATH: scenario.dir,
      FACEGATE_CAMERA__REPLAY__LOOP: 'false',
    });
    assert.equal((await runFacegate(['enroll', ENROLL_DIR, '--name', 'Door Tester'], env)).code, 0);
    const daemon = startFacegate(['run'], env);
    const filler = join(mnt, 'filler');
    try {
      await daemon.waitForLog((l) => l.msg === 'facegate started', 60_000);
      fillUp(filler);
      // The person comes: the door still opens (the lock does not wait for the disk), the write fails with a clear error.
      await daemon.waitForLog((l) => l.msg === 'unlocked', 120_000);
      const err = await daemon.waitForLog((l) => typeof l.level === 'number' && l.level >= 50 && /full|SQLITE_FULL|ENOSPC/i.test(JSON.stringify(l)), 30_000);
      console.log(`# disk full error: ${JSON.stringify(err).slice(0, 300)}`);
      assert.ok(!daemon.logs.some((l) => typeof l.raw === 'string' && /Uncaught|SqliteError/.test(l.raw)), 'no uncaught exception');
      rmSync(filler);
      await daemon.waitForLog((l) => l.msg === 'camera source finished', 120_000);
      await new Promise((r) => setTimeout(r, 2000));
      assert.equal(daemon.child.exitCode, null, 'the daemon is still running');
      const errors = new Set(
        daemon.logs
          .filter((l) => typeof l.level === 'number' && l.level >= 50)
          .map((l) => `${String(l.msg)}: ${String((l.err as { message?: string } | undefined)?.message ?? '')}`),
      );
      console.log(`# errors logged while full: ${JSON.stringify([...errors])}`);
      daemon.child.kill('SIGTERM');
      assert.equal(await daemon.exited, 0);
    } finally {
      daemon.child.kill('SIGKILL');
      rmSync(filler, { force: true });
    }
    const db = new Database(join(dataDir, 'facegate.db'), { readonly: true });
    try {
      assert.equal((db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check, 'ok');
      assert.equal((db.prepare('SELECT count(*) AS n FROM persons').get() as { n: number }).n, 1, 'the enrolled person is intact');
      const types = (db.prepare('SELECT type FROM events ORDER BY seq').all() as { type: string }[]).map((r) => r.type);
      // Decisions after the space came back were stored.
      assert.ok(types.includes('spoof_suspected'), types.join(','));
    } finally {
      db.close();
    }
  } finally {
    execFileSync('umount', ['-l', mnt]);
  }
});
