// The whole door as a user meets it: the daemon as a real child process, a replay camera of real
// webcam frames, a real Mosquitto, a real data directory and the simulated lock read from its log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildScenario, ENROLL_DIR } from '../../scripts/e2e/scenario.ts';
import { inspectStore, isolatedEnv, runFacegate, startFacegate, stopCleanly } from '../support/daemon.ts';
import { startMosquitto } from '../support/mosquitto.ts';
import { tempDir } from '../support/tmp.ts';
import { Listener } from '../integration/mqtt/harness.ts';

interface PublicEvent {
  id: string;
  type: string;
  ts: string;
  subject: string | null;
  reason: string | null;
  liveness: number | null;
}

/** The simulated lock output's changes to the unlocked level (1 for an active-high fail-secure strike). */
function unlockPulses(logs: Record<string, unknown>[]): { at: string }[] {
  return logs
    .filter((l) => l.msg === 'GPIO line')
    .map((l) => l.gpio as { at: string; line: string; level: number })
    .filter((g) => g.line === 'front.lock' && g.level === 1);
}

void test('enrolled person → one unlock pulse, one access_granted on MQTT, one audit row; unknown face and printed photo → no pulse, unknown_face and spoof_suspected', async () => {
  const dataDir = tempDir();
  const scenario = await buildScenario(join(tempDir(), 'frames'));
  const broker = await startMosquitto();
  const listener = await Listener.open(broker.url, ['facegate/front/event']);
  const env = isolatedEnv(dataDir, {
    FACEGATE_MQTT__URL: broker.url,
    FACEGATE_CAMERA__SOURCE: 'replay',
    FACEGATE_CAMERA__REPLAY__PATH: scenario.dir,
    FACEGATE_CAMERA__REPLAY__LOOP: 'false',
  });
  try {
    // Enrolled from three photos of one NUAA subject (live, session 1) through the real CLI and vision pipeline.
    const enrolled = await runFacegate(['enroll', ENROLL_DIR, '--name', 'Door Tester', '--json'], env);
    assert.equal(enrolled.code, 0, enrolled.stderr);
    const result = JSON.parse(enrolled.stdout) as { personId: string; photos: { reason: string | null }[] };
    assert.equal(result.photos.filter((p) => p.reason === null).length, 3, enrolled.stdout);
    let spoofId = '';

    const daemon = startFacegate(['run'], env);
    try {
      await daemon.waitForLog((l) => l.msg === 'camera source finished', 180_000);
      // The last face segment's decision may still be on its way through the store and the outbox.
      await listener.until(() => listener.on('facegate/front/event').some((m) => m.payload.includes('"spoof_suspected"')), 'spoof_suspected on MQTT', 20_000);
      const events = listener.on('facegate/front/event').map((m) => JSON.parse(m.payload) as PublicEvent);
      const decisions = events.filter((e) => ['access_granted', 'access_denied', 'unknown_face', 'spoof_suspected'].includes(e.type));
      const granted = decisions.filter((e) => e.type === 'access_granted');
      assert.equal(granted.length, 1, JSON.stringify(decisions));
      assert.ok(
        decisions.some((e) => e.type === 'unknown_face'),
        JSON.stringify(decisions),
      );
      assert.ok(
        decisions.some((e) => e.type === 'spoof_suspected'),
        JSON.stringify(decisions),
      );
      // The story's order: the grant comes from the person's segment, then the stranger, then the photo.
      const firstOf = (type: string) => decisions.findIndex((e) => e.type === type);
      assert.ok(firstOf('access_granted') < firstOf('unknown_face') && firstOf('unknown_face') < firstOf('spoof_suspected'), JSON.stringify(decisions));
      // The printed photo shows the enrolled person: it is refused for liveness, not for the face.
      // Its scores are not published (a spoofer could tune against them); the local store keeps them (below).
      const spoof = decisions.find((e) => e.type === 'spoof_suspected');
      assert.ok(spoof && spoof.liveness === null, JSON.stringify(spoof));
      spoofId = spoof.id;

      // Exactly one pulse of the lock output, and it ended (relocked after the strike time).
      const pulses = unlockPulses(daemon.logs);
      assert.equal(pulses.length, 1, JSON.stringify(pulses));
      const relocked = daemon.logs.filter((l) => l.msg === 'locked' && l.reason === 'pulse_end');
      assert.equal(relocked.length, 1);

      // Latency (reported, not asserted): from the capture of the person's first frame (replay frame
      // seq n is file n-1; frames before the first analysed one are dated back at the replay rate) to the pulse.
      const personStart = scenario.starts.find((s) => s.segment === 'person')!.frame;
      const seen = daemon.logs.find((l) => l.msg === 'face in view' && Number(l.frameSeq) - 1 >= personStart);
      assert.ok(seen, 'the analysis loop logs the face coming into view');
      const firstFace = Date.parse(String(seen.capturedAt)) - ((Number(seen.frameSeq) - 1 - personStart) * 1000) / scenario.fps;
      const latencyMs = Date.parse(pulses[0]!.at) - firstFace;
      console.log(
        `# decision latency (first frame showing the enrolled face → unlock pulse): ${Math.round(latencyMs)} ms (face first analysed ${Number(seen.frameSeq) - 1 - personStart} frames in)`,
      );

      await stopCleanly(daemon);
    } finally {
      daemon.child.kill('SIGKILL');
    }

    // The store after a clean stop: one audit row for the actuation, the decisions stored, the file intact.
    inspectStore(dataDir, (db) => {
      assert.equal((db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'door.actuate.unlock'").get() as { n: number }).n, 1);
      assert.equal((db.prepare("SELECT count(*) AS n FROM events WHERE type = 'access_granted'").get() as { n: number }).n, 1);
      const stored = db.prepare('SELECT body FROM events WHERE id = ?').get(spoofId) as { body: string } | undefined;
      const liveness = stored ? (JSON.parse(stored.body) as PublicEvent).liveness : null;
      assert.ok(liveness !== null && liveness < 0.5, stored?.body);
    });
  } finally {
    await listener.close();
    await broker.stop();
  }
});
