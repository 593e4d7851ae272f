// Chooses the tfjs backend once per thread: native TensorFlow when @tensorflow/tfjs-node loads
// (an optional dependency whose install fails where libtensorflow cannot be fetched), else WASM.
import * as tf from './tf.ts';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FacegateError } from '../core/index.ts';
import type { BackendInfo, BackendPreference } from './backend-info.ts';

export type { BackendInfo, BackendPreference } from './backend-info.ts';

let chosen: Promise<BackendInfo> | null = null;

async function tryNative(): Promise<boolean> {
  // A variable specifier keeps bundlers and the type checker from requiring the optional package.
  const pkg = '@tensorflow/tfjs-node';
  try {
    await import(pkg);
    return await tf.setBackend('tensorflow');
  } catch {
    return false;
  }
}

async function useWasm(): Promise<BackendInfo> {
  const require = createRequire(import.meta.url);
  // The .wasm binaries sit beside the package's main file; never fetch them from a CDN.
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  setWasmPaths(`${join(dist, '/')}`);
  if (!(await tf.setBackend('wasm'))) throw new FacegateError('VISION_BACKEND', 'the WASM backend of tfjs failed to start');
  await tf.ready();
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  return { name: 'wasm', simd };
}

async function choose(pref: BackendPreference): Promise<BackendInfo> {
  if (pref !== 'wasm' && (await tryNative())) {
    await tf.ready();
    return { name: 'tensorflow', simd: false };
  }
  if (pref === 'tensorflow') {
    throw new FacegateError('VISION_BACKEND', 'vision.backend is "tensorflow" but @tensorflow/tfjs-node does not load here; use "auto" or "wasm"');
  }
  return useWasm();
}

/** Starts the backend (once per thread; later calls get the first result). */
export function initBackend(pref: BackendPreference = 'auto'): Promise<BackendInfo> {
  chosen ??= choose(pref).catch((err: unknown) => {
    chosen = null;
    throw err;
  });
  return chosen;
}
