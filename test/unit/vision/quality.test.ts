import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assessQuality, estimatePose, sharpness } from '../../../daemon/vision/index.ts';
import type { Point } from '../../../daemon/core/index.ts';

const frontal: Point[] = [
  [38.3, 51.7],
  [73.5, 51.5],
  [56, 71.7],
  [56.1, 92.3],
  [20, 60],
  [92, 60],
];
const limits = { minFacePx: 40, minSharpness: 20, maxYawDeg: 40, maxPitchDeg: 30 };

function texture(size: number, blur: boolean): Uint8Array {
  const out = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const v = blur ? 128 + 20 * Math.sin(x / 20) : ((x >> 1) + (y >> 1)) % 2 ? 220 : 30;
      out.fill(v, (y * size + x) * 3, (y * size + x) * 3 + 3);
    }
  return out;
}

test('a frontal face has yaw and pitch near zero; a nose off to one side reads as a turn', () => {
  const p = estimatePose(frontal);
  assert.ok(Math.abs(p.yaw) < 3 && Math.abs(p.pitch) < 3, JSON.stringify(p));
  const turned = frontal.map((q, i) => (i === 2 ? ([q[0] + 25, q[1]] as const) : q));
  const t = estimatePose(turned);
  assert.ok(t.yaw > 30, `yaw ${t.yaw}`);
  const nodded = frontal.map((q, i) => (i === 2 ? ([q[0], q[1] + 14] as const) : q));
  assert.ok(estimatePose(nodded).pitch > 20);
});

test('sharpness separates a crisp texture from a smooth one', () => {
  assert.ok(sharpness(texture(112, false), 112) > 100 * sharpness(texture(112, true), 112));
});

test('assessQuality gives each failing reason and passes a good face', () => {
  const good = assessQuality(frontal, 120, texture(112, false), 112, limits);
  assert.deepEqual(good.reasons, []);
  assert.equal(good.ok, true);
  const turned = frontal.map((q, i) => (i === 2 ? ([q[0] + 40, q[1]] as const) : q));
  const bad = assessQuality(turned, 20, texture(112, true), 112, limits);
  assert.equal(bad.ok, false);
  assert.deepEqual(bad.reasons.sort(), ['blurred', 'too_small', 'turned_away']);
});
