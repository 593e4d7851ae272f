// Float against int8 per ONNX model with a derived int8 copy, on real inputs (aligned face crops
// from lfw-dev photos made by the float pipeline), in one run: file sizes and the model's own
// time on 1 and 2 onnxruntime-web threads. Keys: quant.<model>.{bytes_float,bytes_int8},
// quant.<model>.threads<N>.{float_ms_p50,float_ms_p90,int8_ms_p50,int8_ms_p90,speedup}, and the
// same without threads<N> at the daemon's thread count (vision.embedder.threads); also
// {float,int8}_cpu_ms_p50 and cpu_speedup: CPU time a run, which a shared machine's queue does not inflate.
// BENCH_QUANT_IMAGES (default 12) photos, BENCH_QUANT_ROUNDS (default 5) passes over them.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { embeddedDefaults } from '../../daemon/config/index.ts';
import { createLogger } from '../../daemon/core/index.ts';
import { MODELS_DIR, embedderInputs, readManifest, readModelFile } from '../../daemon/vision/index.ts';
import { percentile } from '../eval/metrics.ts';
import type { BenchPart } from './types.ts';

function timeInWorker(job: object): Promise<{ float: number[]; int8: number[]; floatCpu: number[]; int8Cpu: number[] }> {
  return new Promise((done, fail) => {
    // worker-boot registers tsx's loader in the worker first (Node 20 does not pass it on).
    const w = new Worker(new URL('../../daemon/core/worker-boot.mjs', import.meta.url), {
      workerData: { ...job, entry: new URL('./support/quant-timer.ts', import.meta.url).href },
    });
    w.once('message', done);
    w.once('error', fail);
  });
}

/** The first photo of each of the first `n` people of a folder in LFW's layout. */
function photos(dir: string, n: number): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .slice(0, n)
    .map((p) => join(dir, p, readdirSync(join(dir, p)).sort()[0]!));
}

const part: BenchPart = {
  name: 'quant',
  async run(log) {
    const manifest = readManifest();
    const vision = embeddedDefaults().vision;
    const daemonThreads = vision.embedder.threads;
    const images = photos(resolve(MODELS_DIR, '../../shared/data/lfw-dev'), Number(process.env.BENCH_QUANT_IMAGES ?? 12));
    const rounds = Number(process.env.BENCH_QUANT_ROUNDS ?? 5);
    const out: Record<string, number> = {};
    for (const [name, entry] of Object.entries(manifest.models)) {
      if (entry.format !== 'onnx' || !entry.variants?.int8) continue;
      if (entry.role !== 'embedder') continue; // the crops below are the embedder's input
      const { inputs } = await embedderInputs(
        images,
        { ...vision, variant: 'float16', embedder: { ...vision.embedder, model: name as typeof vision.embedder.model } },
        createLogger({ level: 'warn' }),
        manifest,
      );
      const float = readModelFile(name, manifest, MODELS_DIR, 'float32').bytes;
      const int8 = readModelFile(name, manifest, MODELS_DIR, 'int8').bytes;
      out[`quant.${name}.bytes_float`] = float.length;
      out[`quant.${name}.bytes_int8`] = int8.length;
      for (const threads of [1, 2]) {
        const t = await timeInWorker({ threads, float, int8, inputs, rounds });
        const k = `quant.${name}.threads${threads}`;
        const f50 = percentile(t.float, 50);
        const q50 = percentile(t.int8, 50);
        Object.assign(out, {
          [`${k}.float_ms_p50`]: f50,
          [`${k}.float_ms_p90`]: percentile(t.float, 90),
          [`${k}.int8_ms_p50`]: q50,
          [`${k}.int8_ms_p90`]: percentile(t.int8, 90),
          [`${k}.speedup`]: f50 / q50,
          [`${k}.float_cpu_ms_p50`]: percentile(t.floatCpu, 50),
          [`${k}.int8_cpu_ms_p50`]: percentile(t.int8Cpu, 50),
          [`${k}.cpu_speedup`]: percentile(t.floatCpu, 50) / percentile(t.int8Cpu, 50),
        });
        log(`quant: ${name} on ${threads} thread(s): float p50 ${f50.toFixed(1)} ms, int8 ${q50.toFixed(1)} ms (${inputs.length} crops × ${rounds})`);
      }
      for (const key of ['float_ms_p50', 'float_ms_p90', 'int8_ms_p50', 'int8_ms_p90', 'speedup', 'float_cpu_ms_p50', 'int8_cpu_ms_p50', 'cpu_speedup'])
        out[`quant.${name}.${key}`] = out[`quant.${name}.threads${daemonThreads}.${key}`]!;
    }
    return out;
  },
};
export default part;
