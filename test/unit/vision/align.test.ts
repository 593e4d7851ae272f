import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignFace, applySimilarity, canonicalPoints, estimateSimilarity, warpCrop, CANONICAL_112 } from '../../../daemon/vision/index.ts';
import type { Point } from '../../../daemon/core/index.ts';

test('estimateSimilarity recovers a known rotation, scale and shift from noisy-free points', () => {
  const angle = 0.3,
    scale = 1.7,
    tx = 12,
    ty = -5;
  const a = scale * Math.cos(angle),
    b = scale * Math.sin(angle);
  const src: Point[] = [
    [10, 20],
    [40, 22],
    [25, 40],
    [26, 55],
  ];
  const dst = src.map(([x, y]) => [a * x - b * y + tx, b * x + a * y + ty] as const);
  const t = estimateSimilarity(src, dst);
  assert.ok(Math.abs(t.a - a) < 1e-9 && Math.abs(t.b - b) < 1e-9);
  assert.ok(Math.abs(t.tx - tx) < 1e-9 && Math.abs(t.ty - ty) < 1e-9);
  const p = applySimilarity(t, [3, 4]);
  assert.ok(Math.abs(p[0] - (a * 3 - b * 4 + tx)) < 1e-9);
});

test('estimateSimilarity is the least-squares fit when points disagree, and refuses degenerate input', () => {
  const src: Point[] = [
    [0, 0],
    [10, 0],
    [5, 8],
    [5, 12],
  ];
  const dst: Point[] = [
    [0, 1],
    [10, -1],
    [5, 8],
    [5, 12],
  ];
  const t = estimateSimilarity(src, dst);
  const err = src.reduce((s, p, i) => s + Math.hypot(applySimilarity(t, p)[0] - dst[i]![0], applySimilarity(t, p)[1] - dst[i]![1]), 0);
  assert.ok(err > 0 && err < 4, `residual ${err}`);
  assert.throws(() => estimateSimilarity([[1, 1]], [[2, 2]]), /two point/);
  assert.throws(
    () =>
      estimateSimilarity(
        [
          [1, 1],
          [1, 1],
        ],
        [
          [0, 0],
          [3, 3],
        ],
      ),
    /coincide/,
  );
});

test('canonicalPoints scales the 112 template and zoom < 1 pulls points towards the centre', () => {
  const p224 = canonicalPoints(224);
  assert.ok(Math.abs(p224[0]![0] - CANONICAL_112[0]![0] * 2) < 1e-9);
  const loose = canonicalPoints(112, 0.5);
  assert.ok(Math.abs(loose[0]![0] - 56) < Math.abs(CANONICAL_112[0]![0] - 56));
});

test('warpCrop with the identity copies pixels, flip mirrors them, outside the image is black', () => {
  const w = 4,
    h = 4;
  const data = new Uint8Array(w * h * 3).map((_, i) => i % 256);
  const id = { a: 1, b: 0, tx: 0, ty: 0 };
  assert.deepEqual(warpCrop({ width: w, height: h, data }, id, 4), data);
  const flipped = warpCrop({ width: w, height: h, data }, id, 4, true);
  assert.deepEqual(Array.from(flipped.subarray(0, 3)), Array.from(data.subarray(9, 12)));
  const shifted = warpCrop({ width: w, height: h, data }, { a: 1, b: 0, tx: 10, ty: 10 }, 4);
  assert.ok(shifted.every((v) => v === 0));
});

test('alignFace puts the eyes where the template wants them', () => {
  // A synthetic image: two bright dots where the "eyes" are, rotated 30 degrees.
  const w = 200,
    h = 200;
  const data = new Uint8Array(w * h * 3);
  const eyes: Point[] = [
    [80, 90],
    [80 + 40 * Math.cos(0.5), 90 + 40 * Math.sin(0.5)],
  ];
  for (const [x, y] of eyes)
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++)
        data.fill(255, ((Math.round(y) + dy) * w + Math.round(x) + dx) * 3, ((Math.round(y) + dy) * w + Math.round(x) + dx) * 3 + 3);
  const mid: Point = [(eyes[0]![0] + eyes[1]![0]) / 2, (eyes[0]![1] + eyes[1]![1]) / 2];
  const down: Point = [-Math.sin(0.5), Math.cos(0.5)];
  const nose: Point = [mid[0] + down[0] * 23, mid[1] + down[1] * 23];
  const mouth: Point = [mid[0] + down[0] * 47, mid[1] + down[1] * 47];
  const { crop } = alignFace({ width: w, height: h, data }, [...eyes, nose, mouth], 112);
  const at = (x: number, y: number): number => crop[(Math.round(y) * 112 + Math.round(x)) * 3]!;
  assert.ok(at(CANONICAL_112[0]![0], CANONICAL_112[0]![1]) > 100, 'left eye dot lands on the template');
  assert.ok(at(CANONICAL_112[1]![0], CANONICAL_112[1]![1]) > 100, 'right eye dot lands on the template');
  assert.equal(at(56, 20), 0);
});

test('eyes-mouth alignment ignores the nose: a nose pushed sideways moves the 4-point crop, not the eyes-mouth one', () => {
  const w = 200,
    h = 200;
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 251;
  const img = { width: w, height: h, data };
  const centred: [number, number][] = [
    [80, 90],
    [120, 90],
    [100, 110],
    [100, 130],
  ];
  const turned: [number, number][] = [
    [80, 90],
    [120, 90],
    [112, 110],
    [100, 130],
  ];
  const a = alignFace(img, centred, 112, 1, false, 'eyes-mouth').transform;
  const b = alignFace(img, turned, 112, 1, false, 'eyes-mouth').transform;
  assert.deepEqual(a, b);
  const c = alignFace(img, centred, 112).transform,
    d = alignFace(img, turned, 112).transform;
  assert.ok(Math.abs(c.tx - d.tx) > 1, 'with the nose in the fit the crop shifts');
});
