// The PAD error rates (ISO/IEC 30107-3), operating points, and the deterministic trainer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { equalErrorPoint, fitLogistic, predictLogistic, ratesAt, thresholdForBpcer } from '../../../daemon/vision/pad/index.ts';
import { percentile } from '../../../scripts/eval/metrics.ts';
import { crossValidate } from '../../../scripts/pad/cross-validate.ts';

const items = [
  { score: 0.95, live: true },
  { score: 0.9, live: true },
  { score: 0.8, live: true },
  { score: 0.4, live: true },
  { score: 0.85, live: false },
  { score: 0.3, live: false },
  { score: 0.2, live: false },
  { score: 0.1, live: false },
];

test('APCER counts attacks accepted, BPCER live faces rejected, ACER is their mean', () => {
  const r = ratesAt(items, 0.5);
  assert.equal(r.apcer, 1 / 4);
  assert.equal(r.bpcer, 1 / 4);
  assert.equal(r.acer, 1 / 4);
  assert.deepEqual(ratesAt(items, 0.99), { apcer: 0, bpcer: 1, acer: 0.5, threshold: 0.99 });
  // A score equal to the threshold counts as live.
  assert.equal(ratesAt(items, 0.85).apcer, 1 / 4);
});

test('the operating point for a BPCER target is the strictest threshold that meets it', () => {
  const r = thresholdForBpcer(items, 0);
  assert.equal(r.bpcer, 0);
  assert.equal(r.threshold, 0.4);
  assert.equal(r.apcer, 0.25);
  const loose = thresholdForBpcer(items, 0.25);
  assert.equal(loose.threshold, 0.8);
  assert.equal(loose.apcer, 0.25);
  const eer = equalErrorPoint(items);
  assert.equal(eer.apcer, eer.bpcer);
});

test('percentiles by nearest rank', () => {
  assert.equal(percentile([5, 1, 4, 2, 3], 50), 3);
  assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), 9);
  assert.ok(Number.isNaN(percentile([], 50)));
});

/** Two classes apart on the first feature, noise on the others (a fixed sequence). */
function toyData(n: number, subjects: number): { x: Float32Array; live: boolean; subject: string }[] {
  let s = 12345;
  const next = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Array.from({ length: n }, (_, i) => {
    const live = i % 3 !== 0;
    return { x: Float32Array.of((live ? 1 : -1) + 0.6 * (next() - 0.5), next(), next()), live, subject: `s${Math.floor((i * subjects) / n)}` };
  });
}

test('logistic regression separates separable data and gives the same weights every time', () => {
  const data = toyData(90, 3);
  const a = fitLogistic(
    data.map((d) => d.x),
    data.map((d) => d.live),
    { l2: 0.01, steps: 300, learningRate: 0.5 },
  );
  const b = fitLogistic(
    data.map((d) => d.x),
    data.map((d) => d.live),
    { l2: 0.01, steps: 300, learningRate: 0.5 },
  );
  assert.deepEqual(a, b);
  for (const d of data) assert.equal(predictLogistic(a, d.x) >= 0.5, d.live);
});

test('subject-disjoint cross-validation holds out each subject once', () => {
  const data = toyData(90, 3);
  const cv = crossValidate(data, { l2: 0.01, steps: 200, learningRate: 0.5 }, 0.05);
  assert.deepEqual(
    cv.folds.map((f) => f.subject),
    ['s0', 's1', 's2'],
  );
  assert.equal(cv.scores.length, data.length);
  assert.equal(
    cv.folds.reduce((n, f) => n + f.live + f.spoof, 0),
    data.length,
  );
  // Easy data: the held-out subjects are still told apart.
  assert.ok(cv.pooledEer.acer <= 0.05, `pooled EER ${cv.pooledEer.acer}`);
  assert.ok(cv.nested.acer <= 0.1, `nested ACER ${cv.nested.acer}`);
});
