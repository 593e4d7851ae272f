// PAD cost per face: the shipped single-frame check (gate, CNN crop and inference, fusion) on real NUAA frames with
// boxes from the daemon's detector (detection itself is not counted: the pipeline already ran it),
// and one multi-frame track update. Keys: pad.score_ms.{p50,p90}, pad.track_update_ms.p50, pad.threads.
// The CNN runs on as many onnxruntime threads as in the vision worker, where it shares the
// embedder's (vision.embedder.threads); BENCH_PAD_THREADS=1 times it as a single-core board runs it.
import { join, resolve } from 'node:path';
import { embeddedDefaults } from '../../daemon/config/index.ts';
import { MODELS_DIR } from '../../daemon/vision/index.ts';
import { PadScorer, PadTrack } from '../../daemon/vision/pad/index.ts';
import { createFaceFinder, readPadCsv } from '../pad/dataset.ts';
import { percentile } from '../eval/metrics.ts';
import type { BenchPart } from './types.ts';

const part: BenchPart = {
  name: 'pad',
  async run(log) {
    const dir = resolve(MODELS_DIR, '../../shared/data/nuaa-train');
    const rows = readPadCsv(dir).filter((_, i) => i % 10 === 0);
    const finder = await createFaceFinder();
    const threads = Number(process.env.BENCH_PAD_THREADS ?? embeddedDefaults().vision.embedder.threads);
    const scorer = await PadScorer.load({ threads });
    const faces = [];
    for (const row of rows) {
      const f = await finder.find(join(dir, row.relpath));
      if (f) faces.push(f);
    }
    log(`pad: ${faces.length} faces, onnxruntime on ${threads} thread${threads === 1 ? '' : 's'}`);
    const times: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      for (const f of faces) {
        const t = performance.now();
        await scorer.judge(f.image.data, f.image.width, f.image.height, f.box);
        times.push(performance.now() - t);
      }
    }
    const track = new PadTrack();
    const trackTimes: number[] = [];
    for (const [i, f] of faces.entries()) {
      const t = performance.now();
      track.add({ at: i, box: f.box, points: f.keypoints, mesh: null, frameScore: 0.6 });
      trackTimes.push(performance.now() - t);
    }
    scorer.close();
    return {
      'pad.score_ms.p50': percentile(times, 50),
      'pad.score_ms.p90': percentile(times, 90),
      'pad.track_update_ms.p50': percentile(trackTimes, 50),
      'pad.threads': threads,
    };
  },
};
export default part;
