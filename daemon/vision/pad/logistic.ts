// L2-regularized logistic regression on standardized features, fitted by full-batch gradient
// descent with a fixed number of steps: no randomness, so the same data gives the same weights.
import { sigmoid } from './model.ts';

export interface LinearModel {
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
}

export interface FitOptions {
  l2: number;
  /** How many leading features the L2 penalty leaves alone (evidence trusted a priori, such as a pretrained model's score). */
  unpenalized?: number;
  steps: number;
  learningRate: number;
}

export const DEFAULT_FIT: FitOptions = { l2: 1e-2, steps: 1500, learningRate: 0.5 };

/** Fits P(live | x). Classes are weighted to count equally, whatever their sizes. */
export function fitLogistic(xs: readonly Float32Array[], live: readonly boolean[], options: FitOptions = DEFAULT_FIT): LinearModel {
  const n = xs.length;
  const d = xs[0]?.length ?? 0;
  const mean = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(0);
  for (const x of xs) for (let j = 0; j < d; j++) mean[j] = (mean[j] ?? 0) + (x[j] ?? 0) / n;
  for (const x of xs) for (let j = 0; j < d; j++) scale[j] = (scale[j] ?? 0) + ((x[j] ?? 0) - (mean[j] ?? 0)) ** 2 / n;
  for (let j = 0; j < d; j++) scale[j] = 1 / Math.sqrt((scale[j] ?? 0) + 1e-8);
  const z = xs.map((x) => Float64Array.from(x, (v, j) => (v - (mean[j] ?? 0)) * (scale[j] ?? 0)));
  const nLive = live.filter(Boolean).length;
  const wLive = n / (2 * Math.max(1, nLive));
  const wSpoof = n / (2 * Math.max(1, n - nLive));
  const w = new Float64Array(d);
  let b = 0;
  const grad = new Float64Array(d);
  const free = options.unpenalized ?? 0;
  for (let step = 0; step < options.steps; step++) {
    grad.fill(0);
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const zi = z[i] as Float64Array;
      let s = b;
      for (let j = 0; j < d; j++) s += (w[j] ?? 0) * (zi[j] ?? 0);
      const y = live[i] ? 1 : 0;
      const e = (sigmoid(s) - y) * (live[i] ? wLive : wSpoof);
      gb += e;
      for (let j = 0; j < d; j++) grad[j] = (grad[j] ?? 0) + e * (zi[j] ?? 0);
    }
    for (let j = 0; j < d; j++) w[j] = (w[j] ?? 0) - options.learningRate * ((grad[j] ?? 0) / n + (j < free ? 0 : options.l2) * (w[j] ?? 0));
    b -= (options.learningRate * gb) / n;
  }
  return { mean, scale, weights: Array.from(w), bias: b };
}

export function predictLogistic(m: LinearModel, x: Float32Array): number {
  let s = m.bias;
  for (let j = 0; j < m.weights.length; j++) s += (m.weights[j] ?? 0) * ((x[j] ?? 0) - (m.mean[j] ?? 0)) * (m.scale[j] ?? 0);
  return sigmoid(s);
}
