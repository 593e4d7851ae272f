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

const PASSAGES = Number(process.env.BENCH_DECISION_PASSAGES ?? 12);
/** Each passage: the person in view for 3 s, then nobody for 5 s (their track ends, the door relocks). */
const PASSAGE: ScenarioStep[] = [{ segment: 'person', frames: 30 }, { segment: 'empty', frames: 50 }];
const FPS = 10;

const part: BenchPart = {
  name: 'decision',
  async run(log) {
    // A lead-in of nobody while the models load, then the passages (the folder loops).
    const steps: ScenarioStep[] = [{ segment: 'empty', frames: 50 }, ...Array.from({ length: 4 }, () => PASSAGE).flat()];
    let scenario: Scenario | null = null;
    const frames = async (dir: string): Promise<string> => (scenario = await buildScenario(join(dir, 'frames'), steps, FPS)).dir;
    const latencies: number[] = [];
    let passagesSeen = 0;
    const tail = await withBenchDaemon({
      name: 'decision',
      frames,
      // The same person coming back every 8 s is not an attack here: no lockout.
      config: { access: { lockout_attempts: 100 } },
      beforeStart: (config) => runFacegateCommand(['enroll', ENROLL_DIR, '--name', 'Bench Person', '--config', config]),
    }, async (daemon) => {
      const { frames: total, starts } = scenario!;
      const personStarts = starts.filter((s) => s.segment === 'person').map((s) => s.frame);
      // The first passage is the warm-up (the first inferences compile kernels): it does not count.
      let faces = 0;
      let scanned = 0;
      let pending: { startAt: number } | null = null;
      const deadline = Date.now() + (60 + (PASSAGES + 2) * 8 * 1.5) * 1000;
      while (latencies.length < PASSAGES && Date.now() < deadline) {
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
            pending = { startAt: Date.parse(String(l.capturedAt)) - ((index - start) * 1000) / FPS };
            passagesSeen++;
          } else if (l.msg === 'GPIO line' && pending) {
            const g = l.gpio as { at: string; line: string; level: number };
            if (g.line.endsWith('.lock') && g.level === 1) {
              latencies.push(Date.parse(g.at) - pending.startAt);
              pending = null;
            }
          }
        }
      }
      return daemon.stderr();
    });
    if (latencies.length === 0) throw new Error(`no passage opened the door (${passagesSeen} seen): ${tail.slice(-1500)}`);
    log(`decision: ${latencies.length} of ${passagesSeen} passages opened the door; latency ms ${latencies.map((x) => x.toFixed(0)).join(', ')}`);
    return {
      'door.decision_latency_ms.p50': percentile(latencies, 50),
      'door.decision_latency_ms.p90': percentile(latencies, 90),
      'door.decision_latency_ms.max': Math.max(...latencies),
      'door.passages_opened_ratio': latencies.length / passagesSeen,
    };
  },
};

export default part;
