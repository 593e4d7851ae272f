// Per-channel QuantizeLinear/DequantizeLinear (the `axis` attribute) needs opset 13. Models
// exported at an older opset are lifted to 13 here, refusing any operator whose meaning changed
// on the way that this file does not know how to carry over.
import { FacegateError } from '../../core/index.ts';
import { makeInt64Tensor, toNumber, type Graph, type Model, type Node, type Tensor } from './onnx-model.ts';

export const QDQ_OPSET = 13;

// Operators whose opset 13 definition reads an opset 9–12 node the same way.
const UNCHANGED = new Set([
  'Add',
  'AveragePool',
  'BatchNormalization',
  'Concat',
  'Constant',
  'Conv',
  'Flatten',
  'Gather',
  'Gemm',
  'GlobalAveragePool',
  'MatMul',
  'MaxPool',
  'Mul',
  'PRelu',
  'Relu',
  'Reshape',
  'Shape',
  'Sigmoid',
  'Sub',
  'Transpose',
  'QuantizeLinear',
  'DequantizeLinear',
]);

/** The default-domain opset a model imports (0 when none). */
export function defaultOpset(model: Model): number {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain);
  return entry ? toNumber(entry.version) : 0;
}

/** Lifts the graph to opset 13 in place; Unsqueeze's `axes` attribute becomes an input. */
export function liftToOpset13(model: Model, graph: Graph): void {
  const from = defaultOpset(model);
  if (from >= QDQ_OPSET) return;
  const added: Tensor[] = [];
  for (const node of graph.node ?? []) {
    if (node.domain) throw new FacegateError('VISION_MODEL_LOAD', `operator ${node.domain}.${node.opType} is outside the default domain`);
    if (node.opType === 'Unsqueeze') added.push(axesToInput(node));
    else if (!UNCHANGED.has(node.opType ?? ''))
      throw new FacegateError('VISION_MODEL_LOAD', `operator ${node.opType} (opset ${from}) is not known to mean the same at opset ${QDQ_OPSET}`);
  }
  graph.initializer = [...(graph.initializer ?? []), ...added];
  model.opsetImport = (model.opsetImport ?? []).map((o) => (o.domain ? o : { ...o, version: QDQ_OPSET }));
  // IR version 7 is the first that carries opset 13.
  if (toNumber(model.irVersion) < 7) model.irVersion = 7;
}

function axesToInput(node: Node): Tensor {
  const attr = (node.attribute ?? []).find((a) => a.name === 'axes');
  if (!attr) throw new FacegateError('VISION_MODEL_LOAD', `Unsqueeze ${node.name} has no axes attribute`);
  const name = `${node.name || node.output?.[0]}_axes`;
  node.attribute = (node.attribute ?? []).filter((a) => a !== attr);
  node.input = [...(node.input ?? []), name];
  return makeInt64Tensor(
    name,
    (attr.ints ?? []).map((v) => toNumber(v)),
  );
}
