// The self-test report: BPCER and APCER per attack type at each level, unjudged frames, the recommendation and its warnings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_JUDGED_FRAMES, selftestReport, type SelftestSample } from '../../../daemon/vision/pad/selftest-report.ts';
import { ratesAt } from '../../../daemon/vision/pad/index.ts';

const thresholds = { convenience: 0.3, balanced: 0.5, strict: 0.7 };
const many = (phase: string, raws: (number | null)[], times = 1): SelftestSample[] =>
  Array.from({ length: times }, () => raws.map((raw) => ({ phase, raw }))).flat();
const level = (r: ReturnType<typeof selftestReport>, name: string) => {
  const l = r.levels.find((x) => x.level === name);
  assert.ok(l, name);
  return l;
};

test('BPCER counts live frames below the threshold and unjudged live frames; APCER counts attack frames at or above it, per type', () => {
  const samples = [
    ...many('live', [0.9, 0.8, 0.6, 0.4, null], 2), // 10 live frames, 2 unjudged
    ...many('print', [0.1, 0.35, 0.5, 0.05, null], 2), // 10 print frames, 2 unjudged
    ...many('screen', [0.2, 0.75, 0.1, 0.1, 0.1], 2),
  ];
  const r = selftestReport({ samples, thresholds });
  assert.deepEqual(r.attacks, ['print', 'screen']);
  assert.deepEqual(r.phases.live, { frames: 10, judged: 8, unjudged: 2, noFace: 0 });
  const c = level(r, 'convenience');
  assert.equal(c.threshold, 0.3);
  assert.equal(c.liveRejected, 0);
  assert.equal(c.liveUnjudged, 2);
  assert.equal(c.bpcer, 2 / 10);
  assert.deepEqual(c.apcer.print, { apcer: 4 / 10, accepted: 4, frames: 10, unjudged: 2 });
  assert.deepEqual(c.apcer.screen, { apcer: 2 / 10, accepted: 2, frames: 10, unjudged: 0 });
  assert.equal(c.attacksAccepted, 6);
  const b = level(r, 'balanced');
  assert.equal(b.bpcer, (2 + 2) / 10); // 0.4 twice, plus the two unjudged
  // A score equal to the threshold is accepted (raw >= threshold), as in the daemon.
  assert.equal(b.apcer.print?.accepted, 2);
  const s = level(r, 'strict');
  assert.equal(s.bpcer, (4 + 2) / 10);
  assert.equal(s.apcer.screen?.accepted, 2);
  assert.equal(s.apcer.print?.accepted, 0);
  // Screens still get through at strict: no level is recommended, and it says so.
  assert.equal(r.recommended, null);
  assert.ok(
    r.warnings.some((w) => /no level stopped every attack frame.*strict: screen 2\/10/.test(w)),
    r.warnings.join('\n'),
  );
});

test('on judged frames the rates are those of the eval:pad metrics', () => {
  const live = [0.95, 0.9, 0.45, 0.62, 0.31, 0.8, 0.72, 0.99, 0.5, 0.2];
  const spoof = [0.05, 0.3, 0.51, 0.1, 0.69, 0.7, 0.2, 0.01, 0.4, 0.15];
  const r = selftestReport({ samples: [...many('live', live), ...many('spoof', spoof)], thresholds });
  for (const l of r.levels) {
    const ref = ratesAt([...live.map((score) => ({ score, live: true })), ...spoof.map((score) => ({ score, live: false }))], l.threshold);
    assert.equal(l.bpcer, ref.bpcer, l.level);
    assert.equal(l.apcer.spoof?.apcer, ref.apcer, l.level);
  }
});

test('the recommendation is the most convenient level that accepted no attack frame', () => {
  const samples = [...many('live', [0.9, 0.8, 0.75], 4), ...many('print', [0.1, 0.4, 0.2], 4)];
  const r = selftestReport({ samples, thresholds });
  assert.equal(level(r, 'convenience').attacksAccepted, 4);
  assert.equal(level(r, 'balanced').attacksAccepted, 0);
  assert.equal(r.recommended, 'balanced');
  assert.deepEqual(r.warnings, []);
});

test('a recommended level refusing more than 10 % of live frames is flagged', () => {
  const samples = [...many('live', [0.9, 0.8, 0.75, 0.6, 0.55, 0.9, 0.9, 0.9, 0.9, 0.9]), ...many('print', [0.1, 0.65, 0.2], 4)];
  const r = selftestReport({ samples, thresholds });
  assert.equal(r.recommended, 'strict');
  assert.equal(level(r, 'strict').bpcer, 0.2);
  assert.ok(
    r.warnings.some((w) => /at strict 20\.0 % of live frames were refused \(more than 10\.0 %\)/.test(w)),
    r.warnings.join('\n'),
  );
});

test('NaN and infinite scores are unjudged: never accepted, counted against live frames', () => {
  const samples: SelftestSample[] = [...many('live', [Number.NaN, 0.9], 5), ...many('print', [Number.POSITIVE_INFINITY, Number.NaN, 0.1], 4)];
  const r = selftestReport({ samples, thresholds });
  assert.deepEqual(r.phases.print, { frames: 12, judged: 4, unjudged: 8, noFace: 0 });
  assert.equal(level(r, 'convenience').apcer.print?.accepted, 0);
  assert.equal(level(r, 'convenience').bpcer, 0.5);
  assert.equal(r.recommended, 'convenience');
  assert.ok(
    r.warnings.some((w) => w.startsWith('live: only 5 judged frames') && w.includes(`fewer than ${MIN_JUDGED_FRAMES}`)),
    r.warnings.join('\n'),
  );
  assert.ok(r.warnings.some((w) => w.startsWith('print: only 4 judged frames')));
});

test('a phase that saw no face is listed with its no-face count, has no rate and warns', () => {
  const r = selftestReport({
    samples: [...many('live', [0.9], 12), ...many('print', [0.1], 12)],
    thresholds,
    attacks: ['print', 'screen'],
    noFace: { screen: 7 },
  });
  assert.deepEqual(r.attacks, ['print', 'screen']);
  assert.deepEqual(r.phases.screen, { frames: 0, judged: 0, unjudged: 0, noFace: 7 });
  assert.equal(level(r, 'strict').apcer.screen?.apcer, null);
  assert.ok(r.warnings.some((w) => w === 'screen: no face was seen in this phase (7 frames without a face); nothing was measured for it'));
  // The print was measured and stopped everywhere; the screen is a warning, not a veto.
  assert.equal(r.recommended, 'convenience');
});

test('no attack judged, or no attack run: nothing to recommend', () => {
  const none = selftestReport({ samples: many('live', [0.9], 12), thresholds });
  assert.equal(none.recommended, null);
  assert.deepEqual(none.attacks, []);
  assert.ok(none.warnings.includes('no attack was presented: no level can be recommended'));
  const unjudged = selftestReport({ samples: [...many('live', [0.9], 12), ...many('print', [null], 12)], thresholds });
  assert.equal(unjudged.recommended, null);
  assert.ok(unjudged.warnings.includes('no attack frame was judged: no level can be recommended'));
});

test('without live frames BPCER is null and the live phase warns', () => {
  const r = selftestReport({ samples: many('spoof', [0.1], 12), thresholds });
  assert.equal(level(r, 'balanced').bpcer, null);
  assert.deepEqual(r.phases.live, { frames: 0, judged: 0, unjudged: 0, noFace: 0 });
  assert.ok(r.warnings[0]?.startsWith('live: no face was seen'));
  assert.equal(r.recommended, 'convenience');
});

test('the minimum of judged frames can be set', () => {
  const r = selftestReport({ samples: [...many('live', [0.9], 3), ...many('print', [0.1], 3)], thresholds, minJudged: 3 });
  assert.deepEqual(r.warnings, []);
  assert.equal(r.minJudgedFrames, 3);
});
