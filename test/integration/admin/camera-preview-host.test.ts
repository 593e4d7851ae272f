// The framing preview through the real admin worker thread and real HTTP, on the real sampler
// with frames made here: the viewer cap as a 409, the session limit as an "end" event that closes
// the stream, and a worker that dies ending its sessions (so the sampling stops with it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { createAdminHost } from '../../../daemon/admin/index.ts';
import { systemClock } from '../../../daemon/core/index.ts';
import { PreviewSampler, type PreviewFrames } from '../../../daemon/admin/preview/sampler.ts';
import type { PreviewFrame } from '../../../daemon/admin/preview/types.ts';
import { adminHarness } from '../../support/admin.ts';
import { setUpOverHttp } from '../../support/admin-http.ts';
import { sseEvents } from '../../support/sse.ts';
import { eventually } from '../../support/within.ts';

/** A new 64×48 frame at every sample, with one face box. */
async function madeFrames(): Promise<PreviewFrames> {
  const jpeg = new Uint8Array(
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#406080' } })
      .jpeg()
      .toBuffer(),
  );
  let seq = 0;
  return {
    start: () => undefined,
    stop: () => undefined,
    sample: async (): Promise<PreviewFrame> => ({
      seq: ++seq,
      capturedAt: Date.now(),
      jpeg,
      width: 64,
      height: 48,
      faces: [{ box: { x: 10, y: 8, width: 30, height: 30 }, reasons: ['tilted'] }],
      verdict: 'tilted',
      analysisSeq: seq,
    }),
  };
}

/** The real admin worker (or `entry`, a wrapped one) on a harness, with the real sampler on made frames at 2 fps and 2 viewers; signed in. */
async function hosted(maxSessionMs: number, entry?: URL) {
  const h = await adminHarness((c) => {
    c.daemon.log_level = 'silent';
  });
  const preview = new PreviewSampler({
    frames: await madeFrames(),
    clock: systemClock,
    log: h.log,
    fps: 2,
    maxViewers: 2,
    maxSessionMs,
    available: () => true,
  });
  const host = await createAdminHost({ config: h.config, services: { ...h.services, preview }, bus: h.bus, log: h.log, ...(entry ? { entry } : {}) });
  const base = await host.start();
  return { h, preview, host, base, headers: await setUpOverHttp(base, host.setupCode) };
}

test('through the worker: two viewers, a third gets 409; a session at its time limit gets "end" and its stream closes', async () => {
  const { preview, host, base, headers } = await hosted(1500);
  try {
    const a = await fetch(`${base}/api/camera/preview`, { headers });
    const b = await fetch(`${base}/api/camera/preview`, { headers });
    assert.deepEqual([a.status, b.status], [200, 200]);
    const third = await fetch(`${base}/api/camera/preview`, { headers });
    assert.equal(third.status, 409);
    assert.match(((await third.json()) as { message: string }).message, /2 camera previews are open already/);
    assert.equal(preview.stats().viewers, 2);

    const stream = sseEvents(a);
    const events = await stream.until((es) => es.some((e) => e.name === 'end'), 10_000);
    const frames = events.filter((e) => e.name === 'frame').map((e) => e.data as { width: number; faces: unknown[]; verdict: string; jpeg_base64: string });
    assert.ok(frames.length >= 1 && frames.length <= 4, `frames in 1.5 s at 2 fps: ${frames.length}`);
    assert.deepEqual(frames[0]?.faces, [{ box: { x: 10, y: 8, width: 30, height: 30 }, reasons: ['tilted'] }]);
    assert.equal(frames[0]?.verdict, 'tilted');
    assert.deepEqual(events.at(-1), { name: 'end', data: { reason: 'time_limit' } });
    const count = events.length;
    await stream.until(() => false, 5000); // returns only because the stream ended
    assert.equal(stream.events.length, count, 'nothing after "end": the stream is closed');
    await eventually(5000, () => preview.stats().viewers === 0, 'both sessions ended at their limit');
    assert.equal(preview.stats().sampling, false);
    await b.body?.cancel();
  } finally {
    await host.stop();
  }
});

test('a worker that dies ends its previews: the sampling stops', async () => {
  const { h, preview, host, base, headers } = await hosted(300_000, new URL('../../fixtures/workers/admin-worker-crashing.ts', import.meta.url));
  try {
    const res = await fetch(`${base}/api/camera/preview`, { headers });
    await sseEvents(res).until((es) => es.some((e) => e.name === 'frame'), 10_000);
    assert.equal(preview.stats().sampling, true);
    h.bus.emit('door:status', { door: 'crash', lock: 'locked', position: 'unknown', mode: 'normal', alarm: 'none', heldUnlockedUntil: null });
    await eventually(10_000, () => preview.stats().viewers === 0 && !preview.stats().sampling, 'the dead worker’s preview ended');
  } finally {
    await host.stop();
  }
});

test('signing out ends the preview stream of that session, and its sampling', async () => {
  const { preview, host, base, headers } = await hosted(300_000);
  try {
    const res = await fetch(`${base}/api/camera/preview`, { headers });
    const stream = sseEvents(res);
    await stream.until((es) => es.some((e) => e.name === 'frame'), 10_000);
    const out = await fetch(`${base}/api/auth/logout`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(out.status, 200);
    await stream.until(() => false, 10_000); // returns once the daemon ended the stream
    await eventually(5000, () => preview.stats().viewers === 0 && !preview.stats().sampling, 'the session’s preview ended');
  } finally {
    await host.stop();
  }
});
