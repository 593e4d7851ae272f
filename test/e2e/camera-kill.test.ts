// The camera process killed every few seconds while a person comes and goes: the daemon stays up,
// restarts the source each time (camera_lost / camera_restored), and still lets the person in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildScenario, ENROLL_DIR } from '../../scripts/e2e/scenario.ts';
import { inspectStore, isolatedEnv, runFacegate, startFacegate, stopCleanly } from '../support/daemon.ts';
import { tempDir } from '../support/tmp.ts';

/** A fake rpicam-vid that plays the scenario's frames as MJPEG on stdout at 10 fps, in a loop, and records its pid. */
function fakeRpicam(dir: string, frames: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, 'rpicam-vid'),
    `#!/bin/sh
echo "$$" > '${dir}/pid'
for a in "$@"; do [ "$a" = --list-cameras ] && { echo "0 : imx708 [4608x2592]"; exit 0; }; done
while true; do for f in '${frames}'/*.jpg; do cat "$f"; sleep 0.1; done; done
`,
  );
  chmodSync(join(bin, 'rpicam-vid'), 0o755);
  return bin;
}

void test('camera process SIGKILLed every 3 s for 45 s: daemon up, every loss restored, the person still let in', async () => {
  const dataDir = tempDir();
  const work = tempDir();
  const scenario = await buildScenario(join(work, 'frames'), [
    { segment: 'person', frames: 40 },
    { segment: 'empty', frames: 20 },
  ]);
  const bin = fakeRpicam(work, scenario.dir);
  const env = isolatedEnv(dataDir, {
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    FACEGATE_CAMERA__SOURCE: 'libcamera',
    FACEGATE_CAMERA__BACKOFF_MAX_S: '2',
  });
  assert.equal((await runFacegate(['enroll', ENROLL_DIR, '--name', 'Door Tester'], env)).code, 0);
  const daemon = startFacegate(['run'], env);
  try {
    await daemon.waitForLog((l) => l.msg === 'vision pipeline ready', 60_000);
    let kills = 0;
    const end = Date.now() + 45_000;
    while (Date.now() < end) {
      await new Promise((r) => setTimeout(r, 3000));
      try {
        process.kill(Number(readFileSync(join(work, 'pid'), 'utf8')), 'SIGKILL');
        kills++;
      } catch {
        // Between a kill and the restart there is no process to kill.
      }
    }
    assert.ok(kills >= 8, `kills: ${kills}`);
    // Once the killing stops the camera comes back for good.
    await daemon.waitForLog(
      (l) => l.msg === 'camera restored' && daemon.logs.indexOf(l) > daemon.logs.findLastIndex((x) => x.msg === 'camera source stopped'),
      30_000,
    );
    assert.equal(daemon.child.exitCode, null, 'the daemon is still running');
    await stopCleanly(daemon);
  } finally {
    daemon.child.kill('SIGKILL');
  }
  inspectStore(dataDir, (db) => {
    const types = (db.prepare('SELECT type FROM events ORDER BY seq').all() as { type: string }[]).map((r) => r.type);
    const lost = types.filter((t) => t === 'camera_lost').length;
    const restored = types.filter((t) => t === 'camera_restored').length;
    console.log(`# camera_lost ${lost}, camera_restored ${restored}, access_granted ${types.filter((t) => t === 'access_granted').length}`);
    assert.ok(lost >= 1 && restored >= 1, types.join(','));
    assert.ok(types.includes('access_granted'), types.join(','));
  });
});
