import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { MotionGate } from '../../../daemon/camera/index.ts';
import { decodeGray, type Gray } from '../../../daemon/camera/decode.ts';
import type { GateDecision, MotionGateOptions } from '../../../daemon/camera/motion-gate.ts';
import { jpegFrames, movingScene, staticScene } from '../../support/mjpeg.ts';
import { tempDir } from '../../support/tmp.ts';

const base: MotionGateOptions = { enabled: true, sensitivity: 0.5, minArea: 0.005, roi: { x: 0, y: 0, width: 1, height: 1 }, holdMs: 0, keepaliveMs: 2000 };
let still: Gray[] = [];
let moving: Gray[] = [];

before(async () => {
  const dir = tempDir();
  const [a, b] = await Promise.all([jpegFrames(join(dir, 's'), staticScene('320x240'), 50), jpegFrames(join(dir, 'm'), movingScene('320x240'), 50)]);
  still = await Promise.all(a.map((j) => decodeGray(j)));
  moving = await Promise.all(b.map((j) => decodeGray(j)));
});

/** Runs a sequence through a gate at 10 fps. */
function play(frames: Gray[], opts: Partial<MotionGateOptions> = {}): GateDecision[] {
  const gate = new MotionGate({ ...base, ...opts });
  return frames.map((g, i) => gate.check(g, i * 100));
}

void test('the gate works on a small grayscale copy', () => {
  assert.equal(still[0]?.width, 64);
  assert.equal(still[0]?.height, 48);
  assert.equal(still[0]?.data.length, 64 * 48);
});

void test('a static scene with sensor noise passes only the first frame and the keep-alive frames', () => {
  const d = play(still);
  const passed = d.filter((x) => x.pass);
  assert.deepEqual(
    passed.map((x) => x.reason),
    ['first', 'keepalive', 'keepalive'],
  ); // 5 s at one per 2 s
  assert.ok(d.every((x) => x.reason !== 'motion'));
});

void test('a moving object passes (nearly) every frame as motion', () => {
  const d = play(moving);
  const motion = d.filter((x) => x.reason === 'motion').length;
  assert.ok(motion >= 45, `only ${motion} of 50 frames seen as motion`);
});

void test('motion outside the region of interest is ignored', () => {
  // the block moves in the left half; watch only the right third
  const d = play(moving, { roi: { x: 0.66, y: 0, width: 0.34, height: 1 } });
  assert.equal(d.filter((x) => x.reason === 'motion').length, 0);
  const left = play(moving, { roi: { x: 0, y: 0, width: 0.5, height: 1 } });
  assert.ok(left.filter((x) => x.reason === 'motion').length >= 45);
});

void test('hold keeps frames passing after motion stops; disabled passes everything', () => {
  const seq = [...moving.slice(0, 10), ...Array.from({ length: 40 }, () => moving[9] as Gray)];
  const d = play(seq, { holdMs: 1000, keepaliveMs: 60_000 });
  const lastMotion = d.map((x) => x.reason).lastIndexOf('motion');
  // the background catches up with the stopped object within a dozen frames
  assert.ok(lastMotion >= 9 && lastMotion < 25, `last motion at ${lastMotion}`);
  assert.ok(
    d.slice(lastMotion + 1, lastMotion + 11).every((x) => x.pass && x.reason === 'hold'),
    'held for a second after the last motion',
  );
  assert.ok(
    d.slice(lastMotion + 11).every((x) => !x.pass),
    'then still',
  );
  assert.ok(play(still, { enabled: false }).every((x) => x.pass && x.reason === 'disabled'));
});

void test('sensitivity sets how large a brightness change counts', () => {
  const w = 80;
  const h = 60;
  const flat = (v: number): Gray => ({ width: w, height: h, data: new Uint8Array(w * h).fill(v) });
  // a 20-level step over a patch of 10% of the frame
  const patch = flat(100);
  for (let y = 0; y < 20; y++) for (let x = 0; x < 24; x++) patch.data[y * w + x] = 120;
  const seq = [flat(100), patch];
  assert.equal(play(seq, { sensitivity: 1 })[1]?.reason, 'motion');
  assert.equal(play(seq, { sensitivity: 0.5 })[1]?.reason, 'still');
  // min_area: the same patch does not count when a quarter of the frame must change
  assert.equal(play(seq, { sensitivity: 1, minArea: 0.25 })[1]?.reason, 'still');
});

void test('a change of frame size starts over instead of comparing mismatched images', () => {
  const gate = new MotionGate(base);
  assert.equal(gate.check(still[0] as Gray, 0).reason, 'first');
  const small: Gray = { width: 40, height: 30, data: new Uint8Array(1200) };
  assert.equal(gate.check(small, 100).reason, 'first');
});

void test('a still scene is looked at only at the idle check rate; motion makes every frame count', () => {
  const gate = new MotionGate({ ...base, idleCheckMs: 200, holdMs: 500 });
  const looked: number[] = [];
  const seq = [...still.slice(0, 20), ...moving.slice(0, 10)];
  seq.forEach((g, i) => {
    const now = i * 100;
    if (!gate.needsCheck(now)) return;
    looked.push(i);
    gate.check(g, now);
  });
  const idle = looked.filter((i) => i < 20);
  assert.ok(idle.length >= 9 && idle.length <= 11, `still frames looked at: ${idle.join(',')}`);
  // once the moving sequence starts, motion is seen within one idle interval, then every frame counts
  const firstMoving = looked.find((i) => i >= 20) as number;
  assert.ok(firstMoving <= 21);
  assert.deepEqual(
    looked.filter((i) => i > firstMoving),
    Array.from({ length: 29 - firstMoving }, (_, k) => firstMoving + 1 + k),
  );
  const off = new MotionGate({ ...base, enabled: false, idleCheckMs: 1000 });
  assert.ok(off.needsCheck(0) && off.needsCheck(1));
});
