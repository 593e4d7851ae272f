// 1:N search over random normalized 512-d templates at 1,000 / 10,000 / 100,000 templates.
// Probes are noisy copies of enrolled templates (a known person at the door), so every
// search also checks that the quantized scan found the right template.
import type { BenchPart } from './types.ts';
import { Gallery } from '../../daemon/identity/index.ts';

const DIM = 512;
const SIZES = [1000, 10_000, 100_000];
const SEARCHES = 41;

function randomVector(): Float32Array {
  const v = new Float32Array(DIM);
  for (let i = 0; i < DIM; i++) v[i] = Math.random() * 2 - 1;
  return v;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

const part: BenchPart = {
  name: 'gallery',
  async run(log) {
    const out: Record<string, number> = {};
    const gallery = new Gallery(DIM);
    const kept: Float32Array[] = [];
    for (const n of SIZES) {
      while (gallery.size < n) {
        const v = randomVector();
        if (kept.length < 200) kept.push(v);
        gallery.add(`person-${gallery.size}`, `t-${gallery.size}`, v);
      }
      const times: number[] = [];
      let wrong = 0;
      for (let i = 0; i < SEARCHES; i++) {
        const target = i % kept.length;
        const probe = (kept[target] as Float32Array).map((x) => x + (Math.random() - 0.5) * 0.4);
        const t0 = performance.now();
        const hit = gallery.search(probe);
        times.push(performance.now() - t0);
        if (hit.personId !== `person-${target}`) wrong += 1;
      }
      times.sort((a, b) => a - b);
      out[`gallery.search_ms.n${n}.p50`] = percentile(times, 0.5);
      out[`gallery.search_ms.n${n}.p90`] = percentile(times, 0.9);
      log(`gallery: n=${n} p50 ${percentile(times, 0.5).toFixed(2)} ms, ${wrong} wrong of ${SEARCHES}`);
      if (wrong > 0) throw new Error(`gallery bench: the search missed ${wrong} known probes at n=${n}`);
    }
    out['gallery.bytes_per_template'] = gallery.bytesPerTemplate();
    return out;
  },
};

export default part;
