import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Frame } from '../../../daemon/core/index.ts';
import { FramePump } from '../../../daemon/camera/frame-pump.ts';
import { MotionGate } from '../../../daemon/camera/index.ts';
import { decodeRgb } from '../../../daemon/camera/decode.ts';
import { jpegFrames, lavfi } from '../../support/mjpeg.ts';
import { tempDir } from '../../support/tmp.ts';

let jpegs: Buffer[] = [];

before(async () => {
  jpegs = await jpegFrames(join(tempDir(), 'f'), lavfi('testsrc=size=640x480:rate=10'), 6);
});

function pump(opts: { width?: number; height?: number } = {}) {
  const frames: Frame[] = [];
  const errors: string[] = [];
  let good = 0;
  const gate = new MotionGate({ enabled: false, sensitivity: 0.5, minArea: 0.01, roi: { x: 0, y: 0, width: 1, height: 1 }, holdMs: 0, keepaliveMs: 1000 });
  const p = new FramePump({
    width: opts.width ?? 320,
    height: opts.height ?? 240,
    gate,
    now: () => Date.now(),
    handlers: { frame: (f) => frames.push(f), good: () => good++, bad: (e) => errors.push(e.message) },
  });
  return { p, frames, errors, good: () => good };
}

const enc = (jpeg: Buffer, seq: number) => ({ jpeg, seq, capturedAt: 1000 + seq, capturedMono: 500 + seq, sourceId: 'test:0' });

void test('frames are decoded to packed RGB fitted inside the analysis size, with seq, time and source id', async () => {
  const { p, frames } = pump();
  p.offer(enc(jpegs[0] as Buffer, 1));
  await p.idle();
  const f = frames[0] as Frame;
  assert.equal(f.width, 320);
  assert.equal(f.height, 240);
  assert.equal(f.rgb.length, 320 * 240 * 3);
  assert.equal(f.seq, 1);
  assert.equal(f.capturedAt, 1001);
  assert.equal(f.capturedMono, 501);
  assert.equal(f.sourceId, 'test:0');
  assert.ok(f.jpeg && Buffer.from(f.jpeg).equals(jpegs[0] as Buffer));
  // 4:3 into a square keeps the aspect ratio; a smaller source is not enlarged
  const wide = await decodeRgb(jpegs[0] as Buffer, 200, 200);
  assert.deepEqual([wide.width, wide.height], [200, 150]);
  const big = await decodeRgb(jpegs[0] as Buffer, 1280, 960);
  assert.deepEqual([big.width, big.height], [640, 480]);
});

void test('newest wins: frames offered while a decode runs replace each other and are counted as dropped', async () => {
  const { p, frames } = pump();
  jpegs.forEach((j, i) => p.offer(enc(j, i + 1)));
  await p.idle();
  assert.deepEqual(
    frames.map((f) => f.seq),
    [1, 6],
  );
  assert.equal(p.stats.dropped, 4);
  assert.equal(p.stats.decoded, 2);
  assert.equal(p.busySince, null);
});

void test('a corrupt JPEG is skipped and counted, and the next frame still decodes', async () => {
  const { p, frames, errors, good } = pump();
  const whole = jpegs[1] as Buffer;
  // scan data cut short, then a proper end marker: well-formed outside, broken inside
  const truncated = Buffer.concat([whole.subarray(0, Math.floor(whole.length / 2)), Buffer.from([0xff, 0xd9])]);
  const scrambled = Buffer.from(whole);
  for (let i = 700; i < scrambled.length - 2; i += 13) scrambled[i] = 0xff;
  for (const [i, bad] of [truncated, scrambled, Buffer.from('not a jpeg at all')].entries()) {
    p.offer(enc(bad, i + 1));
    await p.idle();
  }
  p.offer(enc(jpegs[2] as Buffer, 9));
  await p.idle();
  assert.equal(p.stats.decodeErrors, 3);
  assert.equal(errors.length, 3);
  assert.deepEqual(
    frames.map((f) => f.seq),
    [9],
  );
  assert.equal(good(), 1);
});

void test('a frame the gate lets through but nobody wants (a keep-alive of a still scene) is not decoded to RGB', async () => {
  const frames: Frame[] = [];
  // keepaliveMs 0: after the first frame, every still frame is a keep-alive.
  const gate = new MotionGate({ enabled: true, sensitivity: 0.5, minArea: 0.01, roi: { x: 0, y: 0, width: 1, height: 1 }, holdMs: 0, keepaliveMs: 0 });
  let wantKeepalive = false;
  const p = new FramePump({
    width: 320,
    height: 240,
    gate,
    now: () => 0,
    handlers: { frame: (f) => frames.push(f), good: () => undefined, bad: (e) => assert.fail(e), wanted: (d) => d.reason !== 'keepalive' || wantKeepalive },
  });
  for (let seq = 1; seq <= 3; seq++) {
    p.offer(enc(jpegs[0] as Buffer, seq));
    await p.idle();
  }
  wantKeepalive = true;
  p.offer(enc(jpegs[0] as Buffer, 4));
  await p.idle();
  assert.deepEqual(
    frames.map((f) => [f.seq, f.trigger]),
    [
      [1, 'first'],
      [4, 'keepalive'],
    ],
  );
  assert.deepEqual({ decoded: p.stats.decoded, passed: p.stats.passed, gatedOut: p.stats.gatedOut }, { decoded: 4, passed: 2, gatedOut: 2 });
});
