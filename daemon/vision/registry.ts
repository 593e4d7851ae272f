// Loads pinned tfjs graph models (the manifest and its hash checks are in manifest.ts).
import * as tf from './tf.ts';
import { dirname, join } from 'node:path';
import { FacegateError } from '../core/index.ts';
import { entryOf, locate, readManifest, readPinned, MODELS_DIR, type ManifestEntry, type Variant } from './manifest.ts';

export * from './manifest.ts';

interface ModelJson {
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  signature?: unknown;
  userDefinedMetadata?: Record<string, unknown>;
}

/** Reads a pinned model.json and its weights into the artifacts tfjs loads from memory. */
export function readArtifacts(name: string, path: string, pins: Record<string, string>): tf.io.ModelArtifacts {
  const json = JSON.parse(Buffer.from(readPinned(path, pins, name)).toString('utf8')) as ModelJson;
  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    for (const p of group.paths) parts.push(readPinned(join(dirname(path), p), pins, name));
    specs.push(...group.weights);
  }
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const weightData = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    weightData.set(p, at);
    at += p.byteLength;
  }
  return {
    modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: specs,
    weightData: weightData.buffer,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    signature: json.signature as tf.io.ModelArtifacts['signature'],
    userDefinedMetadata: json.userDefinedMetadata,
  } as tf.io.ModelArtifacts;
}

export interface LoadedModel {
  name: string;
  variant: Variant;
  model: tf.GraphModel;
  entry: ManifestEntry;
}

/** Loads one model of the manifest after checking every file's hash; a mismatch throws VISION_MODEL_HASH. */
export async function loadModel(name: string, variant: Variant = 'float32', manifest = readManifest(), dir = MODELS_DIR): Promise<LoadedModel> {
  const entry = entryOf(name, manifest);
  if (entry.format === 'onnx')
    throw new FacegateError('VISION_MANIFEST', `model ${name} is an ONNX model, not a tfjs graph model: it runs through onnxruntime-web`);
  const { path, pins } = locate(name, entry, variant, dir);
  const artifacts = readArtifacts(name, path, pins);
  const model = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
  return { name, variant, model, entry };
}
