import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-web';
import { openOnnxBytes } from '../../../../daemon/vision/onnx-session.ts';
import { activationParams, quantizeBias, quantizePerChannel } from '../../../../daemon/vision/quant/arithmetic.ts';
import { calibrate } from '../../../../daemon/vision/quant/calibrate.ts';
import { FLOAT, decodeModel, dimsOf, encodeModel, floatValues, makeTensor, onnx, toNumber } from '../../../../daemon/vision/quant/onnx-model.ts';
import { activationTensors, quantizeModel } from '../../../../daemon/vision/quant/qdq.ts';

/** Seeded pseudo-random numbers in [-1, 1): the same graph and inputs every run. */
function noise(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1);
}

/** input [1,2,8,8] → Conv 3×3 (3 channels, bias) → Relu → depthwise Conv 3×3 → Conv 1×1 (2 channels) → output, at opset 9 as old exporters wrote. */
function tinyModel(): Uint8Array {
  const w1 = noise(3 * 2 * 3 * 3, 7);
  // Channel 2 is ten times larger: one scale for all channels would waste most of its steps on channel 0 and 1.
  for (let i = 2 * 18; i < 3 * 18; i++) w1[i]! *= 10;
  const model = {
    irVersion: 6,
    opsetImport: [{ domain: '', version: 9 }],
    producerName: 'facegate-test',
    graph: {
      name: 'tiny',
      node: [
        {
          name: 'conv1',
          opType: 'Conv',
          input: ['input', 'w1', 'b1'],
          output: ['c1'],
          attribute: [{ name: 'pads', type: onnx.AttributeProto.AttributeType.INTS, ints: [1, 1, 1, 1] }],
        },
        { name: 'relu', opType: 'Relu', input: ['c1'], output: ['r1'] },
        {
          name: 'depthwise',
          opType: 'Conv',
          input: ['r1', 'wd'],
          output: ['d1'],
          attribute: [
            { name: 'group', type: onnx.AttributeProto.AttributeType.INT, i: 3 },
            { name: 'pads', type: onnx.AttributeProto.AttributeType.INTS, ints: [1, 1, 1, 1] },
          ],
        },
        { name: 'conv2', opType: 'Conv', input: ['d1', 'w2'], output: ['output'] },
      ],
      initializer: [
        makeTensor('w1', FLOAT, [3, 2, 3, 3], w1),
        makeTensor('b1', FLOAT, [3], Float32Array.of(0.1, -0.2, 0.3)),
        makeTensor('wd', FLOAT, [3, 1, 3, 3], noise(27, 13)),
        makeTensor('w2', FLOAT, [2, 3, 1, 1], noise(6, 11)),
      ],
      input: [
        { name: 'input', type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimValue: 1 }, { dimValue: 2 }, { dimValue: 8 }, { dimValue: 8 }] } } } },
      ],
      output: [{ name: 'output', type: { tensorType: { elemType: FLOAT } } }],
    },
  };
  return encodeModel(model);
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const inputs = [0, 1, 2, 3].map((i) => ({ data: noise(2 * 64, 100 + i), dims: [1, 2, 8, 8] }));

test('a hand-built ONNX graph survives decode → encode byte for byte, its weights read back as written', () => {
  const bytes = tinyModel();
  const model = decodeModel(bytes);
  assert.deepEqual(encodeModel(model), bytes);
  const w1 = model.graph!.initializer!.find((t) => t.name === 'w1')!;
  assert.deepEqual(dimsOf(w1), [3, 2, 3, 3]);
  assert.equal(floatValues(w1)[0], Math.fround(noise(1, 7)[0]!));
  assert.throws(
    () => decodeModel(Uint8Array.of(0xff, 0xff, 0xff)),
    (e: Error & { code?: string }) => e.code === 'VISION_MODEL_LOAD',
  );
});

test('weights get one symmetric int8 scale per output channel, biases int32 on the product scale', () => {
  const w = Float32Array.of(0.5, -1, 0.25, /* channel 1 */ 10, -5, 2.5, /* channel 2 */ 0, 0, 0);
  const q = quantizePerChannel(w, [3, 3], 0);
  assert.deepEqual(Array.from(q.scales), [Math.fround(1 / 127), Math.fround(10 / 127), 1]);
  assert.deepEqual(Array.from(q.values), [64, -127, 32, 127, -64, 32, 0, 0, 0]);
  for (let i = 0; i < w.length; i++) assert.ok(Math.abs(q.values[i]! * q.scales[Math.floor(i / 3)]! - w[i]!) <= q.scales[Math.floor(i / 3)]! / 2 + 1e-7);
  // Along the last axis (MatMul's [K, N] weight: one scale per output column).
  assert.deepEqual(Array.from(quantizePerChannel(Float32Array.of(1, 4, -2, 2), [2, 2], 1).scales), [Math.fround(2 / 127), Math.fround(4 / 127)]);
  const b = quantizeBias(Float32Array.of(0.3, -1), 0.01, Float32Array.of(0.1, 0.5));
  assert.deepEqual(Array.from(b.values), [300, -200]);
  // Activation ranges are widened to hold 0, which maps to an exact step.
  const a = activationParams(0.5, 2.55);
  assert.equal(a.zeroPoint, 0);
  assert.ok(Math.abs(a.scale - 0.01) < 1e-7);
  // A range around zero: both ends within one step of what uint8 0 and 255 stand for.
  const s = activationParams(-1, 1);
  assert.ok(Math.abs(-s.zeroPoint * s.scale + 1) <= s.scale && Math.abs((255 - s.zeroPoint) * s.scale - 1) <= s.scale, JSON.stringify(s));
});

test('the QDQ model is opset 13 with per-channel int8 weights and Q/DQ pairs on the activations', () => {
  const float = tinyModel();
  const acts = activationTensors(decodeModel(float));
  assert.deepEqual(acts, ['input', 'c1', 'd1'], 'the graph output stays float, and so does the depthwise conv');
  const ranges = Object.fromEntries(acts.map((n) => [n, { min: -2, max: 3 }]));
  const model = decodeModel(quantizeModel(float, ranges));
  assert.equal(toNumber(model.opsetImport![0]!.version), 13);
  const ops = model.graph!.node!.map((n) => n.opType);
  assert.equal(ops.filter((o) => o === 'QuantizeLinear').length, 3);
  assert.equal(ops.filter((o) => o === 'DequantizeLinear').length, 3 + 2 + 1, 'activations, two weights, one bias');
  const init = (name: string) => model.graph!.initializer!.find((t) => t.name === name)!;
  assert.equal(init('w1_quantized').dataType, onnx.TensorProto.DataType.INT8);
  assert.deepEqual(dimsOf(init('w1_scale')), [3]);
  assert.equal(init('b1_quantized').dataType, onnx.TensorProto.DataType.INT32);
  assert.equal(
    model.graph!.initializer!.find((t) => t.name === 'w1'),
    undefined,
    'the float weight is gone',
  );
  const conv2 = model.graph!.node!.find((n) => n.name === 'conv2')!;
  assert.deepEqual(conv2.input, ['d1_dequantized', 'w2_dequantized']);
  const depthwise = model.graph!.node!.find((n) => n.name === 'depthwise')!;
  assert.deepEqual(depthwise.input, ['r1', 'wd'], 'the depthwise conv reads float values and its float weight');
  assert.throws(() => quantizeModel(float, { input: { min: 0, max: 1 } }), /no calibrated range for activation c1/);
});

test('quantizing twice gives the same bytes; the int8 model runs in onnxruntime-web close to the float one', async () => {
  const float = tinyModel();
  const ranges = await calibrate(float, inputs, ['minmax', 'percentile-99.9']);
  assert.ok(ranges.minmax!.c1!.max > ranges['percentile-99.9']!.c1!.max, 'the percentile range clips the top');
  assert.ok(ranges.minmax!.d1!.max > ranges.minmax!.d1!.min);
  const a = quantizeModel(float, ranges.minmax!);
  const b = quantizeModel(float, structuredClone(ranges.minmax!));
  assert.equal(sha(a), sha(b));
  assert.notEqual(sha(a), sha(quantizeModel(float, ranges['percentile-99.9']!)));
  const run = async (bytes: Uint8Array): Promise<Float32Array> => {
    const s = await openOnnxBytes(bytes, 'tiny');
    try {
      const out = await s.run({ input: new ort.Tensor('float32', inputs[0]!.data, [1, 2, 8, 8]) });
      return out.output!.data as Float32Array;
    } finally {
      await s.release();
    }
  };
  const [f, q] = [await run(float), await run(a)];
  assert.equal(q.length, 2 * 64);
  const span = Math.max(...f) - Math.min(...f);
  const worst = Math.max(...f.map((v, i) => Math.abs(v - q[i]!)));
  assert.ok(worst < 0.05 * span, `int8 differs by at most 5 % of the output's span (worst ${worst}, span ${span})`);
  assert.ok(worst > 0, 'the int8 model really computes differently');
});
