// A self-test run that fits the door's own PAD model (issue 26): each person presents live, then a
// picture of their own face; the evidence is collected only while the run lasts, handed to the
// real fit with who presented each frame, and dropped after; the proposal is only proposed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus, createLogger, type BusEvents, type FaceObservation } from '../../../daemon/core/index.ts';
import { SelftestRun, createSelftests, selftestStateJson } from '../../../daemon/vision/pad/selftest-run.ts';
import { fitAdaptation, type AdaptFrame } from '../../../daemon/vision/pad/index.ts';
import { FakeClock } from '../../fakes/clock.ts';
import { analysisOf, evidenceFace, opts, rng } from '../../support/pad-adaptation.ts';

const thresholds = { convenience: 0.52, balanced: 0.63, strict: 0.72 };
const r = rng(21);
const face = (phase: string) => evidenceFace(phase, r);

function setup(people = 2) {
  const clock = new FakeClock();
  const bus = new EventBus<BusEvents>(createLogger({ level: 'silent' }));
  const collecting: boolean[] = [];
  const fitted: AdaptFrame[][] = [];
  const run = new SelftestRun({
    bus,
    clock,
    thresholds,
    configuredLevel: 'balanced',
    seconds: 5,
    attacks: ['print', 'screen'],
    adapt: {
      people,
      collect: (on) => {
        collecting.push(on);
      },
      fit: async (frames) => {
        fitted.push(frames);
        return fitAdaptation(frames, opts);
      },
    },
  });
  let seq = 0;
  const show = (f: FaceObservation) => bus.emit('analysis', analysisOf(f, clock, seq++));
  /** Runs every phase, `per` frames each. */
  const present = (per: number) => {
    while (run.state().status === 'waiting') {
      const phase = run.state().phase as string;
      run.advance();
      for (let i = 0; i < per; i++) show(face(phase));
      clock.advance(5000);
    }
  };
  return { run, present, collecting, fitted };
}

test('each person in turn, live then their own picture; the fit gets who presented what, and the proposal is only proposed', async () => {
  const t = setup(2);
  const s = t.run.state();
  assert.deepEqual(s.phases, ['live', 'print', 'screen', 'live', 'print', 'screen']);
  assert.equal(s.person, 1);
  assert.match(s.prompt ?? '', /^Person 1 of 2\. Live faces/);
  assert.deepEqual(t.collecting, [], 'nothing collected before the first phase');

  t.run.advance();
  assert.deepEqual(t.collecting, [true]);
  t.run.cancel(); // a cancelled run stops collecting and keeps nothing
  assert.deepEqual(t.collecting, [true, false]);
  assert.equal(t.run.state().adaptation?.status, 'cancelled');
  assert.equal(await t.run.adapted, null);
  assert.equal(t.fitted.length, 0);

  const u = setup(2);
  u.present(30);
  assert.deepEqual(u.collecting, [true, false], 'collecting only while the run lasts');
  const outcome = await u.run.adapted;
  assert.ok(outcome);
  assert.equal(u.fitted.length, 1);
  const frames = u.fitted[0] ?? [];
  assert.equal(frames.length, 180);
  assert.deepEqual(
    [...new Set(frames.map((f) => `${f.presenter}/${f.phase}`))],
    ['person 1/live', 'person 1/print', 'person 1/screen', 'person 2/live', 'person 2/print', 'person 2/screen'],
  );
  const st = u.run.state();
  assert.equal(st.status, 'done');
  assert.ok(st.report, 'the ordinary report too');
  assert.equal(st.adaptation?.status, 'proposed', JSON.stringify(outcome.reasons));
  assert.equal(u.run.proposal()?.report.presenters, 2);
  const json = selftestStateJson(st);
  assert.equal(json.adaptation?.status, 'proposed');
  assert.ok(json.adaptation?.after, 'cross-validated figures');
  assert.ok(!JSON.stringify(json).includes('weights'), 'the view has figures, never the weights');
});

test('too few frames of a kind: refused with the reason, nothing proposed; a fit that fails is said', async () => {
  const t = setup(2);
  t.present(3);
  const outcome = await t.run.adapted;
  assert.equal(outcome?.status, 'refused');
  assert.ok(outcome?.reasons.some((x) => x.code === 'too_few_frames'));
  assert.equal(t.run.proposal(), null);

  const clock = new FakeClock();
  const bus = new EventBus<BusEvents>(createLogger({ level: 'silent' }));
  const broken = new SelftestRun({
    bus,
    clock,
    thresholds,
    configuredLevel: 'balanced',
    seconds: 1,
    attacks: ['print'],
    adapt: { people: 2, collect: () => Promise.reject(new Error('worker gone')), fit: () => Promise.reject(new Error('thread died')) },
  });
  while (broken.state().status === 'waiting') {
    broken.advance();
    clock.advance(1000);
  }
  assert.equal(await broken.adapted, null);
  assert.equal(broken.state().adaptation?.status, 'failed');
  assert.match(broken.state().adaptation?.error ?? '', /thread died/);
});

test('the daemon refuses an adapting run it cannot fit, and 1 or 7 people', () => {
  const bus = new EventBus<BusEvents>(createLogger({ level: 'silent' }));
  const base = {
    bus,
    clock: new FakeClock(),
    pad: { enabled: true, security_level: 'balanced' as const },
    camera: true,
    wantFrame: () => undefined,
    thresholds: () => thresholds,
  };
  assert.throws(() => createSelftests(base).start({ adaptPeople: 2 }), /cannot fit an adaptation/);
  const runs = createSelftests({ ...base, adapt: { collect: () => undefined, fit: (f) => Promise.resolve(fitAdaptation(f, opts)) } });
  for (const people of [1, 7]) assert.throws(() => runs.start({ adaptPeople: people }), /2 to 6 people/);
  assert.equal(runs.start({ adaptPeople: 3 }).phases.length, 9);
});
