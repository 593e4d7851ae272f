import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { embeddedDefaults } from '../../../daemon/config/index.ts';
import { createVisionPipeline, cosine, decodeImage, type VisionPipeline } from '../../../daemon/vision/index.ts';
import type { Frame } from '../../../daemon/core/index.ts';
import { memoryLogger } from '../../support/logger.ts';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/faces/${name}.jpg`, import.meta.url));
let pipeline: VisionPipeline;

before(async () => {
  pipeline = await createVisionPipeline(embeddedDefaults().vision, memoryLogger().log);
});
after(async () => {
  await pipeline.close();
});

test('the detector finds the one face in each LFW fixture, with eyes, nose and mouth inside the box', async () => {
  for (const name of ['Amber_Tamblyn_0001', 'Anders_Fogh_Rasmussen_0001', 'Abel_Pacheco_0001']) {
    const res = await pipeline.analyzeImage(fixture(name));
    assert.equal(res.faces.length, 1, name);
    const f = res.faces[0]!;
    // LFW centres the face in a 250x250 image; faces are about 100-120 px.
    assert.ok(Math.abs(f.box.x + f.box.width / 2 - 125) < 30 && Math.abs(f.box.y + f.box.height / 2 - 125) < 40, `${name} box ${JSON.stringify(f.box)}`);
    assert.ok(f.box.width > 70 && f.box.width < 160);
    assert.equal(f.landmarks5.length, 5);
    const [re, le, nose, ml, mr] = f.landmarks5 as [number, number][];
    assert.ok(re![0] < le![0], "the subject's right eye is on the image left");
    assert.ok(nose![1] > re![1] && ml![1] > nose![1] && mr![1] > nose![1], 'nose below eyes, mouth below nose');
    assert.equal(f.quality.ok, true, f.quality.reasons.join());
    assert.ok(f.embedding);
    const norm = Math.sqrt(f.embedding.reduce((s, v) => s + v * v, 0));
    assert.ok(Math.abs(norm - 1) < 1e-4, 'embeddings are L2-normalized');
    assert.equal(f.liveness, null, 'no liveness check plugged in');
    assert.equal(f.attributes, null, 'attributes are off by default');
  }
});

test('the same person scores higher than two different people', async () => {
  const e = async (n: string): Promise<Float32Array> => (await pipeline.analyzeImage(fixture(n))).faces[0]!.embedding!;
  const [a1, a2, b1, b3, c1] = await Promise.all(
    ['Amber_Tamblyn_0001', 'Amber_Tamblyn_0002', 'Anders_Fogh_Rasmussen_0001', 'Anders_Fogh_Rasmussen_0003', 'Abel_Pacheco_0001'].map(e),
  );
  assert.ok(cosine(a1!, a2!) > cosine(a1!, b1!) && cosine(a1!, a2!) > cosine(a2!, c1!));
  assert.ok(cosine(b1!, b3!) > cosine(b1!, a2!) && cosine(b1!, b3!) > cosine(b3!, c1!));
});

test('a camera frame (packed RGB) gives the same face as the photo, and timings per stage', async () => {
  const img = await decodeImage(fixture('Amber_Tamblyn_0001'));
  // Paste the 250x250 face onto a 640x480 grey frame, off centre.
  const frame = new Uint8Array(640 * 480 * 3).fill(90);
  for (let y = 0; y < 250; y++) frame.set(img.data.subarray(y * 750, y * 750 + 750), ((y + 150) * 640 + 300) * 3);
  const res = await pipeline.analyze({ seq: 7, capturedAt: 1000, sourceId: 'test', width: 640, height: 480, rgb: frame });
  assert.equal(res.frameSeq, 7);
  assert.equal(res.faces.length, 1);
  assert.ok(res.faces[0]!.box.x > 300 && res.faces[0]!.box.y > 150);
  for (const stage of ['detect', 'align', 'embed', 'total']) assert.equal(typeof res.timings[stage], 'number', stage);
  const photo = (await pipeline.analyzeImage(fixture('Amber_Tamblyn_0001'))).faces[0]!.embedding!;
  assert.ok(cosine(photo, res.faces[0]!.embedding!) > 0.9);
});

test('the liveness slot scores each good face and can be removed again', async () => {
  const seen: number[] = [];
  pipeline.setLiveness({
    name: 'test',
    score: async (input) => {
      seen.push(input.box.width);
      return 0.25;
    },
  });
  const res = await pipeline.analyzeImage(fixture('Abel_Pacheco_0001'));
  assert.equal(res.faces[0]!.liveness, 0.25);
  assert.equal(seen.length, 1);
  assert.equal(typeof res.timings.liveness, 'number');
  pipeline.setLiveness(null);
  assert.equal((await pipeline.analyzeImage(fixture('Abel_Pacheco_0001'))).faces[0]!.liveness, null);
});

test('images with no face, of any size, give no faces; malformed frames and non-images a clear error', async () => {
  for (const [w, h] of [
    [1, 1],
    [4000, 3000],
    [31, 7],
  ] as const) {
    const png = await sharp({ create: { width: w, height: h, channels: 4, background: { r: 20, g: 180, b: 90, alpha: 0.3 } } })
      .png()
      .toBuffer();
    assert.equal((await pipeline.analyzeImage(png)).faces.length, 0, `${w}x${h}`);
  }
  const grey = await sharp(fixture('Anders_Fogh_Rasmussen_0003')).greyscale().png().toBuffer();
  assert.equal((await pipeline.analyzeImage(grey)).faces.length, 1, 'a grayscale photo still shows its face');
  await assert.rejects(
    pipeline.analyzeImage(new TextEncoder().encode('GIF89a but not really')),
    (e: Error & { code?: string }) => e.code === 'VISION_BAD_IMAGE',
  );
  await assert.rejects(pipeline.analyzeImage(fixture('Amber_Tamblyn_0002').subarray(0, 2000)), (e: Error & { code?: string }) => e.code === 'VISION_BAD_IMAGE');
  const bad: Frame[] = [
    { seq: 1, capturedAt: 0, sourceId: 't', width: 640, height: 480, rgb: new Uint8Array(100) },
    { seq: 2, capturedAt: 0, sourceId: 't', width: -3, height: 480, rgb: new Uint8Array(0) },
  ];
  for (const f of bad) await assert.rejects(pipeline.analyze(f), (e: Error & { code?: string }) => e.code === 'VISION_BAD_FRAME');
  // And the pipeline still works afterwards.
  assert.equal((await pipeline.analyzeImage(fixture('Abel_Pacheco_0001'))).faces.length, 1);
});

test('tf.memory() stays flat over 1,000 frames (no leaked tensors)', async () => {
  const face = await decodeImage(fixture('Amber_Tamblyn_0001'));
  const noise = { width: 48, height: 36, data: new Uint8Array(48 * 36 * 3).map((_, i) => (i * 7919) % 251) };
  const frame = (i: number): Frame => {
    const img = i % 10 === 0 ? face : noise;
    return { seq: i, capturedAt: i, sourceId: 'leak', width: img.width, height: img.height, rgb: img.data };
  };
  for (let i = 0; i < 5; i++) await pipeline.analyze(frame(i)); // warm-up
  const before = tf.memory();
  let embedded = 0;
  for (let i = 0; i < 1000; i++) embedded += (await pipeline.analyze(frame(i))).faces.filter((f) => f.embedding).length;
  const after = tf.memory();
  assert.equal(embedded, 100, 'every face frame went through the full embed path');
  assert.equal(after.numTensors, before.numTensors);
  assert.equal(after.numBytes, before.numBytes);
});
