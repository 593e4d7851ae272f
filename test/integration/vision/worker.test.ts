import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { embeddedDefaults } from '../../../daemon/config/index.ts';
import { createVisionWorker, cosine } from '../../../daemon/vision/index.ts';
import { memoryLogger } from '../../support/logger.ts';

const fixturePath = fileURLToPath(new URL('../../fixtures/faces/Amber_Tamblyn_0001.jpg', import.meta.url));

test('the worker thread analyses photos and frames, returns errors as errors, and closes', async () => {
  const worker = await createVisionWorker(embeddedDefaults().vision, memoryLogger().log);
  try {
    assert.equal(worker.backend.name, 'wasm');
    assert.match(worker.models.embedder ?? '', /@/);
    const res = await worker.analyzeImage(readFileSync(fixturePath));
    assert.equal(res.faces.length, 1);
    const emb = res.faces[0]!.embedding!;
    assert.ok(emb instanceof Float32Array && emb.length > 100, 'the embedding crosses the thread as a Float32Array');
    // Two requests in flight at once each get their own answer.
    const frame = { seq: 3, capturedAt: 1, sourceId: 'w', width: 8, height: 8, rgb: new Uint8Array(192) };
    const [a, b] = await Promise.all([worker.analyze(frame), worker.analyzeImage(readFileSync(fixturePath))]);
    assert.equal(a.frameSeq, 3);
    assert.equal(a.faces.length, 0);
    assert.ok(cosine(b.faces[0]!.embedding!, emb) > 0.999);
    assert.equal(frame.rgb.length, 192, 'the caller keeps its frame buffer');
    await assert.rejects(worker.analyzeImage(new Uint8Array([1, 2, 3])), (e: Error & { code?: string }) => e.code === 'VISION_BAD_IMAGE');
    await assert.rejects(worker.analyze({ ...frame, rgb: new Uint8Array(5) }), (e: Error & { code?: string }) => e.code === 'VISION_BAD_FRAME');
    assert.equal((await worker.analyzeImage(readFileSync(fixturePath))).faces.length, 1, 'still answering after bad input');
  } finally {
    await worker.close();
  }
  await assert.rejects(worker.analyzeImage(readFileSync(fixturePath)), /closed/);
});

test('a bad model configuration fails the worker start with the registry error', async () => {
  const config = structuredClone(embeddedDefaults().vision);
  config.variant = 'uint8';
  const dir = fileURLToPath(new URL('../../fixtures/', import.meta.url)); // no manifest.json here
  await assert.rejects(createVisionWorker(config, memoryLogger().log, { modelsDir: dir }), (e: Error & { code?: string }) => e.code === 'VISION_MANIFEST');
});

test('`facegate vision check` (bin/facegate.js, tsx registered by the bin) runs the pipeline in the worker', () => {
  const bin = fileURLToPath(new URL('../../../bin/facegate.js', import.meta.url));
  const r = spawnSync(process.execPath, [bin, 'vision', 'check', fixturePath, '--json'], { encoding: 'utf8', cwd: '/', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { thread: string; backend: string; faces: { box: unknown; quality: { ok: boolean } }[] };
  assert.equal(out.thread, 'worker');
  // The tfjs backend, and the embedder's own runtime beside it.
  assert.match(
    out.backend,
    /^wasm\+simd \+ onnxruntime-web \d+\.\d+\.\d+ wasm\+simd, 2 threads$/,
    'the embedder runs on vision.embedder.threads (2) threads inside the worker',
  );
  assert.equal(out.faces.length, 1);
  const bad = spawnSync(process.execPath, [bin, 'vision', 'check', bin], { encoding: 'utf8', cwd: '/', timeout: 120_000 });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /cannot decode the image/);
});

test("the worker's liveness check uses the operator's pad settings and faces carry the detector keypoints", async () => {
  const padModule = new URL('../../../daemon/vision/pad/module.ts', import.meta.url).href;
  const live = readFileSync(fileURLToPath(new URL('../../fixtures/pad/live__0001_00_00_01_0.jpg', import.meta.url)));
  const scoreAt = async (level: 'convenience' | 'strict'): Promise<{ score: number | null; keypoints: number }> => {
    const pad = { ...embeddedDefaults().pad, security_level: level };
    const worker = await createVisionWorker(embeddedDefaults().vision, memoryLogger().log, { livenessModule: padModule, livenessOptions: pad });
    try {
      const face = (await worker.analyzeImage(live)).faces[0];
      assert.ok(face, 'the NUAA live frame has a face');
      return { score: face.liveness, keypoints: face.keypoints?.length ?? 0 };
    } finally {
      await worker.close();
    }
  };
  const convenience = await scoreAt('convenience');
  const strict = await scoreAt('strict');
  assert.ok(convenience.score !== null && strict.score !== null);
  // The score is re-centred on the level's threshold: a stricter level scores the same face lower.
  assert.ok(strict.score < convenience.score, `strict ${strict.score} < convenience ${convenience.score}`);
  assert.equal(convenience.keypoints, 6, 'BlazeFace keypoints reach the multi-frame checks');
});
