import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestThreshold, crossValidated, equalErrorRate, percentile, tarAtFar, thresholdAtFar } from '../../../scripts/eval/metrics.ts';

test('separable scores give accuracy 1, EER 0 and a threshold between the classes', () => {
  const pairs = [];
  for (const fold of ['1', '2', '3'])
    for (let i = 0; i < 10; i++) pairs.push({ fold, same: true, score: 0.6 + i / 100 }, { fold, same: false, score: 0.1 + i / 100 });
  const cv = crossValidated(pairs);
  assert.equal(cv.accuracy, 1);
  assert.equal(cv.folds, 3);
  assert.ok(cv.threshold > 0.19 && cv.threshold < 0.6);
  const g = pairs.filter((p) => p.same).map((p) => p.score),
    im = pairs.filter((p) => !p.same).map((p) => p.score);
  assert.equal(equalErrorRate(g, im), 0);
});

test('overlapping scores: accuracy below 1; missing embeddings (-Infinity) count as different', () => {
  const pairs = [
    { fold: '1', same: true, score: 0.9 },
    { fold: '1', same: true, score: 0.2 },
    { fold: '1', same: false, score: 0.3 },
    { fold: '1', same: false, score: 0.1 },
    { fold: '1', same: true, score: -Infinity },
  ];
  const cv = crossValidated(pairs);
  assert.equal(cv.optimistic, true);
  assert.ok(cv.accuracy < 1 && cv.accuracy >= 0.6, String(cv.accuracy));
  assert.ok(bestThreshold(pairs) > 0.1);
});

test('thresholdAtFar accepts at most the allowed share of impostors and tarAtFar counts genuine above it', () => {
  const impostor = Array.from({ length: 1000 }, (_, i) => i / 1000);
  const t = thresholdAtFar(impostor, 1e-2);
  assert.equal(impostor.filter((s) => s >= t).length, 10);
  const { tar } = tarAtFar([0.995, 0.999, 0.5], impostor, 1e-2);
  assert.ok(Math.abs(tar - 2 / 3) < 1e-9);
  assert.equal(percentile([5, 1, 3, 2, 4], 50), 3);
});
