// Static int8 quantization of an ONNX graph in the QDQ form: every Conv, Gemm and MatMul with a
// constant weight gets int8 weights (symmetric, per output channel) and an int32 bias behind
// DequantizeLinear nodes, and its activation input and output pass through a QuantizeLinear →
// DequantizeLinear pair whose uint8 scale and zero point come from calibrated ranges.
// onnxruntime's graph optimizer fuses DQ → Conv → Q into QLinearConv (int8 kernels); operators
// left between the pairs (PRelu, Add) keep computing in float on the dequantized values.
// Grouped (depthwise) convolutions stay float: on onnxruntime-web's WASM their int8 kernel and the
// Q/DQ passes around them cost more than the float kernel (faceplugin-feature, CPU ms a run:
// every Conv int8 31–35 against float 31; depthwise left float 20–24 against 28–34).
import { FacegateError } from '../../core/index.ts';
import { activationParams, quantizeBias, quantizePerChannel } from './arithmetic.ts';
import {
  FLOAT,
  INT32,
  INT8,
  UINT8,
  decodeModel,
  dimsOf,
  encodeModel,
  floatValues,
  graphOf,
  intAttribute,
  makeTensor,
  type Graph,
  type Model,
  type Node,
  type Tensor,
} from './onnx-model.ts';
import { liftToOpset13 } from './opset.ts';

export interface Range {
  min: number;
  max: number;
}
export type Ranges = Record<string, Range>;

/** A node whose weight is a constant: which input is the weight, its output-channel axis, and the bias input if any. */
interface Target {
  node: Node;
  weight: string;
  axis: number;
  bias: string | null;
}

const QUANTIZABLE = new Set(['Conv', 'Gemm', 'MatMul']);

function attrInt(node: Node, name: string, fallback: number): number {
  const a = (node.attribute ?? []).find((x) => x.name === name);
  return a ? Number(a.i ?? fallback) : fallback;
}

function targetOf(node: Node, inits: Map<string, Tensor>): Target | null {
  if (!QUANTIZABLE.has(node.opType ?? '')) return null;
  if (node.opType === 'Conv' && attrInt(node, 'group', 1) > 1) return null;
  const [, weight, bias] = node.input ?? [];
  const w = weight ? inits.get(weight) : undefined;
  if (!weight || !w || w.dataType !== FLOAT) return null;
  const rank = dimsOf(w).length;
  let axis: number;
  if (node.opType === 'Conv') axis = 0;
  else if (node.opType === 'Gemm') axis = attrInt(node, 'transB', 0) === 1 ? 0 : 1;
  else if (rank === 2) axis = 1;
  else return null;
  const b = bias && inits.get(bias)?.dataType === FLOAT ? bias : null;
  return { node, weight, axis, bias: b };
}

// Operators that only move values: a tensor that reaches a graph output through them is the output.
const SHAPE_ONLY = new Set(['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Identity']);

/**
 * Tensors that stay float: the graph outputs and what feeds them through shape-only operators.
 * (An embedding quantized to 256 levels on one per-tensor scale would lose what the int8 layers keep.)
 */
function floatOutputs(graph: Graph): Set<string> {
  const kept = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  for (const node of [...(graph.node ?? [])].reverse())
    if (SHAPE_ONLY.has(node.opType ?? '') && (node.output ?? []).some((o) => kept.has(o)) && node.input?.[0]) kept.add(node.input[0]);
  return kept;
}

/** The activation tensors the quantized nodes read and write: the ones that need a calibrated range. */
export function activationTensors(model: Model): string[] {
  const graph = graphOf(model);
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const outputs = floatOutputs(graph);
  const names: string[] = [];
  for (const node of graph.node ?? []) {
    const t = targetOf(node, inits);
    if (!t) continue;
    for (const name of [node.input?.[0], node.output?.[0]]) if (name && !inits.has(name) && !outputs.has(name) && !names.includes(name)) names.push(name);
  }
  return names;
}

/** Builds the QDQ model. Every tensor of activationTensors(model) must have a range. */
export function quantizeModel(floatBytes: Uint8Array, ranges: Ranges, note = ''): Uint8Array {
  const model = decodeModel(floatBytes);
  const graph = graphOf(model);
  liftToOpset13(model, graph);
  const acts = activationTensors(model);
  for (const name of acts) {
    const r = ranges[name];
    if (!r || !Number.isFinite(r.min) || !Number.isFinite(r.max))
      throw new FacegateError('VISION_MODEL_LOAD', `no calibrated range for activation ${name}; re-run calibration for this model`);
  }
  rewrite(graph, new Set(acts), ranges);
  model.metadataProps = [
    ...(model.metadataProps ?? []),
    { key: 'facegate.quantization', value: `static int8 QDQ: weights symmetric per output channel, activations uint8${note ? `; ${note}` : ''}` },
  ];
  return encodeModel(model);
}

function rewrite(graph: Graph, acts: Set<string>, ranges: Ranges): void {
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const uses = new Map<string, number>();
  for (const n of graph.node ?? []) for (const i of n.input ?? []) uses.set(i, (uses.get(i) ?? 0) + 1);
  const added: Tensor[] = [];
  const replaced = new Set<string>();
  const nodes: Node[] = [];
  const scaleOf = new Map<string, number>();

  const qdqPair = (name: string): void => {
    const { scale, zeroPoint } = activationParams(ranges[name]!.min, ranges[name]!.max);
    scaleOf.set(name, scale);
    added.push(makeTensor(`${name}_scale`, FLOAT, [], Float32Array.of(scale)), makeTensor(`${name}_zero_point`, UINT8, [], Uint8Array.of(zeroPoint)));
    const params = [`${name}_scale`, `${name}_zero_point`];
    nodes.push(
      { name: `${name}_QuantizeLinear`, opType: 'QuantizeLinear', input: [name, ...params], output: [`${name}_quantized`] },
      { name: `${name}_DequantizeLinear`, opType: 'DequantizeLinear', input: [`${name}_quantized`, ...params], output: [`${name}_dequantized`] },
    );
  };

  const dequantized = (name: string, q: Tensor, scales: Float32Array, zero: Tensor, axis: number): string => {
    added.push(q, makeTensor(`${name}_scale`, FLOAT, [scales.length], scales), zero);
    nodes.push({
      name: `${name}_DequantizeLinear`,
      opType: 'DequantizeLinear',
      input: [q.name ?? '', `${name}_scale`, zero.name ?? ''],
      output: [`${name}_dequantized`],
      attribute: [intAttribute('axis', axis)],
    });
    // A constant read only by this node is replaced; one shared with other nodes stays for them.
    if ((uses.get(name) ?? 0) <= 1) replaced.add(name);
    return `${name}_dequantized`;
  };

  for (const input of graph.input ?? []) if (input.name && acts.has(input.name)) qdqPair(input.name);
  for (const node of graph.node ?? []) {
    const target = targetOf(node, inits);
    const inputs = (node.input ?? []).map((i) => (acts.has(i) ? `${i}_dequantized` : i));
    if (target) {
      const w = inits.get(target.weight)!;
      const dims = dimsOf(w);
      const q = quantizePerChannel(floatValues(w), dims, target.axis);
      const channels = q.scales.length;
      inputs[1] = dequantized(
        target.weight,
        makeTensor(`${target.weight}_quantized`, INT8, dims, q.values),
        q.scales,
        zeros(`${target.weight}_zero_point`, INT8, channels),
        target.axis,
      );
      const inputScale = scaleOf.get(node.input?.[0] ?? '');
      if (target.bias && inputScale !== undefined) {
        const b = quantizeBias(floatValues(inits.get(target.bias)!), inputScale, q.scales);
        inputs[2] = dequantized(
          target.bias,
          makeTensor(`${target.bias}_quantized`, INT32, [channels], b.values),
          b.scales,
          zeros(`${target.bias}_zero_point`, INT32, channels),
          0,
        );
      }
    }
    nodes.push({ ...node, input: inputs });
    for (const out of node.output ?? []) if (acts.has(out)) qdqPair(out);
  }
  graph.node = nodes;
  graph.initializer = [...(graph.initializer ?? []).filter((t) => !replaced.has(t.name ?? '')), ...added];
}

function zeros(name: string, dataType: number, n: number): Tensor {
  return makeTensor(name, dataType, [n], dataType === INT32 ? new Int32Array(n) : new Int8Array(n));
}
