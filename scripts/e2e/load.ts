// Load on the admin API while the camera pipeline runs: the real daemon as a child process with a
// looping replay camera (faces coming and going), an API token made through first-run setup, then
// autocannon (loopback only, bounded) on GET /api/status and GET /api/events.
import { join } from 'node:path';
import { facegateEnv, launchFacegate, runFacegate } from '../lib/facegate-process.ts';
import { adminLoad, viewerToken } from './admin-client.ts';
import { buildScenario, ENROLL_DIR } from './scenario.ts';
import { SOAK_STEPS } from './soak.ts';

export interface LoadResult {
  requestsPerS: number;
  total: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Decisions (public events) seen while the load ran, and before it for the same length of time. */
  decisionsDuringLoad: Record<string, number>;
  decisionsBefore: Record<string, number>;
  /** "face in view" → unlock, ms, for the grants before and during the load. */
  grantLatencyBeforeMs: number[];
  grantLatencyDuringMs: number[];
}

interface LogLine {
  time?: string;
  msg?: string;
  [k: string]: unknown;
}

export async function runLoad(opts: { workDir: string; connections: number; seconds: number; log?: (line: string) => void }): Promise<LoadResult> {
  const say = opts.log ?? (() => undefined);
  const scenario = await buildScenario(join(opts.workDir, 'frames'), SOAK_STEPS);
  const dataDir = join(opts.workDir, 'data');
  const env = facegateEnv({
    FACEGATE_DAEMON__DATA_DIR: dataDir,
    FACEGATE_CAMERA__SOURCE: 'replay',
    FACEGATE_CAMERA__REPLAY__PATH: scenario.dir,
    FACEGATE_CAMERA__REPLAY__LOOP: 'true',
    FACEGATE_ADMIN__PORT: '0',
    FACEGATE_MQTT__EMBEDDED_PORT: '0',
    FACEGATE_ACCESS__LOCKOUT_ATTEMPTS: '100',
    // 200 clients on one address would hit the default 600 requests/min per client at once: the
    // limiter is raised to its maximum, so the figures are the server's, not the limiter's.
    FACEGATE_ADMIN__RATE_LIMIT_PER_MIN: '100000',
  });
  const enrolled = await runFacegate(['enroll', ENROLL_DIR, '--name', 'Load Person'], { env, stdout: 'ignore' });
  if (enrolled.code !== 0) throw new Error(`enrollment failed (${enrolled.code}): ${enrolled.stderr.slice(-2000)}`);

  // Launched as the systemd unit launches it, so the load measures the daemon as shipped.
  const p = launchFacegate(['run'], { env, stdout: 'ignore' });
  const logs = p.logs as LogLine[];
  const waitLog = (msg: string, ms = 120_000): Promise<LogLine> => p.waitForLog((l) => l.msg === msg, ms) as Promise<LogLine>;
  try {
    const base = String((await waitLog('admin panel listening')).address);
    await waitLog('vision pipeline ready');
    const token = await viewerToken(base, dataDir);

    for (const path of ['/api/status', '/api/events?limit=50']) {
      const t = performance.now();
      const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
      say(`GET ${path}: ${res.status} in ${(performance.now() - t).toFixed(0)} ms (${(await res.text()).length} bytes)`);
    }
    // The same length of time without load first, for comparison.
    const decisionsBetween = async (from: number, to: number): Promise<Record<string, number>> => {
      const res = await fetch(`${base}/api/events?limit=500`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { events: { event: { type: string; ts: string } }[] };
      const out: Record<string, number> = {};
      for (const { event: e } of body.events.filter((x) => Date.parse(x.event.ts) >= from && Date.parse(x.event.ts) < to))
        if (['access_granted', 'unknown_face', 'spoof_suspected', 'access_denied'].includes(e.type)) out[e.type] = (out[e.type] ?? 0) + 1;
      return out;
    };
    const beforeStart = Date.now();
    say(`no load for ${opts.seconds} s …`);
    await new Promise((r) => setTimeout(r, opts.seconds * 1000));
    const loadStart = Date.now();
    say(`${opts.connections} clients for ${opts.seconds} s on /api/status and /api/events …`);
    const result = await adminLoad(base, token, opts.connections, opts.seconds);
    const loadEnd = Date.now();
    await new Promise((r) => setTimeout(r, 1000));
    const latencies = (from: number, to: number): number[] => {
      const out: number[] = [];
      let seen: number | null = null;
      for (const l of logs) {
        const t = Date.parse(String(l.time));
        if (l.msg === 'face in view') seen = Date.parse(String(l.capturedAt));
        if (l.msg === 'unlocked' && seen !== null && t >= from && t <= to) {
          out.push(t - seen);
          seen = null;
        }
      }
      return out;
    };
    return {
      requestsPerS: result.requests.average,
      total: result.requests.total,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      maxMs: result.latency.max,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      decisionsBefore: await decisionsBetween(beforeStart, loadStart),
      decisionsDuringLoad: await decisionsBetween(loadStart, loadEnd),
      grantLatencyBeforeMs: latencies(beforeStart, loadStart),
      grantLatencyDuringMs: latencies(loadStart, loadEnd),
    };
  } finally {
    p.child.kill('SIGTERM');
    await p.exited;
  }
}
