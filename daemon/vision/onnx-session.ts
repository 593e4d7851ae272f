// One place that starts onnxruntime-web sessions on pinned ONNX files (the embedder, the PAD CNN):
// WASM with SIMD, which ships inside the npm package and installs offline.
import * as ort from 'onnxruntime-web';
import { FacegateError } from '../core/index.ts';
import { readModelFile, type Manifest, type ManifestEntry, type Variant } from './manifest.ts';

// onnxruntime-web reads its thread count once, when its WASM starts (the first session in a thread).
let wasmStarted = false;

export function onnxRuntimeName(): string {
  const threads = Number(ort.env.wasm.numThreads ?? 1);
  return `onnxruntime-web ${ort.env.versions.web ?? '?'} wasm+simd, ${threads} thread${threads === 1 ? '' : 's'}`;
}

/** Reads the pinned file of a variant (float32 or int8; hash checked) and starts a session; `threads` counts only for the thread's first session. */
export async function openOnnxSession(
  name: string,
  manifest: Manifest,
  dir: string,
  threads = 1,
  variant: Variant = 'float32',
): Promise<{ session: ort.InferenceSession; entry: ManifestEntry }> {
  const { bytes, entry } = readModelFile(name, manifest, dir, variant);
  if (entry.format !== 'onnx') throw new FacegateError('VISION_MANIFEST', `model ${name} is not an ONNX model`);
  return { session: await openOnnxBytes(bytes, name, threads), entry };
}

/** A session on model bytes already checked (or made) by the caller: the quantizer's calibration and tests. */
export async function openOnnxBytes(bytes: Uint8Array, label: string, threads = 1): Promise<ort.InferenceSession> {
  if (!wasmStarted) ort.env.wasm.numThreads = threads;
  wasmStarted = true;
  try {
    // No memory arena or pattern cache: same speed here, ~40 MB less resident memory.
    return await ort.InferenceSession.create(bytes, {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
      enableCpuMemArena: false,
      enableMemPattern: false,
    });
  } catch (err) {
    throw new FacegateError('VISION_MODEL_LOAD', `model ${label}: onnxruntime-web cannot load it: ${(err as Error).message}`, { cause: err });
  }
}
