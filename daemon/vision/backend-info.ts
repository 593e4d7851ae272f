// What the worker reports of its inference backend; types only, so the main thread can name them
// without loading TensorFlow.js.
export type BackendPreference = 'auto' | 'tensorflow' | 'wasm';

export interface BackendInfo {
  /** tfjs backend name: "tensorflow" or "wasm". */
  name: string;
  /** Whether WASM SIMD is on (false for the native backend). */
  simd: boolean;
}
