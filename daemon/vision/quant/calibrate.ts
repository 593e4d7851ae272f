// Activation ranges for static quantization, measured by running the float model on calibration
// inputs with every tensor to be quantized exposed as an extra graph output. Two methods:
// min/max (every value fits; one outlier widens the step for all) and percentile (the range holds
// the central p % of the values, clipping the rest; finer steps where most values are).
import * as ort from 'onnxruntime-web';
import { openOnnxBytes } from '../onnx-session.ts';
import { decodeModel, encodeModel, floatValueInfo, graphOf } from './onnx-model.ts';
import { activationTensors, type Ranges } from './qdq.ts';

export type CalibrationMethod = 'minmax' | `percentile-${number}`;

const BINS = 4096;

export interface CalibrationInput {
  data: Float32Array;
  dims: number[];
}

/** The float model with `names` added as graph outputs, so one run yields their values. */
function exposing(floatBytes: Uint8Array, names: string[]): Uint8Array {
  const model = decodeModel(floatBytes);
  const graph = graphOf(model);
  graph.output = [...(graph.output ?? []), ...names.map(floatValueInfo)];
  return encodeModel(model);
}

/** Runs the float model on each input and hands every exposed tensor's values to `visit`. */
async function forEachActivation(
  session: ort.InferenceSession,
  inputs: CalibrationInput[],
  names: string[],
  visit: (name: string, v: Float32Array) => void,
): Promise<void> {
  const feed = session.inputNames[0]!;
  for (const input of inputs) {
    const out = await session.run({ [feed]: new ort.Tensor('float32', input.data, input.dims) }, names);
    for (const name of names) visit(name, out[name]!.data as Float32Array);
  }
}

/** The value at fraction q of a histogram over [lo, hi] (linear within the bin). */
function quantile(hist: Float64Array, total: number, lo: number, hi: number, q: number): number {
  const target = q * total;
  let seen = 0;
  const width = (hi - lo) / hist.length;
  for (let b = 0; b < hist.length; b++) {
    const c = hist[b]!;
    if (seen + c >= target && c > 0) return lo + (b + (target - seen) / c) * width;
    seen += c;
  }
  return hi;
}

/** Ranges of every activation the quantizer needs, by each requested method. */
export async function calibrate(floatBytes: Uint8Array, inputs: CalibrationInput[], methods: CalibrationMethod[]): Promise<Record<string, Ranges>> {
  const names = activationTensors(decodeModel(floatBytes));
  const session = await openOnnxBytes(exposing(floatBytes, names), 'calibration');
  try {
    const minmax: Ranges = {};
    for (const n of names) minmax[n] = { min: Infinity, max: -Infinity };
    await forEachActivation(session, inputs, names, (name, v) => {
      const r = minmax[name]!;
      for (const x of v) {
        if (x < r.min) r.min = x;
        if (x > r.max) r.max = x;
      }
    });
    const result: Record<string, Ranges> = {};
    const percentiles = methods.filter((m) => m !== 'minmax').map((m) => Number(m.slice('percentile-'.length)));
    if (methods.includes('minmax')) result.minmax = minmax;
    if (percentiles.length === 0) return result;
    // Second pass: a histogram over each tensor's min/max range.
    const hists = new Map(names.map((n) => [n, new Float64Array(BINS)]));
    const counts = new Map(names.map((n) => [n, 0]));
    await forEachActivation(session, inputs, names, (name, v) => {
      const { min, max } = minmax[name]!;
      const hist = hists.get(name)!;
      const k = max > min ? BINS / (max - min) : 0;
      for (const x of v) hist[Math.min(BINS - 1, Math.floor((x - min) * k))]!++;
      counts.set(name, counts.get(name)! + v.length);
    });
    for (const p of percentiles) {
      const ranges: Ranges = {};
      const tail = (100 - p) / 100;
      for (const n of names) {
        const { min, max } = minmax[n]!;
        const hist = hists.get(n)!;
        const total = counts.get(n)!;
        ranges[n] = { min: quantile(hist, total, min, max, tail), max: quantile(hist, total, min, max, 1 - tail) };
      }
      result[`percentile-${p}`] = ranges;
    }
    return result;
  } finally {
    await session.release();
  }
}
