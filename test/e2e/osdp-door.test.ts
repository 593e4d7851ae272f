// The door on an access-control panel: the daemon as a real child process with osdp.enabled, a
// replay camera of real webcam frames (the enrolled person, a stranger, a printed photo of the
// enrolled person), libosdp's control panel on the other end of a pty pair with a shared SCBK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildScenario, ENROLL_DIR } from '../../scripts/e2e/scenario.ts';
import { inspectStore, isolatedEnv, runFacegate, startFacegate, stopCleanly } from '../support/daemon.ts';
import { buildOsdpCp, ptyPair, startControlPanel } from '../support/osdp-cp.ts';
import { tempDir } from '../support/tmp.ts';

const SCBK = '00112233445566778899aabbccddeeff';

void test('a replayed passage: the enrolled person’s card reaches the panel once under the secure channel; the stranger and the printed photo send nothing', async () => {
  const cpBin = buildOsdpCp();
  const dataDir = tempDir();
  const scenario = await buildScenario(join(tempDir(), 'frames'));
  const pty = await ptyPair(tempDir('facegate-osdp-e2e-'));
  const env = isolatedEnv(dataDir, {
    FACEGATE_CAMERA__SOURCE: 'replay',
    FACEGATE_CAMERA__REPLAY__PATH: scenario.dir,
    FACEGATE_CAMERA__REPLAY__LOOP: 'false',
    FACEGATE_OSDP__ENABLED: 'true',
    FACEGATE_OSDP__PORT: pty.pdPath,
    FACEGATE_OSDP__SCBK_SECRET: SCBK,
  });
  const cp = startControlPanel(cpBin, ['--tty', pty.cpPath, '--scbk', SCBK, '--reconnect-ms', '500']);
  try {
    const enrolled = await runFacegate(['enroll', ENROLL_DIR, '--name', 'Door Tester', '--json'], env);
    assert.equal(enrolled.code, 0, enrolled.stderr);
    const { personId } = JSON.parse(enrolled.stdout) as { personId: string };
    const card = await runFacegate(['osdp', 'card', 'set', personId, '--format', 'wiegand26', '--facility', '12', '--card', '3456'], env);
    assert.equal(card.code, 0, card.stderr);

    const daemon = startFacegate(['run'], env);
    try {
      await cp.waitFor((e) => e.event === 'online', 60_000, 'the reader online');
      assert.equal(cp.events.find((e) => e.event === 'online')?.sc, true);
      await daemon.waitForLog((l) => l.msg === 'camera source finished', 180_000);
      // the last segment (the printed photo) is decided after the camera finished
      const deadline = Date.now() + 20_000;
      const count = (type: string) =>
        inspectStore(dataDir, (db) => (db.prepare('SELECT count(*) AS n FROM events WHERE type = ?').get(type) as { n: number }).n);
      while (count('spoof_suspected') === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      assert.equal(count('access_granted'), 1);
      assert.ok(count('unknown_face') > 0 && count('spoof_suspected') > 0);
      await new Promise((r) => setTimeout(r, 1000)); // a poll or two after the last decision
      // facility 12, card 3456 (H10301): 0 | 00001100 | 0000110110000000 | 1 → 06 06 c0 40
      const reads = cp.events.filter((e) => e.event === 'cardread');
      assert.deepEqual(reads, [{ event: 'cardread', format: 'wiegand', bits: 26, data: '0606c040', reader: 0 }]);
      await stopCleanly(daemon);
    } finally {
      daemon.child.kill('SIGKILL');
    }
  } finally {
    await cp.stop();
    await pty.cut();
  }
});
