// Start-up: how long `facegate run` takes from the spawn of node to 'facegate started' and to
// 'vision pipeline ready' (the models loaded in the vision worker), and its resident memory 5 s
// after that, for the TypeScript source through tsx and for the compiled build in dist/. Launched
// as the systemd unit launches it (MALLOC_ARENA_MAX=2, --max-semi-space-size=2), on an empty
// replayed scene; the runs of the two alternate. Runs `npm run build` first, so dist/ is current.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchPart } from './types.ts';
import { percentile } from '../eval/metrics.ts';
import { rssMb, withBenchDaemon } from './support/daemon.ts';
import { buildScenario } from '../e2e/scenario.ts';

const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 3);
const SETTLE_S = 5;
const CHECKOUT = fileURLToPath(new URL('../../', import.meta.url));

interface Startup {
  startedMs: number;
  readyMs: number;
  rssMb: number;
}

async function startOnce(compiled: boolean): Promise<Startup> {
  const frames = async (dir: string): Promise<string> => (await buildScenario(join(dir, 'frames'), [{ segment: 'empty', frames: 20 }])).dir;
  return withBenchDaemon({ name: 'startup', frames, env: { FACEGATE_DIST: compiled ? '1' : '0' } }, async (daemon) => {
    const started = await daemon.waitFor('facegate started');
    if (started.line.compiled !== compiled)
      throw new Error(`asked for ${compiled ? 'dist/' : 'the source'}, the daemon ran compiled: ${String(started.line.compiled)}`);
    const ready = await daemon.waitFor('vision pipeline ready');
    await daemon.sleep(SETTLE_S);
    daemon.assertRunning();
    return { startedMs: started.ms, readyMs: ready.ms, rssMb: rssMb(daemon.pid) };
  });
}

const part: BenchPart = {
  name: 'startup',
  async run(log) {
    const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: CHECKOUT, stdio: ['ignore', 'ignore', 'inherit'] });
    if (build.status !== 0) throw new Error(`npm run build failed (${build.status})`);
    const runs: Record<'tsx' | 'dist', Startup[]> = { tsx: [], dist: [] };
    for (let i = 0; i < RUNS; i++) {
      for (const kind of ['tsx', 'dist'] as const) {
        const r = await startOnce(kind === 'dist');
        log(`startup: ${kind} run ${i + 1}: started ${r.startedMs.toFixed(0)} ms, vision ready ${r.readyMs.toFixed(0)} ms, RSS ${r.rssMb.toFixed(0)} MB`);
        runs[kind].push(r);
      }
    }
    const out: Record<string, number> = {};
    for (const kind of ['tsx', 'dist'] as const) {
      const p50 = (f: (s: Startup) => number): number => percentile(runs[kind].map(f), 50);
      out[`startup.${kind}.started_ms.p50`] = p50((s) => s.startedMs);
      out[`startup.${kind}.vision_ready_ms.p50`] = p50((s) => s.readyMs);
      out[`startup.${kind}.rss_mb.p50`] = p50((s) => s.rssMb);
    }
    return out;
  },
};

export default part;
