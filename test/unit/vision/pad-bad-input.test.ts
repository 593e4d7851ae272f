// Bad input to the PAD check: malformed frames and boxes, tiny faces, faces off the frame,
// extreme lighting. Nothing crashes, and a face that cannot be judged is never called live.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FaceObservation, TrackVerdict } from '../../../daemon/core/index.ts';
import { decide } from '../../../daemon/access/index.ts';
import { MODELS_DIR } from '../../../daemon/vision/index.ts';
import { PadLivenessCheck, PadScorer, PadTrackCheck, createPadTrackCheck, livenessRegion } from '../../../daemon/vision/pad/index.ts';
import { embeddedDefaults } from '../../../daemon/config/index.ts';

const W = 320;
const H = 240;
const scorer = await PadScorer.load({ securityLevel: 'balanced', minFacePx: 64, modelsDir: MODELS_DIR });

function frame(fill: (x: number, y: number) => [number, number, number]): Uint8Array {
  const rgb = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) rgb.set(fill(x, y), (y * W + x) * 3);
  return rgb;
}
const textured = frame((x, y) => {
  const v = 40 * Math.sin(x / 6) * Math.cos(y / 8);
  return [150 + v, 110 + v, 95 + v / 2];
});
const face = { x: 100, y: 60, width: 110, height: 120 };

test('a textured face region is judged (a number in 0..1)', async () => {
  const j = await scorer.judge(textured, W, H, face);
  assert.ok(j.score !== null && j.score >= 0 && j.score <= 1, JSON.stringify(j));
});

test('malformed frames and boxes are not judged, with the reason', async () => {
  assert.deepEqual(await scorer.judge(textured, W, H + 1, face), { score: null, unjudged: 'bad_box' }, 'buffer shorter than the size says');
  assert.deepEqual(await scorer.judge(new Uint8Array(0), 0, 0, face), { score: null, unjudged: 'bad_box' });
  assert.deepEqual(await scorer.judge(textured, W, H, { ...face, x: Number.NaN }), { score: null, unjudged: 'bad_box' });
  assert.deepEqual(await scorer.judge(textured, W, H, { ...face, width: -5 }), { score: null, unjudged: 'bad_box' });
  assert.deepEqual(await scorer.judge(textured, W, H, { ...face, height: Number.POSITIVE_INFINITY }), { score: null, unjudged: 'bad_box' });
});

test('tiny faces and faces mostly off the frame are not judged', async () => {
  assert.deepEqual(await scorer.judge(textured, W, H, { x: 10, y: 10, width: 30, height: 36 }), { score: null, unjudged: 'too_small' });
  assert.deepEqual(await scorer.judge(textured, W, H, { x: 250, y: 180, width: 150, height: 150 }), { score: null, unjudged: 'out_of_frame' });
  assert.deepEqual(await scorer.judge(textured, W, H, { x: -500, y: -500, width: 100, height: 100 }), { score: null, unjudged: 'out_of_frame' });
});

test('a face at the frame edge, where the 2.7x crop cannot fit, is judged on a crop moved inside the frame', async () => {
  for (const box of [
    { x: 0, y: 0, width: 110, height: 120 },
    { x: W - 110, y: H - 120, width: 110, height: 120 },
    { x: -20, y: 40, width: 110, height: 120 },
  ]) {
    const r = livenessRegion(W, H, box);
    assert.ok(r.x >= 0 && r.y >= 0 && r.x + r.width <= W && r.y + r.height <= H, `crop ${JSON.stringify(r)} inside ${W}x${H}`);
    const j = await scorer.judge(textured, W, H, box);
    assert.ok(j.score !== null && Number.isFinite(j.score), JSON.stringify(j));
  }
  // A frame smaller than 2.7 boxes: the crop shrinks to the frame instead.
  const r = livenessRegion(W, H, { x: 60, y: 40, width: 200, height: 180 });
  assert.ok(r.width <= W && r.height <= H && r.width >= 200);
});

test('1x1 and empty frames are not judged', async () => {
  assert.deepEqual(await scorer.judge(new Uint8Array(3), 1, 1, { x: 0, y: 0, width: 1, height: 1 }), { score: null, unjudged: 'too_small' });
  assert.deepEqual(await scorer.judge(new Uint8Array(3), 1, 1, face), { score: null, unjudged: 'out_of_frame' });
});

test('extreme lighting (black, blown out, flat) is not judged', async () => {
  assert.deepEqual(
    await scorer.judge(
      frame(() => [3, 3, 3]),
      W,
      H,
      face,
    ),
    { score: null, unjudged: 'too_dark' },
  );
  assert.deepEqual(
    await scorer.judge(
      frame(() => [252, 250, 251]),
      W,
      H,
      face,
    ),
    { score: null, unjudged: 'too_bright' },
  );
  assert.deepEqual(
    await scorer.judge(
      frame(() => [128, 120, 110]),
      W,
      H,
      face,
    ),
    { score: null, unjudged: 'flat' },
  );
});

test('the pipeline slot gives an unjudgeable face no score (null), and access never grants it', async () => {
  const check = new PadLivenessCheck(scorer);
  const image = { width: W, height: H, data: frame(() => [0, 0, 0]) };
  assert.equal(await check.score({ image, box: face, keypoints: [], detectionScore: 0.9 }), null);
  const tiny = await check.score({
    image: { width: W, height: H, data: textured },
    box: { x: 5, y: 5, width: 10, height: 10 },
    keypoints: [],
    detectionScore: 0.9,
  });
  assert.equal(tiny, null);
  const person = { personId: 'p1', enabled: true, validFrom: null, validUntil: null, schedule: null };
  assert.deepEqual(decide({ verdict: verdict(tiny), person, lockedOut: false, livenessMin: 0.5, now: Date.now() }), {
    granted: false,
    reason: 'liveness_unknown',
  });
});

function observation(liveness: number | null): FaceObservation {
  return {
    box: face,
    detectionScore: 0.9,
    landmarks5: [
      [130, 100],
      [180, 100],
      [155, 125],
      [140, 150],
      [170, 150],
    ],
    mesh: null,
    embedding: null,
    quality: { ok: true, reasons: [], sharpness: 50, yaw: 0, pitch: 0, size: 110 },
    liveness,
    attributes: null,
  };
}

function verdict(liveness: number | null): TrackVerdict {
  return { door: 'front', trackId: 1, personId: 'p1', score: 0.9, margin: 0.5, liveness, frames: 3, at: Date.now(), firstAt: Date.now() };
}

test('the track check: unjudged frames give no score; low scores lead access to deny spoof_suspected', () => {
  const tracks = new PadTrackCheck();
  assert.equal(tracks.observe('t1', observation(null), 0), null);
  assert.equal(tracks.observe('t1', observation(null), 100), null);
  const person = { personId: 'p1', enabled: true, validFrom: null, validUntil: null, schedule: null };
  const unknownLiveness = decide({
    verdict: verdict(tracks.observe('t1', observation(null), 200)),
    person,
    lockedOut: false,
    livenessMin: 0.5,
    now: Date.now(),
  });
  assert.equal(unknownLiveness.granted, false);

  const spoofScore = tracks.observe('t2', observation(0.1), 0);
  assert.ok(spoofScore !== null && spoofScore < 0.5);
  const denied = decide({ verdict: verdict(spoofScore), person, lockedOut: false, livenessMin: 0.5, now: Date.now() });
  assert.deepEqual(denied, { granted: false, reason: 'spoof_suspected' });

  const liveScore = tracks.observe('t3', observation(0.9), 0);
  assert.ok(liveScore !== null && liveScore > 0.5);
  assert.equal(decide({ verdict: verdict(liveScore), person, lockedOut: false, livenessMin: 0.5, now: Date.now() }).granted, true);
});

test('the track check forgets ended tracks and keeps a bounded number of tracks', () => {
  const tracks = new PadTrackCheck({}, 4);
  for (let i = 0; i < 10; i++) tracks.observe(`t${i}`, observation(0.7), i);
  assert.equal(tracks.size, 4);
  tracks.end('t9');
  assert.equal(tracks.size, 3);
  tracks.end('never-seen');
  assert.equal(tracks.size, 3);
});

test('the pad config builds the track check: off when PAD or multi-frame is off, with its challenge', () => {
  const pad = embeddedDefaults().pad;
  assert.ok(createPadTrackCheck(pad) instanceof PadTrackCheck);
  assert.equal(createPadTrackCheck({ ...pad, multi_frame: false }), null);
  assert.equal(createPadTrackCheck({ ...pad, enabled: false }), null);
  const challenged = createPadTrackCheck({ ...pad, challenge: 'turn' });
  assert.ok(challenged);
  // A still face never meets the turn challenge: undecided, so never granted.
  for (let i = 0; i < 5; i++) assert.equal(challenged.observe('t', observation(0.9), i), null);
});
