// A self-test run on the bus: phases in turn, the largest face's raw score per analysed frame, frames
// from before a phase left out, one run at a time, only numbers kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus, createLogger, type BusEvents, type FaceObservation, type FrameAnalysis } from '../../../daemon/core/index.ts';
import { SelftestRun, SelftestRuns, largestFace, parseAttacks } from '../../../daemon/vision/pad/selftest-run.ts';
import { FakeClock } from '../../fakes/clock.ts';

const thresholds = { convenience: 0.3, balanced: 0.5, strict: 0.7 };

function face(size: number, raw: number | null): FaceObservation {
  return {
    box: { x: 0, y: 0, width: size, height: size },
    detectionScore: 0.9,
    landmarks5: [],
    mesh: null,
    embedding: new Float32Array(4),
    quality: { ok: true, reasons: [], sharpness: 100, yaw: 0, pitch: 0, size },
    liveness: raw,
    livenessRaw: raw,
    attributes: null,
  } as unknown as FaceObservation;
}

function setup(seconds = 5) {
  const clock = new FakeClock();
  const bus = new EventBus<BusEvents>(createLogger({ level: 'silent' }));
  let wanted = 0;
  const changes: string[] = [];
  const run = new SelftestRun({
    bus,
    clock,
    thresholds,
    configuredLevel: 'balanced',
    seconds,
    wantFrame: () => {
      wanted++;
    },
    onChange: (s) => changes.push(`${s.status}:${s.phase}`),
  });
  let seq = 0;
  const show = (faces: FaceObservation[], capturedMono = clock.monotonic()) => {
    const a: FrameAnalysis = { frameSeq: seq++, capturedAt: clock.now(), capturedMono, analysedAt: clock.now(), width: 640, height: 480, faces, timings: {} };
    bus.emit('analysis', a);
  };
  return { clock, bus, run, show, changes, wanted: () => wanted };
}

test('the largest face is the one scored', () => {
  assert.equal(largestFace([]), null);
  const big = face(120, 0.9);
  assert.equal(largestFace([face(40, 0.1), big, face(80, 0.2)]), big);
});

test('phases run in turn, each for its seconds, and the report holds the largest face of each frame', async () => {
  const t = setup();
  assert.deepEqual(t.run.state().phases, ['live', 'print', 'screen']);
  assert.equal(t.run.state().status, 'waiting');
  t.show([face(100, 0.9)]); // before the first phase: not counted
  t.run.advance();
  assert.equal(t.run.state().status, 'collecting');
  assert.equal(t.run.state().remainingMs, 5000);
  assert.ok(t.wanted() >= 1, 'asks the pipeline for a frame even when the scene is still');
  for (let i = 0; i < 4; i++) {
    t.clock.advance(1000);
    t.show([face(40, 0.05), face(100, 0.8)]);
  }
  t.show([]); // no face: counted apart
  assert.equal(t.run.state().remainingMs, 1000);
  assert.deepEqual(t.run.state().counts.live, { frames: 4, judged: 4, unjudged: 0, noFace: 1 });
  t.clock.advance(1000);
  assert.equal(t.run.state().status, 'waiting');
  assert.equal(t.run.state().phase, 'print');
  t.show([face(100, 0.9)]); // between phases: not counted anywhere
  t.clock.advance(10_000);
  t.run.advance();
  // A frame captured before the phase began but analysed after it started shows the scene before.
  t.show([face(100, 0.95)], t.clock.monotonic() - 300);
  t.clock.advance(500);
  t.show([face(100, 0.2)]);
  t.show([face(100, null)]);
  t.clock.advance(4000);
  assert.throws(() => t.run.advance(), /phase print is still running/);
  t.clock.advance(500);
  t.run.advance(); // the screen phase: nobody showed one
  t.clock.advance(5000);
  assert.equal(t.run.state().status, 'done');
  const report = await t.run.finished;
  assert.ok(report);
  assert.deepEqual(report.phases.live, { frames: 4, judged: 4, unjudged: 0, noFace: 1 });
  assert.deepEqual(report.phases.print, { frames: 2, judged: 1, unjudged: 1, noFace: 0 });
  assert.equal(report.phases.screen?.frames, 0);
  assert.equal(report.levels.find((l) => l.level === 'balanced')?.bpcer, 0);
  assert.equal(report.recommended, 'convenience');
  assert.equal(t.run.state().report, report);
  assert.throws(() => t.run.advance(), /the self-test is done/);
  // Nothing listens any more.
  const before = JSON.stringify(t.run.state().counts);
  t.show([face(100, 0.9)]);
  assert.equal(JSON.stringify(t.run.state().counts), before);
  assert.deepEqual(t.changes, ['collecting:live', 'waiting:print', 'collecting:print', 'waiting:screen', 'collecting:screen', 'done:null']);
});

test('only numbers are kept: the state holds no frame, box or embedding', () => {
  const t = setup();
  t.run.advance();
  t.show([face(100, 0.9)]);
  const text = JSON.stringify(t.run.state());
  assert.doesNotMatch(text, /embedding|box|landmarks|jpeg|width/);
});

test('cancel stops collecting and settles with null', async () => {
  const t = setup();
  t.run.advance();
  t.show([face(100, 0.9)]);
  assert.equal(t.run.cancel().status, 'cancelled');
  assert.equal(await t.run.finished, null);
  assert.equal(t.clock.pending, 0);
  assert.equal(t.run.active, false);
});

test('attack names and phase seconds are checked', () => {
  assert.deepEqual(parseAttacks([' Print', 'screen', '']), ['print', 'screen']);
  assert.throws(() => parseAttacks(['live']), /other than "live"/);
  assert.throws(() => parseAttacks(['a b']), /short lowercase name/);
  assert.throws(() => parseAttacks(['print', 'print']), /listed twice/);
  assert.throws(() => parseAttacks([]), /at least one attack/);
  assert.throws(() => setup(0), /1 to 60 seconds/);
  assert.throws(() => setup(61), /1 to 60 seconds/);
});

test('one run at a time; a finished or cancelled one makes room for the next', () => {
  const clock = new FakeClock();
  const bus = new EventBus<BusEvents>(createLogger({ level: 'silent' }));
  const runs = new SelftestRuns((start) => new SelftestRun({ bus, clock, thresholds, configuredLevel: 'balanced', ...start }));
  assert.equal(runs.current(), null);
  assert.throws(
    () => runs.advance(),
    (err: Error & { code?: string }) => err.code === 'selftest_none',
  );
  const first = runs.start({ attacks: ['print'], seconds: 2 });
  assert.deepEqual(first.phases, ['live', 'print']);
  assert.throws(
    () => runs.start({}),
    (err: Error & { code?: string }) => err.code === 'selftest_running',
  );
  runs.advance();
  clock.advance(2000);
  runs.advance();
  clock.advance(2000);
  assert.equal(runs.current()?.state().status, 'done');
  const second = runs.start({});
  assert.notEqual(second.id, first.id);
  assert.equal(runs.cancel().status, 'cancelled');
  assert.equal(runs.start({}).status, 'waiting');
});
