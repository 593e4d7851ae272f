// Reading and writing ONNX files through onnx-proto (the ONNX protobuf schema compiled for
// JavaScript). Encoding is deterministic: protobufjs writes fields in schema order and the
// quantizer builds every message in a fixed order, so the same input gives the same bytes.
import onnxProto from 'onnx-proto';
import { FacegateError } from '../../core/index.ts';

export const { onnx } = onnxProto;
export type Model = onnxProto.onnx.ModelProto;
export type Graph = onnxProto.onnx.IGraphProto;
export type Tensor = onnxProto.onnx.ITensorProto;
export type Node = onnxProto.onnx.INodeProto;

export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const UINT8 = onnx.TensorProto.DataType.UINT8;
export const INT8 = onnx.TensorProto.DataType.INT8;
export const INT32 = onnx.TensorProto.DataType.INT32;
export const INT64 = onnx.TensorProto.DataType.INT64;

export function decodeModel(bytes: Uint8Array): Model {
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new FacegateError('VISION_MODEL_LOAD', `not an ONNX model: ${(err as Error).message}`, { cause: err });
  }
}

export function encodeModel(model: onnxProto.onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

export function graphOf(model: onnxProto.onnx.IModelProto): Graph {
  if (!model.graph) throw new FacegateError('VISION_MODEL_LOAD', 'ONNX model has no graph');
  return model.graph;
}

/** int64 fields arrive as Long objects or numbers depending on size; the dims here are small. */
export function toNumber(v: number | { toNumber(): number } | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

export function dimsOf(t: Tensor): number[] {
  return (t.dims ?? []).map((d) => toNumber(d));
}

/** The values of a float32 initializer, whether stored as raw little-endian bytes or in float_data. */
export function floatValues(t: Tensor): Float32Array {
  if (t.dataType !== FLOAT) throw new FacegateError('VISION_MODEL_LOAD', `tensor ${t.name} is not float32 (type ${t.dataType})`);
  if (t.rawData && t.rawData.length > 0) {
    const raw = t.rawData;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const out = new Float32Array(raw.byteLength / 4);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  return Float32Array.from(t.floatData ?? []);
}

function littleEndian(values: Float32Array | Int32Array | Int8Array | Uint8Array): Uint8Array {
  const out = new Uint8Array(values.length * values.BYTES_PER_ELEMENT);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (values instanceof Float32Array) view.setFloat32(i * 4, v, true);
    else if (values instanceof Int32Array) view.setInt32(i * 4, v, true);
    else if (values instanceof Int8Array) view.setInt8(i, v);
    else view.setUint8(i, v);
  }
  return out;
}

/** An initializer with raw little-endian data (as exporters write them). */
export function makeTensor(name: string, dataType: number, dims: number[], values: Float32Array | Int32Array | Int8Array | Uint8Array): Tensor {
  return { name, dataType, dims, rawData: littleEndian(values) };
}

export function makeInt64Tensor(name: string, values: number[]): Tensor {
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return { name, dataType: INT64, dims: [values.length], rawData: raw };
}

export function intAttribute(name: string, value: number): onnxProto.onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
}

/** A float tensor's value_info without a shape: enough for onnxruntime to accept it as a graph output. */
export function floatValueInfo(name: string): onnxProto.onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType: FLOAT } } };
}
