// npm run soak -- [--minutes N] [--warmup S] [--sample S] [--png FILE] [--json]
// The daemon with a looping replay camera at 10 fps (faces coming and going) for N minutes:
// RSS, heaps, tensor count, event-loop lag and CPU sampled over time, least-squares slopes after
// warm-up, and the curves as a small PNG (default docs/figures/soak.png).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { plotSoak, runSoak } from './e2e/soak.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '60' },
    sample: { type: 'string', default: '5' },
    png: { type: 'string', default: 'docs/figures/soak.png' },
    json: { type: 'boolean', default: false },
  },
});
const minutes = Number(values.minutes),
  warmupS = Number(values.warmup),
  sampleS = Number(values.sample);
if (!(minutes > 0) || !(warmupS >= 0) || !(sampleS > 0) || warmupS >= minutes * 60) {
  process.stderr.write('usage: npm run soak -- --minutes N (> 0) [--warmup S (< N minutes)] [--sample S (> 0)] [--png FILE] [--json]\n');
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), 'facegate-soak-'));
const out = (line: string) => {
  if (!values.json) process.stdout.write(`${line}\n`);
};
out(`soak: ${minutes} min, warm-up ${warmupS} s, a sample every ${sampleS} s`);
out('     t   rss MB  heap MB  worker MB  tensors  lag p99 ms  cpu %  analysed  skipped  decisions');
try {
  const result = await runSoak({
    workDir: work,
    seconds: minutes * 60,
    warmupS,
    sampleS,
    onSample: (s) =>
      out(
        `${s.t.toFixed(0).padStart(6)} ${s.rssMb.toFixed(0).padStart(8)} ${s.heapMb.toFixed(1).padStart(8)} ${(s.workerHeapMb?.toFixed(1) ?? '-').padStart(10)} ${String(s.tensors ?? '-').padStart(8)} ${s.lagP99Ms.toFixed(1).padStart(11)} ${s.cpuPct.toFixed(0).padStart(6)} ${String(s.analysed).padStart(9)} ${String(s.skipped).padStart(8)} ${String(s.decisions).padStart(10)}`,
      ),
  });
  await plotSoak(result, values.png);
  const last = result.samples.at(-1);
  const summary = {
    'soak.minutes': minutes,
    'soak.rss_mb_per_min': result.slopes.rssMbPerMin,
    'soak.heap_mb_per_min': result.slopes.heapMbPerMin,
    'soak.worker_heap_mb_per_min': result.slopes.workerHeapMbPerMin,
    'soak.tensors_per_min': result.slopes.tensorsPerMin,
    'soak.rss_mb.last': last?.rssMb ?? null,
    'soak.tensors.last': last?.tensors ?? null,
    'soak.lag_p99_ms.max': Math.max(...result.samples.map((s) => s.lagP99Ms)),
    'soak.cpu_pct.mean': result.samples.reduce((a, s) => a + s.cpuPct, 0) / Math.max(1, result.samples.length),
    'soak.frames_analysed': last?.analysed ?? 0,
    'soak.frames_skipped': last?.skipped ?? 0,
    'soak.decisions': last?.decisions ?? 0,
  };
  if (values.json) process.stdout.write(`${JSON.stringify({ ...summary, events: result.events })}\n`);
  else {
    out(
      `slopes after warm-up: RSS ${summary['soak.rss_mb_per_min'].toFixed(2)} MB/min, heap ${summary['soak.heap_mb_per_min'].toFixed(2)} MB/min, worker heap ${summary['soak.worker_heap_mb_per_min'].toFixed(2)} MB/min, tensors ${summary['soak.tensors_per_min'].toFixed(2)}/min`,
    );
    out(`events: ${JSON.stringify(result.events)}`);
    out(`plot: ${values.png}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
