// Decision latency: the whole daemon (`facegate run`, launched as the unit launches it) with an
// enrolled person walking into a replayed scene again and again; for each passage, the time from
// the capture of the first frame that shows the face to the lock output going open. This is the
// "opens fast" figure: it includes the motion gate noticing the change, the analysis of the
// frames identity needs (identity.vote_frames agreeing ones), the decision and the door.
import { join } from 'node:path';
import type { BenchPart } from './types.ts';
import { percentile } from '../eval/metrics.ts';
import { runFacegateCommand, withBenchDaemon } from './support/daemon.ts';
import { buildScenario, ENROLL_DIR, type Scenario, type ScenarioStep } from '../e2e/scenario.ts';
import { adminLoad as startAdminLoad, viewerToken, type CannonResult } from '../e2e/admin-client.ts';

const PASSAGES = Number(process.env.BENCH_DECISION_PASSAGES ?? 12);
/** Each passage: the person in view for 3 s, then nobody for 5 s (their track ends, the door relocks). */
const PASSAGE: ScenarioStep[] = [
  { segment: 'person', frames: 30 },
  { segment: 'empty', frames: 50 },
];
const FPS = 10;

/** Latencies (ms) of the passages that opened the door, and how many passages were seen. */
interface Phase {
  latencies: number[];
  seen: number;
}

const summary = (prefix: string, p: Phase): Record<string, number> => ({
  [`${prefix}.p50`]: percentile(p.latencies, 50),
  [`${prefix}.p90`]: percentile(p.latencies, 90),
  [`${prefix}.max`]: Math.max(...p.latencies),
});

const part: BenchPart = {
  name: 'decision',
  async run(log, { adminLoad }) {
    // A lead-in of nobody while the models load, then the passages (the folder loops).
    const steps: ScenarioStep[] = [{ segment: 'empty', frames: 50 }, ...Array.from({ length: 4 }, () => PASSAGE).flat()];
    let scenario: Scenario | null = null;
    const frames = async (dir: string): Promise<string> => (scenario = await buildScenario(join(dir, 'frames'), steps, FPS)).dir;
    const idle: Phase = { latencies: [], seen: 0 };
    const loaded: Phase = { latencies: [], seen: 0 };
    let served: CannonResult | null = null;
    const tail = await withBenchDaemon(
      {
        name: 'decision',
        frames,
        config: {
          // The same person coming back every 8 s is not an attack here: no lockout.
          access: { lockout_attempts: 100 },
          // Under load the clients share one address: the per-client limiter is raised to its
          // maximum, so the figure is the server's, not the limiter's (as in npm run load:admin).
          ...(adminLoad === null ? {} : { admin: { rate_limit_per_min: 100_000 } }),
        },
        beforeStart: (config) => runFacegateCommand(['enroll', ENROLL_DIR, '--name', 'Bench Person', '--config', config]),
      },
      async (daemon) => {
        const { frames: total, starts } = scenario!;
        const personStarts = starts.filter((s) => s.segment === 'person').map((s) => s.frame);
        // The first passage is the warm-up (the first inferences compile kernels): it does not count.
        let faces = 0;
        let scanned = 0;
        let pending: { startAt: number; phase: Phase } | null = null;
        let load: ReturnType<typeof startAdminLoad> | null = null;
        let phase = idle;
        const phases = adminLoad === null ? 1 : 2;
        const deadline = Date.now() + (60 + (phases * PASSAGES + 2) * 8 * 1.5) * 1000;
        try {
          while (Date.now() < deadline) {
            if (phase.latencies.length >= PASSAGES && pending === null) {
              if (phase === loaded || adminLoad === null) break;
              // The idle half is done: the admin clients start, and the same number of passages is measured under them.
              const base = String(daemon.logs.find((l) => l.msg === 'admin panel listening')?.address);
              load = startAdminLoad(base, await viewerToken(base, daemon.dataDir), adminLoad, 3600);
              log(`decision: ${adminLoad} admin clients started`);
              phase = loaded;
            }
            await daemon.sleep(1);
            daemon.assertRunning();
            for (; scanned < daemon.logs.length; scanned++) {
              const l = daemon.logs[scanned]!;
              if (l.msg === 'face in view') {
                const seq = Number(l.frameSeq);
                const index = (seq - 1) % total;
                const start = personStarts.find((s) => index >= s && index < s + PASSAGE[0]!.frames);
                if (start === undefined || faces++ === 0) continue;
                // The first frame showing the face was captured (index - start) frames before this one.
                pending = { startAt: Date.parse(String(l.capturedAt)) - ((index - start) * 1000) / FPS, phase };
                phase.seen++;
              } else if (l.msg === 'GPIO line' && pending) {
                const g = l.gpio as { at: string; line: string; level: number };
                if (g.line.endsWith('.lock') && g.level === 1) {
                  pending.phase.latencies.push(Date.parse(g.at) - pending.startAt);
                  pending = null;
                }
              }
            }
          }
        } finally {
          if (load) {
            load.stop();
            served = await load;
          }
        }
        return daemon.stderr();
      },
    );
    /** A phase's figures under `prefix`, once it is logged; no passage opened at all is a failed bench. */
    const report = (label: string, prefix: string, p: Phase, opened: string): Record<string, number> => {
      if (p.latencies.length === 0) throw new Error(`${label}no passage opened the door (${p.seen} seen): ${tail.slice(-1500)}`);
      log(`${label}${p.latencies.length} of ${p.seen} passages opened the door; latency ms ${p.latencies.map((x) => x.toFixed(0)).join(', ')}`);
      return { ...summary(prefix, p), [opened]: p.latencies.length / p.seen };
    };
    const out = report('decision: ', 'door.decision_latency_ms', idle, 'door.passages_opened_ratio');
    if (adminLoad === null) return out;
    const underLoad = report(
      `decision under ${adminLoad} admin clients: `,
      'door.decision_latency_under_load_ms',
      loaded,
      'door.passages_opened_under_load_ratio',
    );
    const s = served as CannonResult | null;
    return {
      ...out,
      ...underLoad,
      'door.decision_p50_load_over_idle': underLoad['door.decision_latency_under_load_ms.p50']! / out['door.decision_latency_ms.p50']!,
      'admin.load.clients': adminLoad,
      'admin.load.requests_per_s': s?.requests.average ?? 0,
      'admin.load.2xx': s?.['2xx'] ?? 0,
      'admin.load.non_2xx': s?.non2xx ?? 0,
      'admin.load.latency_ms.p50': s?.latency.p50 ?? 0,
    };
  },
};

export default part;
