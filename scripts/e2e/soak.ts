// The soak run: the daemon in this process (so its memory, tensors, event loop and CPU can be
// sampled directly) with a looping replay camera at 10 fps where faces come and go.
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import sharp from 'sharp';
import { startDaemon } from '../../daemon/main.ts';
import { facegateEnv, runFacegate } from '../lib/facegate-process.ts';
import { buildScenario, ENROLL_DIR, type ScenarioStep } from './scenario.ts';

export interface SoakSample {
  /** Seconds since the start of the run. */
  t: number;
  rssMb: number;
  heapMb: number;
  workerHeapMb: number | null;
  tensors: number | null;
  /** Event-loop delay over the sample period, ms. */
  lagP99Ms: number;
  lagMaxMs: number;
  /** CPU of the whole process (all threads) over the sample period, % of one core. */
  cpuPct: number;
  analysed: number;
  skipped: number;
  decisions: number;
}

export interface SoakResult {
  samples: SoakSample[];
  warmupS: number;
  /** Least-squares slopes after warm-up, per minute. */
  slopes: { rssMbPerMin: number; heapMbPerMin: number; workerHeapMbPerMin: number; tensorsPerMin: number };
  events: Record<string, number>;
}

/** Faces come and go: the enrolled person, a stranger and a printed photo, with empty scenes between (one loop = 18 s). */
export const SOAK_STEPS: ScenarioStep[] = [
  { segment: 'person', frames: 30 },
  { segment: 'empty', frames: 30 },
  { segment: 'unknown', frames: 30 },
  { segment: 'empty', frames: 30 },
  { segment: 'spoof', frames: 30 },
  { segment: 'empty', frames: 30 },
];

/** Least-squares slope of y over x. */
export function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0,
    den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

async function enroll(env: NodeJS.ProcessEnv): Promise<void> {
  const r = await runFacegate(['enroll', ENROLL_DIR, '--name', 'Soak Person'], { env, stdout: 'ignore' });
  if (r.code !== 0) throw new Error(`enrollment failed (${r.code}): ${r.stderr.slice(-2000)}`);
}

export async function runSoak(opts: {
  workDir: string;
  seconds: number;
  warmupS: number;
  sampleS: number;
  onSample?: (s: SoakSample) => void;
}): Promise<SoakResult> {
  const scenario = await buildScenario(join(opts.workDir, 'frames'), SOAK_STEPS);
  // The daemon runs in this process (npm run soak gives it the daemon's node flags) so it can be sampled directly.
  const env = facegateEnv({
    FACEGATE_DAEMON__DATA_DIR: join(opts.workDir, 'data'),
    FACEGATE_DAEMON__LOG_LEVEL: 'warn',
    FACEGATE_CAMERA__SOURCE: 'replay',
    FACEGATE_CAMERA__REPLAY__PATH: scenario.dir,
    FACEGATE_CAMERA__REPLAY__LOOP: 'true',
    FACEGATE_ADMIN__PORT: '0',
    FACEGATE_MQTT__EMBEDDED_PORT: '0',
    // The stranger and the photo come back every loop: no lockout, so every loop decides afresh.
    FACEGATE_ACCESS__LOCKOUT_ATTEMPTS: '100',
  });
  await enroll(env);
  const daemon = await startDaemon({ env });
  const events: Record<string, number> = {};
  let decisions = 0;
  daemon.bus.on('event', (e) => {
    events[e.type] = (events[e.type] ?? 0) + 1;
  });
  daemon.bus.on('decision', () => {
    decisions++;
  });
  const samples: SoakSample[] = [];
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const start = performance.now();
  let cpu = process.cpuUsage();
  let wall = performance.now();
  try {
    while (performance.now() - start < opts.seconds * 1000) {
      await new Promise((r) => setTimeout(r, opts.sampleS * 1000));
      const now = performance.now();
      const usage = process.cpuUsage(cpu);
      const stats = await daemon.visionStats().catch(() => null);
      const mem = process.memoryUsage();
      const a = daemon.analysis.stats();
      const s: SoakSample = {
        t: (now - start) / 1000,
        rssMb: mem.rss / 2 ** 20,
        heapMb: mem.heapUsed / 2 ** 20,
        workerHeapMb: stats ? stats.heapUsed / 2 ** 20 : null,
        tensors: stats ? stats.numTensors : null,
        lagP99Ms: lag.percentile(99) / 1e6,
        lagMaxMs: lag.max / 1e6,
        cpuPct: ((usage.user + usage.system) / 1000 / (now - wall)) * 100,
        analysed: a.analysed,
        skipped: a.skipped,
        decisions,
      };
      lag.reset();
      cpu = process.cpuUsage();
      wall = now;
      samples.push(s);
      opts.onSample?.(s);
    }
  } finally {
    lag.disable();
    await daemon.stop('soak finished');
  }
  const after = samples.filter((s) => s.t >= opts.warmupS);
  const fit = (pick: (s: SoakSample) => number | null): number => {
    const pts = after.filter((s) => pick(s) !== null);
    return slope(
      pts.map((s) => s.t / 60),
      pts.map((s) => pick(s)!),
    );
  };
  return {
    samples,
    warmupS: opts.warmupS,
    events,
    slopes: {
      rssMbPerMin: fit((s) => s.rssMb),
      heapMbPerMin: fit((s) => s.heapMb),
      workerHeapMbPerMin: fit((s) => s.workerHeapMb),
      tensorsPerMin: fit((s) => s.tensors),
    },
  };
}

/** A small PNG of the curves: four panels (RSS, heaps, tensors, event-loop lag p99 + CPU), warm-up shaded. */
export async function plotSoak(result: SoakResult, file: string): Promise<void> {
  const W = 800,
    H = 520,
    pad = 46,
    cols = 2,
    rows = 2;
  const pw = (W - pad * (cols + 1)) / cols,
    ph = (H - 40 - pad * (rows + 1)) / rows;
  const s = result.samples;
  const tMax = Math.max(1, ...s.map((x) => x.t));
  const panels: { title: string; series: { name: string; color: string; ys: (number | null)[] }[] }[] = [
    { title: 'RSS (MB)', series: [{ name: 'rss', color: '#1f77b4', ys: s.map((x) => x.rssMb) }] },
    {
      title: 'JS heap (MB)',
      series: [
        { name: 'main', color: '#2ca02c', ys: s.map((x) => x.heapMb) },
        { name: 'vision worker', color: '#ff7f0e', ys: s.map((x) => x.workerHeapMb) },
      ],
    },
    { title: 'tensors in the vision worker', series: [{ name: 'tensors', color: '#9467bd', ys: s.map((x) => x.tensors) }] },
    {
      title: 'event-loop lag p99 (ms) · CPU (% of a core)',
      series: [
        { name: 'lag p99', color: '#d62728', ys: s.map((x) => x.lagP99Ms) },
        { name: 'cpu %', color: '#7f7f7f', ys: s.map((x) => x.cpuPct) },
      ],
    },
  ];
  const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans, sans-serif" font-size="11"><rect width="100%" height="100%" fill="white"/>`;
  svg += `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">facegate soak: ${(tMax / 60).toFixed(1)} min, replay 10 fps, faces coming and going (warm-up shaded)</text>`;
  panels.forEach((p, i) => {
    const x0 = pad + (i % cols) * (pw + pad),
      y0 = 40 + pad + Math.floor(i / cols) * (ph + pad);
    const all = p.series.flatMap((se) => se.ys.filter((y): y is number => y !== null));
    let lo = Math.min(...all),
      hi = Math.max(...all);
    if (!Number.isFinite(lo)) {
      lo = 0;
      hi = 1;
    }
    if (hi - lo < 1e-9) {
      hi += 1;
      lo = Math.max(0, lo - 1);
    }
    lo = Math.max(0, lo - (hi - lo) * 0.1);
    hi += (hi - lo) * 0.1;
    const X = (t: number) => x0 + (t / tMax) * pw,
      Y = (v: number) => y0 + ph - ((v - lo) / (hi - lo)) * ph;
    svg += `<rect x="${x0}" y="${y0}" width="${X(result.warmupS) - x0}" height="${ph}" fill="#eee"/>`;
    svg += `<rect x="${x0}" y="${y0}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`;
    svg += `<text x="${x0}" y="${y0 - 6}" font-size="12">${esc(p.title)}</text>`;
    svg += `<text x="${x0 - 4}" y="${y0 + 10}" text-anchor="end">${hi.toFixed(hi < 10 ? 1 : 0)}</text><text x="${x0 - 4}" y="${y0 + ph}" text-anchor="end">${lo.toFixed(lo < 10 ? 1 : 0)}</text>`;
    svg += `<text x="${x0}" y="${y0 + ph + 14}">0</text><text x="${x0 + pw}" y="${y0 + ph + 14}" text-anchor="end">${(tMax / 60).toFixed(1)} min</text>`;
    p.series.forEach((se, k) => {
      const pts = se.ys.map((y, j) => (y === null ? null : `${X(s[j]!.t).toFixed(1)},${Y(y).toFixed(1)}`)).filter((v): v is string => v !== null);
      svg += `<polyline fill="none" stroke="${se.color}" stroke-width="1.5" points="${pts.join(' ')}"/>`;
      svg += `<text x="${x0 + pw - 4}" y="${y0 + 14 + k * 13}" text-anchor="end" fill="${se.color}">${esc(se.name)}</text>`;
    });
  });
  svg += '</svg>';
  await sharp(Buffer.from(svg)).png({ compressionLevel: 9, palette: true }).toFile(file);
}
