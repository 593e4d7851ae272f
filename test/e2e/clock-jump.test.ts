// The system clock jumping back an hour while the daemon runs (NTP correcting a board that booted
// with a wrong clock): the door keeps deciding, every unlock is a grant and relocks, nothing breaks.
// The jump is real for the daemon's process: Debian's libfaketime (package faketime, in dev.sh's
// test packages) preloaded, its offset read from a file the test rewrites; monotonic clocks untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildScenario, ENROLL_DIR } from '../../scripts/e2e/scenario.ts';
import { inspectStore, isolatedEnv, runFacegate, startFacegate, stopCleanly } from '../support/daemon.ts';
import { tempDir } from '../support/tmp.ts';

function libfaketime(): string {
  for (const arch of readdirSync('/usr/lib')) {
    const lib = join('/usr/lib', arch, 'faketime', 'libfaketime.so.1');
    if (existsSync(lib)) return lib;
  }
  assert.fail('libfaketime not found: install the Debian package faketime (scripts/dev.sh test packages)');
}

void test('wall clock jumps back an hour after the grant: the stranger and the photo are still decided, every pulse a grant and relocked, daemon up', async () => {
  const dataDir = tempDir();
  const work = tempDir();
  const offsetFile = join(work, 'faketime');
  writeFileSync(offsetFile, '+0\n');
  const scenario = await buildScenario(join(work, 'frames'));
  const env = isolatedEnv(dataDir, { FACEGATE_CAMERA__SOURCE: 'replay', FACEGATE_CAMERA__REPLAY__PATH: scenario.dir, FACEGATE_CAMERA__REPLAY__LOOP: 'false' });
  assert.equal((await runFacegate(['enroll', ENROLL_DIR, '--name', 'Door Tester'], env)).code, 0);
  const daemon = startFacegate(['run'], {
    ...env,
    LD_PRELOAD: libfaketime(),
    FAKETIME_TIMESTAMP_FILE: offsetFile,
    FAKETIME_CACHE_DURATION: '1',
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
  });
  try {
    await daemon.waitForLog((l) => l.msg === 'unlocked', 120_000);
    writeFileSync(offsetFile, '-1h\n');
    const before = Date.now();
    await daemon.waitForLog((l) => l.msg === 'camera source finished', 120_000);
    await new Promise((r) => setTimeout(r, 2000));
    const later = daemon.logs.filter((l) => Date.parse(String(l.time)) < before - 30 * 60_000);
    assert.ok(later.length > 0, 'the daemon did see its clock go back an hour');
    // The replay source paces its frames by the monotonic clock: it plays on through the jump
    // (it used to stall until the supervisor restarted it and replayed the person a second time).
    const unlocks = daemon.logs.filter((l) => l.msg === 'unlocked').length;
    const restarts = daemon.logs.filter((l) => l.msg === 'camera source stopped').length;
    console.log(`# after the jump: ${unlocks} unlock(s), ${restarts} camera restart(s)`);
    assert.equal(restarts, 0, 'the camera did not stall after the jump');
    assert.equal(unlocks, 1, 'the person was let in once');
    assert.equal(daemon.logs.filter((l) => l.msg === 'locked' && l.reason === 'pulse_end').length, unlocks, 'every strike relocked (timers are monotonic)');
    assert.equal(daemon.child.exitCode, null);
    await stopCleanly(daemon);
  } finally {
    daemon.child.kill('SIGKILL');
  }
  inspectStore(dataDir, (db) => {
    const rows = db.prepare('SELECT type, ts FROM events ORDER BY seq').all() as { type: string; ts: string }[];
    const types = rows.map((r) => r.type);
    assert.equal(types.filter((t) => t === 'access_granted').length, types.filter((t) => t === 'door_unlocked').length, types.join(','));
    assert.ok(types.includes('unknown_face') && types.includes('spoof_suspected'), types.join(','));
    console.log(`# events after the jump carry the new time: ${JSON.stringify(rows.filter((r) => r.type !== 'door_locked'))}`);
  });
});
