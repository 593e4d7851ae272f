// The PAD self-test wizard's API (issue 16 item 4): real HTTP routes on vision's real SelftestRuns,
// faces arriving on the real bus, phases timed by a test clock. Admin only, audited, numbers only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BusEvents, EventBus, FaceObservation, FrameAnalysis } from '../../../daemon/core/index.ts';
import { padSelftestService } from '../../../daemon/admin/index.ts';
import { createSelftests, selftestStateJson } from '../../../daemon/vision/pad/selftest-run.ts';
import { adminHarness, setUpAdmin, type AdminHarness } from '../../support/admin.ts';
import { FakeClock } from '../../fakes/clock.ts';

const thresholds = { convenience: 0.3, balanced: 0.5, strict: 0.7 } as const;

function face(raw: number): FaceObservation {
  return {
    box: { x: 10, y: 10, width: 120, height: 120 },
    detectionScore: 0.9,
    landmarks5: [],
    mesh: null,
    embedding: new Float32Array(4),
    quality: { ok: true, reasons: [], sharpness: 100, yaw: 0, pitch: 0, size: 120 },
    liveness: raw,
    livenessRaw: raw,
    attributes: null,
  } as unknown as FaceObservation;
}

interface Wizard {
  h: AdminHarness;
  clock: FakeClock;
  headers: Record<string, string>;
  /** Frames the self-test asked the pipeline for. */
  wanted: () => number;
  show: (raw: number) => void;
}

async function wizard(options: { camera?: boolean; padEnabled?: boolean } = {}): Promise<Wizard> {
  const clock = new FakeClock('2026-12-05T10:00:00Z');
  let wanted = 0;
  let bus: EventBus<BusEvents> | undefined;
  const h = await adminHarness(undefined, {
    clock,
    padSelftest: (b) => {
      bus = b;
      const runs = createSelftests({
        bus: b,
        clock,
        pad: { enabled: options.padEnabled ?? true, security_level: 'balanced' },
        camera: options.camera ?? true,
        wantFrame: () => {
          wanted++;
        },
        thresholds: () => ({ ...thresholds }),
      });
      return padSelftestService(runs, selftestStateJson);
    },
  });
  const headers = await setUpAdmin(h);
  let seq = 0;
  const show = (raw: number) => {
    const a: FrameAnalysis = {
      frameSeq: seq++,
      capturedAt: clock.now(),
      capturedMono: clock.monotonic(),
      analysedAt: clock.now(),
      width: 640,
      height: 480,
      faces: [face(raw)],
      timings: {},
    };
    bus?.emit('analysis', a);
  };
  return { h, clock, headers, wanted: () => wanted, show };
}

const call = (w: Wizard, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, headers = w.headers) =>
  w.h.server.app.inject({ method, url, headers, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });

test('a whole run over HTTP: start, each phase with its frames, and the report with a recommended level', async () => {
  const w = await wizard();
  assert.equal((await call(w, 'GET', '/api/pad/selftest')).statusCode, 404, 'no run before the first start');

  const started = await call(w, 'POST', '/api/pad/selftest', { seconds: 3, attacks: ['print'] });
  assert.equal(started.statusCode, 200, started.body);
  const first = started.json() as Record<string, unknown>;
  assert.deepEqual(
    {
      status: first.status,
      phases: first.phases,
      phase_index: first.phase_index,
      phase: first.phase,
      seconds: first.seconds,
      remaining_ms: first.remaining_ms,
      configured_level: first.configured_level,
      report: first.report,
    },
    { status: 'waiting', phases: ['live', 'print'], phase_index: 0, phase: 'live', seconds: 3, remaining_ms: null, configured_level: 'balanced', report: null },
  );
  assert.match(String(first.prompt), /\S/);
  assert.equal((await call(w, 'POST', '/api/pad/selftest', {})).statusCode, 409, 'one run at a time');

  w.show(0.95); // before the live phase starts: not counted
  const live = await call(w, 'POST', '/api/pad/selftest/next');
  assert.equal(live.json().status, 'collecting');
  assert.ok(w.wanted() >= 1, 'the run asks the pipeline for frames even when the scene is still');
  for (const raw of [0.9, 0.8, 0.45, 0.85]) {
    w.clock.advance(500);
    w.show(raw);
  }
  assert.equal((await call(w, 'POST', '/api/pad/selftest/next')).statusCode, 409, 'a phase still running cannot be skipped');
  w.clock.advance(1000);
  const between = (await call(w, 'GET', '/api/pad/selftest')).json();
  assert.equal(between.status, 'waiting');
  assert.equal(between.phase, 'print');
  assert.equal(between.counts.live.frames, 4);

  await call(w, 'POST', '/api/pad/selftest/next');
  for (const raw of [0.1, 0.35, 0.2, 0.6]) {
    w.clock.advance(500);
    w.show(raw);
  }
  w.clock.advance(1000);
  const done = (await call(w, 'GET', '/api/pad/selftest')).json();
  assert.equal(done.status, 'done');
  const levels = done.report.levels;
  // balanced (0.5): live 0.45 refused (1 of 4); print 0.6 accepted (1 of 4).
  assert.equal(levels.balanced.bpcer, 0.25);
  assert.equal(levels.balanced.apcer.print.accepted, 1);
  // strict (0.7): live 0.45 refused, print none accepted; convenience (0.3): print 0.35 and 0.6 accepted.
  assert.equal(levels.strict.apcer.print.accepted, 0);
  assert.equal(levels.convenience.apcer.print.accepted, 2);
  assert.equal(done.report.recommended_level, 'strict', 'the only level that refused every print');
  // Numbers only: no frame, crop or face box leaves the run.
  assert.doesNotMatch(JSON.stringify(done), /"(box|image\w*|\w*base64|embedding|mesh|landmarks\w*)":/);

  const actions = w.h.audit
    .list({})
    .map((e) => e.action)
    .filter((a) => a.startsWith('pad.'))
    .reverse();
  assert.deepEqual(actions, ['pad.selftest.start', 'pad.selftest.phase', 'pad.selftest.phase']);
  // A finished run cannot be cancelled into another state; a new one may start.
  assert.equal((await call(w, 'DELETE', '/api/pad/selftest')).json().status, 'done');
  assert.equal((await call(w, 'POST', '/api/pad/selftest', {})).statusCode, 200);
});

test('cancel stops a run; bad bodies are 422; viewers get 403; no camera or PAD off is 503', async () => {
  const w = await wizard();
  await call(w, 'POST', '/api/pad/selftest', {});
  await call(w, 'POST', '/api/pad/selftest/next');
  const cancelled = await call(w, 'DELETE', '/api/pad/selftest');
  assert.equal(cancelled.statusCode, 200);
  assert.equal(cancelled.json().status, 'cancelled');
  w.show(0.9);
  assert.equal((await call(w, 'GET', '/api/pad/selftest')).json().counts.live.frames, 0, 'a cancelled run counts nothing');

  for (const body of [{ seconds: 0 }, { seconds: 61 }, { attacks: [] }, { attacks: ['Print!'] }, { attacks: ['print', 'print'] }, { other: 1 }]) {
    assert.equal((await call(w, 'POST', '/api/pad/selftest', body)).statusCode, 422, JSON.stringify(body));
  }
  assert.equal((await call(w, 'POST', '/api/pad/selftest', { attacks: ['live'] })).statusCode, 422, 'live is not an attack');

  const made = await call(w, 'POST', '/api/tokens', { name: 'wall tablet', role: 'viewer' });
  const viewer = { authorization: `Bearer ${(made.json() as { token: string }).token}` };
  for (const [method, url] of [
    ['GET', '/api/pad/selftest'],
    ['POST', '/api/pad/selftest'],
    ['POST', '/api/pad/selftest/next'],
    ['DELETE', '/api/pad/selftest'],
  ] as const) {
    assert.equal((await call(w, method, url, method === 'POST' ? {} : undefined, viewer)).statusCode, 403, `${method} ${url}`);
  }
  const audited = w.h.audit.list({}).filter((e) => e.action === 'pad.selftest.cancel');
  assert.equal(audited.length, 1);

  const noCamera = await wizard({ camera: false });
  const refused = await call(noCamera, 'POST', '/api/pad/selftest', {});
  assert.equal(refused.statusCode, 503);
  assert.match(refused.json().message, /camera\.source is none/);
  const padOff = await wizard({ padEnabled: false });
  assert.equal((await call(padOff, 'POST', '/api/pad/selftest', {})).statusCode, 503);
});

test('without the live pipeline the self-test routes answer 503', async () => {
  const h = await adminHarness();
  const headers = await setUpAdmin(h);
  const res = await h.server.app.inject({ method: 'POST', url: '/api/pad/selftest', headers, payload: {} });
  assert.equal(res.statusCode, 503);
  assert.match(res.json().message, /live pipeline/);
});
