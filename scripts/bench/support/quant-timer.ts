// A worker thread of `npm run bench -- --only quant`: onnxruntime-web fixes its thread count when
// its WASM starts, once per thread, so each thread count is timed in a worker of its own. Float and
// int8 sessions take turns input by input, so that the machine's load weighs on both alike.
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-web';
import { openOnnxBytes } from '../../../daemon/vision/onnx-session.ts';

interface Job {
  threads: number;
  float: Uint8Array;
  int8: Uint8Array;
  inputs: { data: Float32Array; dims: number[] }[];
  rounds: number;
}

const job = workerData as Job;
const float = await openOnnxBytes(job.float, 'float', job.threads);
const int8 = await openOnnxBytes(job.int8, 'int8', job.threads);
// Wall time, and CPU time of the process (the parent thread waits meanwhile): on a machine shared
// with other work the CPU time shows the model's cost where the wall time shows the queue too.
const times = { float: [] as number[], int8: [] as number[], floatCpu: [] as number[], int8Cpu: [] as number[] };
const run = async (s: ort.InferenceSession, input: Job['inputs'][number], wall?: number[], cpu?: number[]): Promise<void> => {
  const c = process.cpuUsage();
  const t = performance.now();
  await s.run({ [s.inputNames[0]!]: new ort.Tensor('float32', input.data, input.dims) });
  wall?.push(performance.now() - t);
  const d = process.cpuUsage(c);
  cpu?.push((d.user + d.system) / 1000);
};
// One warm-up run each: the first run allocates.
await run(float, job.inputs[0]!);
await run(int8, job.inputs[0]!);
for (let r = 0; r < job.rounds; r++) {
  for (const input of job.inputs) {
    await run(float, input, times.float, times.floatCpu);
    await run(int8, input, times.int8, times.int8Cpu);
  }
}
await float.release();
await int8.release();
parentPort!.postMessage(times);
