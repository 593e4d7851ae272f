// Memory: resident memory of the whole daemon (`facegate run`, main thread + vision worker) with the
// default models loaded and a person in view at 10 fps, so every frame goes through detection,
// mesh, embedding and the attack check. Launched as the systemd unit launches it, and once more
// as a bare `node bin/facegate.js run` to show what the memory settings are worth.
import { join } from 'node:path';
import type { BenchPart } from './types.ts';
import { percentile } from '../eval/metrics.ts';
import { rssMb, withBenchDaemon } from './support/daemon.ts';
import { buildScenario } from '../e2e/scenario.ts';

/** Start-up, model loading and the first collections of start-up garbage are over by then here. */
const WARMUP_S = 60;
const MEASURE_S = 60;
const SAMPLE_S = 2;

async function daemonRss(tuned: boolean, log: (msg: string) => void): Promise<{ p50: number; max: number }> {
  // The person moves a little through the fixtures: the motion gate passes every frame.
  const frames = async (dir: string): Promise<string> => (await buildScenario(join(dir, 'frames'), [{ segment: 'person', frames: 60 }])).dir;
  return withBenchDaemon({ name: 'memory', frames, tuned }, async (daemon) => {
    await daemon.sleep(WARMUP_S);
    const samples: number[] = [];
    for (let t = 0; t < MEASURE_S; t += SAMPLE_S) {
      daemon.assertRunning();
      samples.push(rssMb(daemon.pid));
      await daemon.sleep(SAMPLE_S);
    }
    daemon.assertRunning();
    if (!daemon.saw('face in view')) throw new Error('the daemon never saw the face: the figure would not be the one asked for');
    const r = { p50: percentile(samples, 50), max: Math.max(...samples) };
    log(`memory: ${tuned ? 'as shipped' : 'bare node'}: RSS p50 ${r.p50.toFixed(0)} MB, max ${r.max.toFixed(0)} MB over ${MEASURE_S} s`);
    return r;
  });
}

const part: BenchPart = {
  name: 'memory',
  async run(log) {
    const shipped = await daemonRss(true, log);
    const bare = await daemonRss(false, log);
    return {
      'daemon.rss_mb.p50': shipped.p50,
      'daemon.rss_mb.max': shipped.max,
      'daemon.untuned_rss_mb.p50': bare.p50,
    };
  },
};

export default part;
