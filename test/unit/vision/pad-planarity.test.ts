// Multi-frame PAD evidence: the homography fit, the planarity verdict on synthetic tracks (a 3D
// head turning vs a flat photo of it being turned), blinks, and how PadTrack combines them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FaceObservation, Point } from '../../../daemon/core/index.ts';
import { PadTrack, PadTrackCheck, comparePair, countBlinks, eyeAspectRatio, fitHomography, transferError } from '../../../daemon/vision/pad/index.ts';
import { HEAD, PHOTO, project, rng, sweep } from '../../support/head3d.ts';

const box = { x: 250, y: 180, width: 140, height: 140 };

function track(points: typeof HEAD, amp: number, noisePx: number, seed: number, frameScore: number | null = 0.5): PadTrack {
  const next = rng(seed);
  const t = new PadTrack();
  for (const pose of sweep(30, amp, next)) t.add({ at: 0, box, points: project(points, pose, noisePx, next), mesh: null, frameScore });
  return t;
}

test('the DLT homography recovers a known projective map exactly', () => {
  const h = [1.1, 0.05, 12, -0.04, 0.95, -7, 0.0004, -0.0002, 1];
  const src: Point[] = [
    [10, 20],
    [200, 30],
    [180, 220],
    [30, 190],
    [100, 100],
    [140, 60],
  ];
  const dst = src.map(([x, y]) => {
    const w = h[6]! * x + h[7]! * y + h[8]!;
    return [(h[0]! * x + h[1]! * y + h[2]!) / w, (h[3]! * x + h[4]! * y + h[5]!) / w] as const;
  });
  const fit = fitHomography(src, dst);
  assert.ok(fit);
  assert.ok(transferError(fit, src, dst) < 1e-6);
  fit.forEach((v, i) => assert.ok(Math.abs(v - h[i]!) < 1e-6, `h[${i}] = ${v}, expected ${h[i]}`));
});

test('degenerate or malformed point sets give no homography and no comparison', () => {
  const p: Point[] = [
    [0, 0],
    [1, 0],
    [0, 1],
  ];
  assert.equal(fitHomography(p, p), null, 'three points are too few');
  const five: Point[] = [
    [0, 0],
    [10, 0],
    [10, 10],
    [0, 10],
    [5, 5],
  ];
  assert.equal(fitHomography(five, [...five.slice(0, 4), [Number.NaN, 5]]), null);
  assert.equal(comparePair(five, five.slice(0, 4), 10), null, 'different point counts');
  assert.equal(comparePair(five, five, 0), null, 'no face scale');
  const same = comparePair(five, five, 10);
  assert.ok(same && same.residual < 1e-9 && same.deformation < 1e-9);
});

test('a flat photo turned ±35° is planar; a head turning ±10° is not (0.5 px landmark noise)', () => {
  const next = rng(7);
  const photo = sweep(30, 35, next).map((pose) => project(PHOTO, pose, 0, next));
  const head = sweep(30, 10, next).map((pose) => project(HEAD, pose, 0, next));
  const scale = Math.hypot(photo[0]![1]![0] - photo[0]![0]![0], photo[0]![1]![1] - photo[0]![0]![1]);
  // Noise-free: the photo's motion is one homography, the head's is not.
  const pr = comparePair(photo[0]!, photo[8]!, scale);
  const hr = comparePair(head[0]!, head[8]!, scale);
  assert.ok(pr && hr);
  assert.ok(pr.deformation > 0.01, 'the turned photo did change shape');
  assert.ok(pr.residual < 1e-6, `photo residual ${pr.residual}`);
  assert.ok(hr.residual > 0.02, `head residual ${hr.residual}`);

  for (const seed of [1, 2, 3]) {
    const photoTrack = track(PHOTO, 35, 0.5, seed).status();
    const headTrack = track(HEAD, 10, 0.5, seed).status();
    assert.ok(photoTrack.planarity.evidence !== null && photoTrack.planarity.evidence < 0, `seed ${seed}: photo evidence ${photoTrack.planarity.evidence}`);
    assert.ok(headTrack.planarity.evidence !== null && headTrack.planarity.evidence > 0, `seed ${seed}: head evidence ${headTrack.planarity.evidence}`);
    assert.ok(headTrack.planarity.ratio > 2 * photoTrack.planarity.ratio);
    // Same single-frame score: the track moves it down for the photo, up for the head.
    assert.ok(photoTrack.score !== null && headTrack.score !== null);
    assert.ok(photoTrack.score < 0.5 && headTrack.score > 0.5);
  }
});

test('a still face is not judged on planarity (no turn, nothing to see) and keeps its single-frame score', () => {
  const status = track(HEAD, 0, 0.5, 4, 0.8).status();
  assert.equal(status.planarity.evidence, null);
  assert.ok(status.score !== null && Math.abs(status.score - 0.8) < 1e-9);
});

test('a track without any judged frame has no score (never live), whatever the motion', () => {
  const status = track(HEAD, 15, 0.5, 5, null).status();
  assert.equal(status.judgedFrames, 0);
  assert.equal(status.score, null);
});

test('malformed landmarks in a track are skipped without a crash', () => {
  const t = new PadTrack();
  const bad: Point[] = [
    [Number.NaN, 1],
    [2, 2],
    [3, 3],
    [4, 4],
    [5, 5],
    [6, 6],
  ];
  assert.doesNotThrow(() => {
    t.add({ at: 0, box, points: bad, mesh: null, frameScore: 0.7 });
    t.add({ at: 1, box, points: [], mesh: null, frameScore: 0.7 });
    t.add({ at: 2, box, points: bad, mesh: [[1, 2]], frameScore: Number.NaN });
  });
  const s = t.status();
  assert.equal(s.frames, 3);
  assert.equal(s.judgedFrames, 2);
  assert.equal(s.planarity.evidence, null);
});

/** A 468-point mesh whose eyes have the given openness (eye aspect ratio). */
function meshWithEyes(ear: number): Point[] {
  const mesh: Point[] = Array.from({ length: 468 }, (_, i) => [i % 20, Math.floor(i / 20)] as const);
  const eye = (corner1: number, up1: number, up2: number, corner2: number, lo1: number, lo2: number, cx: number): void => {
    mesh[corner1] = [cx - 10, 100];
    mesh[corner2] = [cx + 10, 100];
    mesh[up1] = [cx - 4, 100 - 10 * ear];
    mesh[up2] = [cx + 4, 100 - 10 * ear];
    mesh[lo2] = [cx - 4, 100 + 10 * ear];
    mesh[lo1] = [cx + 4, 100 + 10 * ear];
  };
  eye(33, 160, 158, 133, 153, 144, 60);
  eye(362, 385, 387, 263, 373, 380, 120);
  return mesh;
}

test('eye aspect ratio and blink counting from a mesh', () => {
  assert.ok(Math.abs((eyeAspectRatio(meshWithEyes(0.3)) ?? 0) - 0.3) < 1e-9);
  assert.equal(eyeAspectRatio(null), null);
  assert.equal(eyeAspectRatio(meshWithEyes(0.3).slice(0, 100)), null);
  assert.equal(countBlinks([0.3, 0.31, 0.3, 0.29, 0.3, 0.3]), 0);
  assert.equal(countBlinks([0.3, 0.31, 0.08, 0.3, 0.3, 0.3, 0.1, 0.29, 0.3]), 2);
  assert.equal(countBlinks([0.3, 0.3, 0.1]), 0, 'eyes closing without opening again is not a blink');
});

test('a blink raises the track score; the blink challenge holds the score back until one is seen', () => {
  const plain = new PadTrack();
  const challenged = new PadTrack({ challenge: 'blink' });
  const ears = [0.3, 0.3, 0.3, 0.3];
  for (const [i, ear] of ears.entries()) {
    const obs = { at: i, box, points: [], mesh: meshWithEyes(ear), frameScore: 0.5 };
    plain.add(obs);
    assert.equal(challenged.add(obs), null, 'undecided before a blink');
  }
  const before = plain.status().score ?? 0;
  for (const [i, ear] of [0.05, 0.3, 0.3].entries()) {
    const obs = { at: 10 + i, box, points: [], mesh: meshWithEyes(ear), frameScore: 0.5 };
    plain.add(obs);
    challenged.add(obs);
  }
  assert.equal(plain.status().blinks, 1);
  assert.ok((plain.status().score ?? 0) > before);
  const c = challenged.status();
  assert.ok(c.challengeMet && c.score !== null && c.score > 0.5);
});

test('the turn challenge is met by a turning head and not by a photo', () => {
  const next = rng(9);
  const head = new PadTrack({ challenge: 'turn' });
  const photo = new PadTrack({ challenge: 'turn' });
  for (const pose of sweep(30, 15, next)) {
    head.add({ at: 0, box, points: project(HEAD, pose, 0.5, next), mesh: null, frameScore: 0.6 });
    photo.add({ at: 0, box, points: project(PHOTO, { ...pose, yaw: pose.yaw * 2.5 }, 0.5, next), mesh: null, frameScore: 0.6 });
  }
  assert.ok(head.status().challengeMet && head.status().score !== null);
  assert.equal(photo.status().challengeMet, false);
  assert.equal(photo.status().score, null);
});

test('the track check uses the detector keypoints for planarity, never the derived landmarks5', () => {
  const checks = new PadTrackCheck();
  const next = rng(11);
  let withKeypoints: number | null = null;
  let withoutKeypoints: number | null = null;
  for (const pose of sweep(30, 15, next)) {
    const kp = project(HEAD, pose, 0.5, next);
    const face: FaceObservation = {
      box,
      detectionScore: 0.9,
      landmarks5: kp.slice(0, 5),
      mesh: null,
      embedding: null,
      quality: { ok: true, reasons: [], sharpness: 50, yaw: 0, pitch: 0, size: 140 },
      liveness: 0.5,
      attributes: null,
    };
    withKeypoints = checks.observe('kp', { ...face, keypoints: kp }, 0);
    withoutKeypoints = checks.observe('l5', face, 0);
  }
  assert.ok(withKeypoints !== null && withKeypoints > 0.5, `a turning head with keypoints: ${withKeypoints}`);
  assert.equal(withoutKeypoints, 0.5, 'without keypoints the single-frame score stands alone');
});
