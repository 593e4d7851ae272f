import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus, FacegateError, systemClock, type BusEvents, type Frame, type FrameAnalysis } from '../../../daemon/core/index.ts';
import { AnalysisLoop } from '../../../daemon/vision/index.ts';
import { FakeClock } from '../../fakes/clock.ts';
import { memoryLogger } from '../../support/logger.ts';

function frame(seq: number): Frame {
  return { seq, capturedAt: Date.now(), sourceId: 'test', width: 2, height: 2, rgb: new Uint8Array(12) };
}

function analysisOf(f: Frame, faces = 0): FrameAnalysis {
  return {
    frameSeq: f.seq,
    capturedAt: f.capturedAt,
    analysedAt: Date.now(),
    width: f.width,
    height: f.height,
    faces: Array.from({ length: faces }, () => ({}) as FrameAnalysis['faces'][number]),
    timings: {},
  };
}

/** An analyze function the test releases frame by frame. */
function gated(): { analyze: (f: Frame) => Promise<FrameAnalysis>; seen: number[]; release: (result?: Error) => void } {
  const waiting: { f: Frame; resolve: (a: FrameAnalysis) => void; reject: (e: Error) => void }[] = [];
  const seen: number[] = [];
  return {
    seen,
    analyze: (f) =>
      new Promise((resolve, reject) => {
        seen.push(f.seq);
        waiting.push({ f, resolve, reject });
      }),
    release: (err) => {
      const w = waiting.shift();
      if (!w) throw new Error('nothing in flight');
      if (err) w.reject(err);
      else w.resolve(analysisOf(w.f));
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

void test('one frame in flight; the newest waiting frame wins and the ones it replaced are counted as skipped', async () => {
  const { log } = memoryLogger();
  const bus = new EventBus<BusEvents>(log);
  const g = gated();
  const loop = new AnalysisLoop({ bus, log, clock: systemClock, analyze: g.analyze, stallMs: 10_000 });
  const out: number[] = [];
  bus.on('analysis', (a) => out.push(a.frameSeq));
  loop.start();
  for (let i = 1; i <= 5; i++) bus.emit('frame', frame(i));
  assert.deepEqual(g.seen, [1], 'only the first frame went to the worker');
  g.release();
  await tick();
  assert.deepEqual(g.seen, [1, 5], 'then the newest, frames 2-4 dropped');
  g.release();
  await tick();
  assert.deepEqual(out, [1, 5]);
  assert.deepEqual({ analysed: loop.stats().analysed, skipped: loop.stats().skipped }, { analysed: 2, skipped: 3 });
  loop.stop();
});

void test('a failed frame is logged and never fatal: a malformed frame costs only itself, a dead worker pauses the loop', async () => {
  const { log, lines } = memoryLogger();
  const bus = new EventBus<BusEvents>(log);
  const g = gated();
  const loop = new AnalysisLoop({ bus, log, clock: systemClock, analyze: g.analyze, stallMs: 10_000, retryMs: 60_000 });
  loop.start();
  bus.emit('frame', frame(1));
  g.release(new FacegateError('VISION_BAD_FRAME', 'bad frame'));
  await tick();
  bus.emit('frame', frame(2));
  assert.deepEqual(g.seen, [1, 2], 'the next frame is analysed at once after a malformed one');
  g.release(new FacegateError('VISION_WORKER', 'vision worker exited (code 1)'));
  await tick();
  bus.emit('frame', frame(3));
  assert.deepEqual(g.seen, [1, 2], 'frames are dropped while the loop waits to retry');
  assert.equal(loop.stats().failed, 2);
  assert.equal(loop.stats().droppedAfterError, 1);
  assert.ok(lines().some((l) => l.msg === 'frame analysis failed'));
  loop.stop();
});

void test('a face coming into an empty scene is logged once with its frame and capture time; the heartbeat follows each frame', async () => {
  const { log, lines } = memoryLogger();
  const bus = new EventBus<BusEvents>(log);
  const beats: string[] = [];
  bus.on('heartbeat', (h) => beats.push(h.source));
  let faces = 0;
  const loop = new AnalysisLoop({ bus, log, clock: systemClock, analyze: (f) => Promise.resolve(analysisOf(f, faces)), stallMs: 10_000 });
  loop.start();
  for (const [seq, n] of [
    [1, 0],
    [2, 1],
    [3, 1],
    [4, 0],
    [5, 2],
  ] as const) {
    faces = n;
    bus.emit('frame', frame(seq));
    await tick();
  }
  assert.deepEqual(
    lines()
      .filter((l) => l.msg === 'face in view')
      .map((l) => l.frameSeq),
    [2, 5],
  );
  assert.equal(beats.filter((b) => b === 'analysis').length, 5);
  loop.stop();
});

void test('keep-alive frames of a still, empty scene are not analysed; with a face in view, or on motion, they are', async () => {
  const { log } = memoryLogger();
  const bus = new EventBus<BusEvents>(log);
  let facesNext = 0;
  const seen: string[] = [];
  const analyze = (f: Frame): Promise<FrameAnalysis> => {
    seen.push(`${f.seq}:${f.trigger ?? '-'}`);
    return Promise.resolve(analysisOf(f, facesNext));
  };
  const clock = new FakeClock();
  const loop = new AnalysisLoop({ bus, log, clock, analyze, stallMs: 10_000, stillFaceMs: 10_000 });
  loop.start();
  const offer = async (seq: number, trigger: Frame['trigger']): Promise<void> => {
    bus.emit('frame', { ...frame(seq), trigger });
    await tick();
    await tick();
  };
  await offer(1, 'first'); // the first frame is always analysed: nothing is known yet
  await offer(2, 'keepalive'); // nobody in view and nothing moved: skipped
  await offer(3, 'keepalive');
  facesNext = 1;
  await offer(4, 'motion'); // something moved: analysed, and it finds a face
  clock.advance(10_000);
  await offer(5, 'keepalive'); // a face is in view, last looked at 10 s ago: looked at again
  facesNext = 0;
  clock.advance(10_000);
  await offer(6, 'keepalive'); // analysed, finds nobody
  await offer(7, 'keepalive'); // skipped again
  loop.stop();
  assert.deepEqual(seen, ['1:first', '4:motion', '5:keepalive', '6:keepalive']);
  assert.equal(loop.stats().idleSkipped, 3);
  assert.equal(loop.stats().analysed, 4);
});

void test('with a face in view, a still scene is re-analysed only every stillFaceMs; a moving frame at once; an operator can ask for the next frame', async () => {
  const { log } = memoryLogger();
  const bus = new EventBus<BusEvents>(log);
  const clock = new FakeClock();
  const seen: number[] = [];
  const monos: (number | undefined)[] = [];
  const analyze = (f: Frame): Promise<FrameAnalysis> => {
    seen.push(f.seq);
    return Promise.resolve(analysisOf(f, 1)); // someone stands still at the door
  };
  bus.on('analysis', (a) => monos.push(a.capturedMono));
  const loop = new AnalysisLoop({ bus, log, clock, analyze, stallMs: 10_000, stillFaceMs: 10_000 });
  loop.start();
  const wants: boolean[] = [];
  const offer = async (seq: number, trigger: Frame['trigger'], afterMs = 2000): Promise<void> => {
    clock.advance(afterMs);
    wants.push(loop.wantsKeepalive()); // what the camera asks before decoding a keep-alive
    bus.emit('frame', { ...frame(seq), capturedMono: clock.monotonic(), trigger });
    await tick();
    await tick();
  };
  await offer(1, 'first');
  await offer(2, 'keepalive'); // 2 s after the last look: the same still face, skipped
  await offer(3, 'keepalive');
  await offer(4, 'motion', 100); // the scene moved: analysed at once
  await offer(5, 'hold', 100);
  await offer(6, 'keepalive');
  loop.wantNextFrame(); // e.g. the admin panel capturing a face for enrollment
  await offer(7, 'keepalive');
  await offer(8, 'keepalive');
  await offer(9, 'keepalive', 8000); // 10 s after the last look
  loop.stop();
  assert.deepEqual(seen, [1, 4, 5, 7, 9]);
  assert.equal(loop.stats().idleSkipped, 4);
  // the camera is told the same: of the keep-alives (#2, #3, #6-#9) only #7 and #9 are worth decoding
  assert.deepEqual(wants, [true, false, false, false, false, false, true, false, true]);
  assert.deepEqual(monos, [2000, 6100, 6200, 10_200, 20_200], "each analysis carries its frame's monotonic capture time");
});
