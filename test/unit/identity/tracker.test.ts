import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaceTracker, iou, type TrackerSettings } from '../../../daemon/identity/index.ts';
import type { FaceObservation, MatchResult } from '../../../daemon/core/index.ts';
import { decide } from '../../../daemon/access/index.ts';
import { face, identityVector } from '../../support/identity-harness.ts';

const settings: TrackerSettings = { voteFrames: 2, unknownFrames: 4, voteWindowMs: 1000, minIou: 0.3, minContinuity: 0.6, timeoutMs: 1500, livenessMin: 0.5 };

/** A matcher that knows identities by the axis their vector points along. */
function matcher(known: Record<number, string>): (e: Float32Array) => MatchResult {
  return (e) => {
    let best = 0;
    for (let i = 1; i < e.length; i++) if ((e[i] as number) > (e[best] as number)) best = i;
    const personId = known[best] ?? null;
    return { personId, score: personId ? 0.8 : 0.2, margin: 0.3 };
  };
}

const at = (k: number, x = 100, over: Partial<FaceObservation> = {}): FaceObservation =>
  face({ embedding: identityVector(k), box: { x, y: 80, width: 160, height: 180 }, ...over });

void test('two agreeing frames give one verdict, and the track never decides again', () => {
  const t = new FaceTracker('front', settings);
  const match = matcher({ 0: 'alice' });
  assert.deepEqual(t.update(0, [at(0)], match), []);
  const v = t.update(100, [at(0, 104)], match);
  assert.equal(v.length, 1);
  assert.deepEqual({ ...v[0] }, { door: 'front', trackId: 1, personId: 'alice', score: 0.8, margin: 0.3, liveness: 0.95, frames: 2, at: 100, firstAt: 0 });
  for (let i = 2; i < 30; i++) assert.deepEqual(t.update(i * 100, [at(0, 100 + i * 4)], match), [], `frame ${i}`);
  assert.equal(t.activeTracks, 1);
});

void test('votes outside the window do not count', () => {
  const t = new FaceTracker('front', { ...settings, timeoutMs: 5000 });
  const match = matcher({ 0: 'alice' });
  t.update(0, [at(0)], match);
  // The second agreeing frame comes too late: no verdict yet; the third (in the window of the second) decides.
  assert.deepEqual(t.update(1500, [at(0)], match), []);
  const v = t.update(1800, [at(0)], match);
  assert.equal(v.length, 1);
  assert.equal(v[0]!.firstAt, 0, "first sight is the track's first frame, not the first vote that counted");
});

void test('disagreeing frames wait; unknown needs more frames than a match', () => {
  const t = new FaceTracker('front', settings);
  const match = matcher({ 0: 'alice', 3: 'bob' });
  t.update(0, [at(0)], match);
  assert.deepEqual(t.update(100, [at(3)], match), [], 'alice then bob: no agreement');
  const s = new FaceTracker('front', settings);
  for (let i = 0; i < 3; i++) assert.deepEqual(s.update(i * 100, [at(40)], match), [], `unknown frame ${i}`);
  const v = s.update(300, [at(40)], match);
  assert.equal(v.length, 1);
  assert.equal(v[0]!.personId, null);
  assert.equal(v[0]!.frames, 4);
});

void test('frames without a usable embedding continue the track but do not vote', () => {
  const t = new FaceTracker('front', settings);
  const match = matcher({ 0: 'alice' });
  t.update(0, [at(0)], match);
  assert.deepEqual(t.update(100, [at(0, 100, { embedding: null })], match), []);
  assert.deepEqual(t.update(200, [at(0, 100, { quality: { ok: false, reasons: ['blurry'], sharpness: 0, yaw: 0, pitch: 0, size: 160 } })], match), []);
  assert.equal(t.update(300, [at(0)], match).length, 1);
  assert.equal(t.activeTracks, 1);
});

void test('two people at once are two tracks with a verdict each', () => {
  const t = new FaceTracker('front', settings);
  const match = matcher({ 0: 'alice', 3: 'bob' });
  t.update(0, [at(0, 50), at(3, 400)], match);
  const v = t.update(100, [at(3, 405), at(0, 52)], match);
  assert.deepEqual(v.map((x) => [x.trackId, x.personId]).sort(), [
    [1, 'alice'],
    [2, 'bob'],
  ]);
});

void test('a different face in the same place starts a new track', () => {
  const t = new FaceTracker('front', settings);
  const match = matcher({ 0: 'alice', 3: 'bob' });
  t.update(0, [at(0)], match);
  t.update(100, [at(0)], match);
  // Bob steps exactly where Alice stood: same box, unrelated embedding.
  t.update(200, [at(3)], match);
  const v = t.update(300, [at(3)], match);
  assert.deepEqual(
    v.map((x) => [x.trackId, x.personId]),
    [[2, 'bob']],
  );
});

void test('a face that jumped is followed by its embedding; a track ends after the timeout', () => {
  const t = new FaceTracker('front', settings);
  const match = matcher({ 0: 'alice' });
  t.update(0, [at(0, 0)], match);
  // Far from the last box (IoU 0) but the same face: still track 1, so this decides it.
  assert.deepEqual(
    t.update(100, [at(0, 400)], match).map((x) => x.trackId),
    [1],
  );
  // Alice leaves and comes back after the timeout: a new track, a new decision.
  t.update(2000, [at(0, 0)], match);
  assert.deepEqual(
    t.update(2100, [at(0, 0)], match).map((x) => x.trackId),
    [2],
  );
});

void test('liveness of a verdict is the lowest score among the agreeing frames', () => {
  const t = new FaceTracker('front', { ...settings, voteFrames: 3 });
  const match = matcher({ 0: 'alice' });
  t.update(0, [at(0, 100, { liveness: 0.9 })], match);
  t.update(100, [at(0, 100, { liveness: 0.7 })], match);
  assert.equal(t.update(200, [at(0, 100, { liveness: 0.6 })], match)[0]!.liveness, 0.6);
  const u = new FaceTracker('front', settings);
  u.update(0, [at(0, 100, { liveness: null })], match);
  assert.equal(u.update(100, [at(0, 100, { liveness: null })], match)[0]!.liveness, null, 'never judged: null, which access refuses');
});

/** What access decides on a verdict of alice (enrolled, no limits). */
const decision = (liveness: number | null): string =>
  decide({
    verdict: { door: 'front', trackId: 1, personId: 'alice', score: 0.8, margin: 0.3, liveness, frames: 3, at: 0, firstAt: 0 },
    person: { personId: 'alice', enabled: true, validFrom: null, validUntil: null, schedule: null },
    lockedOut: false,
    livenessMin: 0.5,
    now: 0,
  }).reason;

/** A track check that combines like vision's: the mean of the frames' log-odds (no planarity, no blinks). */
function meanLogit(): { observe: (id: string, f: FaceObservation) => number | null; end: () => void } {
  const seen: number[] = [];
  return {
    observe: (_id, f) => {
      if (f.liveness !== null && Number.isFinite(f.liveness)) seen.push(Math.log(f.liveness / (1 - f.liveness)));
      return seen.length ? 1 / (1 + Math.exp(-seen.reduce((a, b) => a + b, 0) / seen.length)) : null;
    },
    end: () => undefined,
  };
}

void test('one attack frame among live frames denies the passage as a spoof, whatever the frames average to', () => {
  const match = matcher({ 0: 'alice' });
  for (const check of [null, meanLogit()]) {
    const t = new FaceTracker('front', { ...settings, voteFrames: 3 }, check);
    t.update(0, [at(0, 100, { liveness: 0.95 })], match);
    t.update(100, [at(0, 100, { liveness: 0.2 })], match);
    const v = t.update(200, [at(0, 100, { liveness: 0.95 })], match);
    assert.equal(v[0]?.liveness, 0.2, `the attack frame's own score (track check: ${check ? 'mean logit ≈ 0.82' : 'none'})`);
    assert.equal(decision(v[0]!.liveness), 'spoof_suspected');
  }
});

void test('an attack frame that did not vote (no embedding, poor quality, out of the window) still denies the passage', () => {
  const match = matcher({ 0: 'alice' });
  const poor = { ok: false, reasons: ['blurry'], sharpness: 0, yaw: 0, pitch: 0, size: 160 };
  for (const [what, attack] of [
    ['no embedding', at(0, 100, { liveness: 0.1, embedding: null })],
    ['poor quality', at(0, 100, { liveness: 0.1, quality: poor })],
  ] as const) {
    const t = new FaceTracker('front', settings, meanLogit());
    t.update(0, [attack], match);
    t.update(100, [at(0)], match);
    const v = t.update(200, [at(0)], match);
    assert.equal(v[0]?.liveness, 0.1, what);
  }
  // The attack frame voted, but too long ago to be one of the agreeing frames.
  const t = new FaceTracker('front', { ...settings, timeoutMs: 5000 });
  t.update(0, [at(0, 100, { liveness: 0.1 })], match);
  t.update(1500, [at(0)], match);
  const v = t.update(1600, [at(0)], match);
  assert.equal(v[0]?.frames, 2);
  assert.equal(v[0]?.liveness, 0.1);
});

void test('one unjudged voting frame among live ones: the passage is not granted (liveness unknown)', () => {
  const match = matcher({ 0: 'alice' });
  for (const check of [null, meanLogit()]) {
    const t = new FaceTracker('front', { ...settings, voteFrames: 3 }, check);
    t.update(0, [at(0, 100, { liveness: 0.9 })], match);
    t.update(100, [at(0, 100, { liveness: null })], match);
    const v = t.update(200, [at(0, 100, { liveness: 0.9 })], match);
    assert.equal(v[0]?.liveness, null);
    assert.equal(decision(v[0]!.liveness), 'liveness_unknown');
  }
});

void test('a score that is not a finite number counts as unjudged and is never granted', () => {
  const match = matcher({ 0: 'alice' });
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    const t = new FaceTracker('front', settings);
    t.update(0, [at(0, 100, { liveness: bad })], match);
    const v = t.update(100, [at(0)], match);
    assert.equal(v[0]?.liveness, null, `frame score ${bad}`);
    assert.equal(decision(v[0]!.liveness), 'liveness_unknown');
    // The track check's combined score too.
    const u = new FaceTracker('front', settings, { observe: () => bad, end: () => undefined });
    u.update(0, [at(0)], match);
    assert.equal(u.update(100, [at(0)], match)[0]?.liveness, null, `combined score ${bad}`);
  }
});

void test('all frames live: granted as before, with the lowest of the frames and the combined score', () => {
  const match = matcher({ 0: 'alice' });
  const t = new FaceTracker('front', settings, meanLogit());
  t.update(0, [at(0, 100, { liveness: 0.9 })], match);
  const v = t.update(100, [at(0, 100, { liveness: 0.8 })], match);
  assert.equal(v[0]?.liveness, 0.8, 'the mean (≈ 0.86) does not lift the lower frame');
  assert.equal(decision(v[0]!.liveness), 'match');
  // A combined score below every frame's (flat, photo-like motion) pulls the verdict down.
  const u = new FaceTracker('front', settings, { observe: () => 0.3, end: () => undefined });
  u.update(0, [at(0)], match);
  assert.equal(u.update(100, [at(0)], match)[0]?.liveness, 0.3);
});

void test('iou of boxes', () => {
  assert.equal(iou({ x: 0, y: 0, width: 10, height: 10 }, { x: 0, y: 0, width: 10, height: 10 }), 1);
  assert.equal(iou({ x: 0, y: 0, width: 10, height: 10 }, { x: 20, y: 0, width: 10, height: 10 }), 0);
  assert.ok(Math.abs(iou({ x: 0, y: 0, width: 10, height: 10 }, { x: 5, y: 0, width: 10, height: 10 }) - 1 / 3) < 1e-9);
});

void test("a track liveness check's combined score can pull the verdict below the frames' own, and ended tracks are forgotten", () => {
  const observed: string[] = [];
  const ended: string[] = [];
  // Stands in for vision's PAD track check (identity and vision are wired together only by main.ts).
  const flatPhoto = {
    observe: (trackId: string, f: FaceObservation) => {
      observed.push(`${trackId}:${f.liveness ?? 'null'}`);
      return observed.length >= 2 ? 0.05 : null;
    },
    end: (trackId: string) => void ended.push(trackId),
  };
  const t = new FaceTracker('front', settings, flatPhoto);
  const match = matcher({ 0: 'alice' });
  t.update(0, [at(0)], match);
  const v = t.update(100, [at(0, 104)], match);
  assert.equal(v.length, 1);
  assert.equal(v[0]?.liveness, 0.05, 'the single frames said 0.95; the track check says it is flat');
  assert.deepEqual(observed, ['1:0.95', '1:0.95']);
  t.update(100 + settings.timeoutMs + 1, [], match);
  assert.deepEqual(ended, ['1']);
});

void test('while the track check cannot judge yet, the vote carries no liveness (never granted on a guess)', () => {
  const t = new FaceTracker('front', settings, { observe: () => null, end: () => undefined });
  const match = matcher({ 0: 'alice' });
  t.update(0, [at(0)], match);
  const v = t.update(100, [at(0, 104)], match);
  assert.equal(v[0]?.liveness, null);
});
