// Runs fitAdaptation in its own worker thread (adapt-worker.ts) and resolves with its outcome.
import { Worker } from 'node:worker_threads';
import { FacegateError, moduleUrl } from '../../core/index.ts';
import type { AdaptFrame, AdaptOptions, AdaptOutcome } from './adapt-fit.ts';
import { padModelVersions } from './adaptation.ts';
import { loadFusionModel } from './fusion.ts';
import { loadPadModel, type PadSecurityLevel } from './model.ts';

/** The fit's settings from the installed shipped files (read on the main thread: no model is run). */
export function shippedAdaptOptions(level: PadSecurityLevel, camera: string, modelsDir: string, now = new Date()): AdaptOptions {
  return {
    level,
    shippedThresholds: { ...loadFusionModel(modelsDir).operatingPoints },
    features: loadPadModel(modelsDir).features,
    models: padModelVersions(modelsDir),
    camera,
    now,
  };
}

export function fitAdaptationInThread(frames: AdaptFrame[], options: AdaptOptions): Promise<AdaptOutcome> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('../../core/worker-boot.mjs', import.meta.url), {
      workerData: { entry: moduleUrl('./adapt-worker.ts', import.meta.url).href, frames, options },
    });
    let settled = false;
    worker.once('message', (m: { ok: true; outcome: AdaptOutcome } | { ok: false; message: string }) => {
      settled = true;
      if (m.ok) resolve(m.outcome);
      else reject(new FacegateError('PAD_ADAPT_FIT', `the PAD adaptation could not be fitted: ${m.message}`));
    });
    worker.once('error', (err) => {
      settled = true;
      reject(new FacegateError('PAD_ADAPT_FIT', `the PAD adaptation thread failed: ${err.message}`, { cause: err }));
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new FacegateError('PAD_ADAPT_FIT', `the PAD adaptation thread exited (code ${code}) before it answered`));
    });
  });
}
