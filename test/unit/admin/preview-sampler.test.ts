// The framing preview's sampler (issue 21): it samples only while a viewer is open, at most `fps`
// a second, caps viewers and session length, and stops with the last viewer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceError } from '../../../daemon/admin/index.ts';
import { PreviewSampler, type PreviewFrames } from '../../../daemon/admin/preview/sampler.ts';
import type { PreviewEndReason, PreviewFrame, PreviewViewer } from '../../../daemon/admin/preview/types.ts';
import { FakeClock } from '../../fakes/clock.ts';
import { memoryLogger } from '../../support/logger.ts';

/** Frames that count how often they were asked for and whether they are collecting. */
class CountingFrames implements PreviewFrames {
  collecting = false;
  starts = 0;
  samples = 0;
  start(): void {
    this.collecting = true;
    this.starts++;
  }
  stop(): void {
    this.collecting = false;
  }
  sample(): Promise<PreviewFrame | null> {
    assert.ok(this.collecting, 'sampled only while collecting');
    this.samples++;
    return Promise.resolve({
      seq: this.samples,
      capturedAt: 0,
      jpeg: new Uint8Array([0xff, 0xd8]),
      width: 4,
      height: 3,
      faces: [],
      verdict: 'no_face',
      analysisSeq: this.samples,
    });
  }
}

class Watching implements PreviewViewer {
  readonly seqs: number[] = [];
  ended: PreviewEndReason | null = null;
  frame(f: PreviewFrame): void {
    this.seqs.push(f.seq);
  }
  end(reason: PreviewEndReason): void {
    this.ended = reason;
  }
}

function sampler(options: { fps?: number; maxViewers?: number; maxSessionMs?: number; camera?: boolean } = {}) {
  const clock = new FakeClock();
  const frames = new CountingFrames();
  const { log, lines } = memoryLogger('info');
  const s = new PreviewSampler({
    frames,
    clock,
    log,
    fps: options.fps ?? 2,
    maxViewers: options.maxViewers ?? 2,
    maxSessionMs: options.maxSessionMs ?? 300_000,
    available: () => options.camera ?? true,
  });
  /** Moves time on and lets the samples' promises settle. */
  const pass = async (ms: number, step = 50) => {
    for (let t = 0; t < ms; t += step) {
      clock.advance(step);
      await new Promise((r) => setImmediate(r));
    }
  };
  return { s, clock, frames, lines, pass };
}

test('nothing is sampled before a viewer opens; sampling starts with the first and stops with the last', async () => {
  const { s, frames, lines, pass } = sampler();
  await pass(2000);
  assert.equal(frames.samples, 0);
  assert.equal(frames.starts, 0);
  assert.deepEqual(s.stats(), { viewers: 0, sampling: false, samples: 0, sessions: 0 });

  const a = new Watching();
  const b = new Watching();
  const sa = s.open(a);
  const sb = s.open(b);
  assert.equal(frames.starts, 1, 'one collection for both viewers');
  await pass(1000);
  assert.ok(a.seqs.length >= 1 && a.seqs.length <= 2, `frames in 1 s at 2 fps: ${a.seqs.length}`);
  assert.deepEqual(b.seqs, a.seqs, 'both viewers get the same frames');

  sa.close();
  assert.equal(s.stats().sampling, true, 'one viewer still open');
  sb.close();
  sb.close(); // closing twice is harmless
  assert.deepEqual({ ...s.stats(), samples: 0 }, { viewers: 0, sampling: false, samples: 0, sessions: 2 });
  assert.equal(frames.collecting, false);
  const before = frames.samples;
  await pass(3000);
  assert.equal(frames.samples, before, 'no sample with nobody watching');
  assert.equal(a.ended, null, 'a viewer that closed is not told it ended');
  const messages = lines().map((l) => l.msg);
  assert.deepEqual(
    messages.filter((m) => typeof m === 'string' && m.startsWith('camera preview')),
    ['camera preview: sampling started', 'camera preview: sampling stopped (no viewer)'],
  );
});

test('the rate is capped at fps, however long the session', async () => {
  const { s, frames, pass } = sampler({ fps: 2 });
  const v = new Watching();
  s.open(v);
  await pass(10_000);
  assert.ok(frames.samples <= 20, `at most 2 a second: ${frames.samples} in 10 s`);
  assert.ok(frames.samples >= 18, `and about that many: ${frames.samples}`);
  assert.equal(v.seqs.length, frames.samples);
});

test('a third viewer is refused (conflict); no camera is refused (unavailable)', () => {
  const { s } = sampler({ maxViewers: 2 });
  s.open(new Watching());
  s.open(new Watching());
  assert.throws(
    () => s.open(new Watching()),
    (e: unknown) => e instanceof ServiceError && e.kind === 'conflict',
  );
  const none = sampler({ camera: false });
  assert.throws(
    () => none.s.open(new Watching()),
    (e: unknown) => e instanceof ServiceError && e.kind === 'unavailable',
  );
  assert.equal(none.frames.starts, 0);
});

test('a session ends at its time limit (the viewer is told why) and sampling stops with it', async () => {
  const { s, frames, pass } = sampler({ maxSessionMs: 5000 });
  const v = new Watching();
  const session = s.open(v);
  assert.equal(session.maxSeconds, 5);
  await pass(4900);
  assert.equal(v.ended, null);
  await pass(200);
  assert.equal(v.ended, 'time_limit');
  assert.equal(s.stats().sampling, false);
  assert.equal(frames.collecting, false);
  const seen = v.seqs.length;
  await pass(2000);
  assert.equal(v.seqs.length, seen, 'no frame after the end');
  // The freed place can be taken again.
  s.open(new Watching());
  assert.equal(s.stats().viewers, 1);
});
