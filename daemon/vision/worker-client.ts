// Runs a vision pipeline in a worker thread, so inference never blocks the daemon's event loop.
// core/worker-boot.mjs starts the worker: the compiled worker.js from dist/, or worker.ts with tsx's
// loader registered inside the new thread first (whatever the working directory).
import { Worker } from 'node:worker_threads';
import { WORKER_YOUNG_GENERATION_MB, type Frame, type FrameAnalysis, type Logger } from '../core/index.ts';
import { FacegateError, moduleUrl } from '../core/index.ts';
import type { Config } from '../config/index.ts';
import type { BackendInfo } from './backend-info.ts';

type VisionConfig = Config['vision'];

export interface VisionWorkerOptions {
  modelsDir?: string;
  /** URL of a module exporting createLivenessCheck() (see LivenessModule), imported inside the worker. */
  livenessModule?: string;
  /** Passed to createLivenessCheck() inside the worker (the operator's pad settings). */
  livenessOptions?: unknown;
}

/** The pipeline's face, seen from the main thread. */
export interface VisionWorker {
  readonly backend: BackendInfo;
  readonly models: Record<string, string>;
  analyze(frame: Frame): Promise<FrameAnalysis>;
  analyzeImage(bytes: Uint8Array): Promise<FrameAnalysis>;
  /** New settings for the liveness check (the door's PAD adaptation), as livenessOptions gave them at start. */
  configureLiveness(options: unknown): Promise<void>;
  /** Live tensors and backend memory inside the worker (a leak shows as growth; soak reads it). */
  stats(): Promise<VisionWorkerStats>;
  /** Resolves when the worker thread has ended (closed or crashed): the owner starts a new one. */
  readonly exited: Promise<void>;
  close(): Promise<void>;
}

export interface VisionWorkerStats {
  numTensors: number;
  numBytes: number;
  heapUsed: number;
}

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: { code: string; message: string } };
interface Ready {
  ready: true;
  backend: BackendInfo;
  models: Record<string, string>;
}
interface Failed {
  ready: false;
  error: { code: string; message: string };
}

export async function createVisionWorker(config: VisionConfig, log: Logger, opts: VisionWorkerOptions = {}): Promise<VisionWorker> {
  const worker = new Worker(new URL('../core/worker-boot.mjs', import.meta.url), {
    // A small young generation: each frame's typed arrays are freed at the next scavenge, and
    // with V8's default (48 MB) their native memory piled up to ~45 MB more RSS between them.
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    workerData: {
      entry: moduleUrl('./worker.ts', import.meta.url).href,
      config,
      modelsDir: opts.modelsDir,
      livenessModule: opts.livenessModule,
      livenessOptions: opts.livenessOptions,
      level: log.level,
    },
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let closed = false;

  const failAll = (err: Error): void => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };

  const hello = await new Promise<Ready>((resolve, reject) => {
    const onMessage = (m: Ready | Failed): void => {
      worker.off('error', onError);
      if (m.ready) resolve(m);
      else reject(new FacegateError(m.error.code, m.error.message));
    };
    const onError = (err: Error): void => reject(new FacegateError('VISION_WORKER', `vision worker failed to start: ${err.message}`, { cause: err }));
    worker.once('message', onMessage);
    worker.once('error', onError);
  }).catch(async (err: unknown) => {
    await worker.terminate();
    throw err;
  });

  worker.on('message', (m: Reply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.result);
    else p.reject(new FacegateError(m.error.code, m.error.message));
  });
  worker.on('error', (err) => {
    log.error({ err }, 'vision worker crashed');
    failAll(new FacegateError('VISION_WORKER', `vision worker crashed: ${err.message}`));
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('exit', (code) => {
    if (!closed) log.error({ code }, 'vision worker exited');
    closed = true;
    failAll(new FacegateError('VISION_WORKER', `vision worker exited (code ${code})`));
  });

  function call(kind: string, payload: unknown, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (closed) return Promise.reject(new FacegateError('VISION_WORKER', 'the vision worker is closed'));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, kind, payload }, transfer);
    });
  }

  return {
    backend: hello.backend,
    models: hello.models,
    analyze(frame) {
      // A copy goes over, so the caller keeps its frame (the camera may reuse or snapshot it); the
      // copy is transferred rather than cloned once more: a frame a tenth of a second adds up.
      const { jpeg: _jpeg, ...rest } = frame;
      const rgb = new Uint8Array(frame.rgb);
      return call('analyze', { ...rest, rgb }, [rgb.buffer]) as Promise<FrameAnalysis>;
    },
    analyzeImage(bytes) {
      const copy = new Uint8Array(bytes);
      return call('analyzeImage', copy, [copy.buffer]) as Promise<FrameAnalysis>;
    },
    async configureLiveness(options) {
      await call('configureLiveness', options);
    },
    stats() {
      return call('stats', null) as Promise<VisionWorkerStats>;
    },
    exited,
    async close() {
      if (closed) return;
      await call('close', null).catch(() => undefined);
      closed = true;
      await worker.terminate();
    },
  };
}
