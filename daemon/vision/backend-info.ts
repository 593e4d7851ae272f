// What the worker reports of its inference backend; types only, so the main thread can name them
// without loading TensorFlow.js.
export type BackendPreference = 'auto' | 'tensorflow' | 'wasm';

export interface BackendInfo {
  /** tfjs backend name: "tensorflow" or "wasm". */
  name: string;
  /** Whether WASM SIMD is on (false for the native backend). */
  simd: boolean;
  /** The second runtime, when a model runs outside tfjs: e.g. "onnxruntime-web 1.30.0 wasm+simd". */
  onnx?: string | null;
}

/** One line for logs and the status page: the tfjs backend, and onnxruntime when a model uses it. */
export function describeBackend(b: BackendInfo): string {
  return `${b.name}${b.simd ? '+simd' : ''}${b.onnx ? ` + ${b.onnx}` : ''}`;
}
