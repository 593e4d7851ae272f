// The inference thread: builds its own backend and pipeline, then answers analyze requests in order.
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from './tf.ts';
import { getHeapStatistics } from 'node:v8';
import { createLogger, FacegateError } from '../core/index.ts';
import { createVisionPipeline, type VisionConfig, type VisionPipeline } from './pipeline.ts';
import type { LivenessModule } from './liveness.ts';

interface Data {
  config: VisionConfig;
  modelsDir?: string;
  livenessModule?: string;
  livenessOptions?: unknown;
  level?: string;
}
const data = workerData as Data;
const port = parentPort;
if (!port) throw new Error('worker.ts runs only as a worker thread');

function errorOf(err: unknown): { code: string; message: string } {
  if (err instanceof FacegateError) return { code: err.code, message: err.message };
  return { code: 'VISION_INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

let pipeline: VisionPipeline;
try {
  const log = createLogger({ level: (data.level ?? 'info') as 'info' }).child({ thread: 'vision' });
  pipeline = await createVisionPipeline(data.config, log, data.modelsDir ? { modelsDir: data.modelsDir } : {});
  if (data.livenessModule) {
    const mod = (await import(data.livenessModule)) as LivenessModule;
    pipeline.setLiveness(await mod.createLivenessCheck(data.livenessOptions));
  }
  port.postMessage({ ready: true, backend: pipeline.backend, models: pipeline.models });
} catch (err) {
  port.postMessage({ ready: false, error: errorOf(err) });
  process.exit(1);
}

interface Request {
  id: number;
  kind: 'analyze' | 'analyzeImage' | 'configureLiveness' | 'stats' | 'close';
  payload: unknown;
}

port.on('message', (req: Request) => {
  void (async () => {
    try {
      let result: unknown = null;
      if (req.kind === 'analyze') result = await pipeline.analyze(req.payload as Parameters<VisionPipeline['analyze']>[0]);
      else if (req.kind === 'analyzeImage') result = await pipeline.analyzeImage(req.payload as Uint8Array);
      else if (req.kind === 'configureLiveness') await pipeline.configureLiveness(req.payload);
      else if (req.kind === 'stats') {
        const mem = tf.memory();
        result = { numTensors: mem.numTensors, numBytes: mem.numBytes, heapUsed: getHeapStatistics().used_heap_size };
      } else if (req.kind === 'close') await pipeline.close();
      port.postMessage({ id: req.id, ok: true, result });
    } catch (err) {
      port.postMessage({ id: req.id, ok: false, error: errorOf(err) });
    }
  })();
});
