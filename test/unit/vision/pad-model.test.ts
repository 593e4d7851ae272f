// The trained single-frame PAD model: it loads, it is pinned by sha256 (a changed file is
// refused), and it tells the NUAA fixture frames apart, with faces found by the daemon's detector.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FaceDetector, MODELS_DIR, decodeImage, initBackend, loadModel } from '../../../daemon/vision/index.ts';
import { PadScorer, createLivenessCheck, featureLength, loadPadModel, readPadManifestEntry, sha256Hex } from '../../../daemon/vision/pad/index.ts';
import type { PadLivenessCheck } from '../../../daemon/vision/pad/index.ts';
import { tempDir } from '../../support/tmp.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/pad');

/** A models dir holding only the PAD entry and file, so a test can tamper with its own copy. */
function copyModels(): string {
  const dir = tempDir('facegate-pad-');
  const entry = readPadManifestEntry(MODELS_DIR);
  mkdirSync(join(dir, 'pad'), { recursive: true });
  copyFileSync(join(MODELS_DIR, entry.file), join(dir, entry.file));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ version: 1, models: {}, pad: { 'pad-lbp': entry } }));
  return dir;
}

test('the shipped PAD model loads, matches its pin and has a consistent shape', () => {
  const entry = readPadManifestEntry(MODELS_DIR);
  assert.equal(sha256Hex(readFileSync(join(MODELS_DIR, entry.file))), entry.sha256);
  const model = loadPadModel(MODELS_DIR);
  assert.equal(model.classifier.weights.length, featureLength(model.features));
  const { convenience, balanced, strict } = model.operatingPoints;
  assert.ok(convenience <= balanced && balanced <= strict, 'stricter levels need a higher raw probability');
});

test('a PAD model file changed by one byte is refused with PAD_MODEL_HASH', () => {
  const dir = copyModels();
  const entry = readPadManifestEntry(dir);
  const path = join(dir, entry.file);
  const text = readFileSync(path, 'utf8');
  // Flip one digit of the bias: still valid JSON, a different model.
  const tampered = text.replace(/"bias":(-?)(\d)/, (_m, sign: string, d: string) => `"bias":${sign}${(Number(d) + 1) % 10}`);
  assert.notEqual(tampered, text);
  writeFileSync(path, tampered);
  assert.throws(
    () => loadPadModel(dir),
    (err: Error & { code?: string }) => err.code === 'PAD_MODEL_HASH' && /refusing/.test(err.message),
  );
});

test('a PAD model missing from the manifest, missing on disk, or pinned but malformed is refused', () => {
  const unpinned = tempDir('facegate-pad-');
  writeFileSync(join(unpinned, 'manifest.json'), JSON.stringify({ version: 1, models: {} }));
  assert.throws(
    () => loadPadModel(unpinned),
    (err: Error & { code?: string }) => err.code === 'PAD_MODEL_UNPINNED',
  );

  const missing = copyModels();
  const entry = readPadManifestEntry(missing);
  writeFileSync(join(missing, 'manifest.json'), JSON.stringify({ version: 1, models: {}, pad: { 'pad-lbp': { ...entry, file: 'pad/nope.json' } } }));
  assert.throws(
    () => loadPadModel(missing),
    (err: Error & { code?: string }) => err.code === 'PAD_MODEL_MISSING',
  );

  // Pinned correctly, but the weights do not fit the feature recipe: must not score.
  const broken = copyModels();
  const model = JSON.parse(readFileSync(join(broken, entry.file), 'utf8')) as { classifier: { weights: number[] } };
  model.classifier.weights.pop();
  const bytes = Buffer.from(JSON.stringify(model));
  writeFileSync(join(broken, entry.file), bytes);
  writeFileSync(join(broken, 'manifest.json'), JSON.stringify({ version: 1, models: {}, pad: { 'pad-lbp': { ...entry, sha256: sha256Hex(bytes) } } }));
  assert.throws(
    () => loadPadModel(broken),
    (err: Error & { code?: string }) => err.code === 'PAD_MODEL_INVALID',
  );

  const notJson = copyModels();
  const junk = Buffer.from('{"format": "facegate-pad", ');
  writeFileSync(join(notJson, entry.file), junk);
  writeFileSync(join(notJson, 'manifest.json'), JSON.stringify({ version: 1, models: {}, pad: { 'pad-lbp': { ...entry, sha256: sha256Hex(junk) } } }));
  assert.throws(
    () => loadPadModel(notJson),
    (err: Error & { code?: string }) => err.code === 'PAD_MODEL_INVALID',
  );
});

test('live fixture frames score live and printed-photo frames score as attacks (daemon detector, largest face)', async () => {
  await initBackend('wasm');
  const detector = new FaceDetector(await loadModel('blazeface'), { minScore: 0.5, iou: 0.3, maxFaces: 5 });
  const check = (await createLivenessCheck()) as PadLivenessCheck;
  const files = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.jpg'))
    .sort();
  assert.ok(files.filter((f) => f.startsWith('live')).length >= 3 && files.filter((f) => f.startsWith('spoof')).length >= 3);
  const scores: { file: string; live: boolean; score: number }[] = [];
  for (const file of files) {
    const image = await decodeImage(readFileSync(join(FIXTURES, file)));
    const faces = await detector.detect(image);
    assert.ok(faces.length >= 1, `${file}: a face`);
    const face = [...faces].sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height)[0]!;
    const score = await check.score({ image, box: face.box, keypoints: face.keypoints, detectionScore: face.score });
    assert.ok(score !== null, `${file}: the face is judged`);
    scores.push({ file, live: file.startsWith('live'), score });
  }
  for (const s of scores) {
    if (s.live) assert.ok(s.score >= 0.5, `${s.file} is live but scored ${s.score}`);
    else assert.ok(s.score < 0.5, `${s.file} is a printed photo but scored ${s.score}`);
  }
  const minLive = Math.min(...scores.filter((s) => s.live).map((s) => s.score));
  const maxSpoof = Math.max(...scores.filter((s) => !s.live).map((s) => s.score));
  assert.ok(minLive > maxSpoof);
});

test('a stricter security level never scores a face higher', async () => {
  const levels = await Promise.all(
    (['convenience', 'balanced', 'strict'] as const).map((securityLevel) => PadScorer.load({ securityLevel, minFacePx: 64, modelsDir: MODELS_DIR })),
  );
  const w = 320,
    h = 240;
  const rgb = new Uint8Array(w * h * 3);
  // A textured, skin-toned patch: any face-like input will do for the ordering.
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const v = 40 * Math.sin(x / 7) * Math.cos(y / 9) + (((i * 2654435761) >>> 24) & 15);
      rgb[i * 3] = 160 + v;
      rgb[i * 3 + 1] = 120 + v;
      rgb[i * 3 + 2] = 100 + v / 2;
    }
  }
  const box = { x: 100, y: 60, width: 120, height: 120 };
  const [c, b, s] = await Promise.all(levels.map(async (l) => (await l.judge(rgb, w, h, box)).score));
  for (const l of levels) l.close();
  assert.ok(c != null && b != null && s != null);
  assert.ok(c >= b && b >= s, `${c} ≥ ${b} ≥ ${s}`);
});

test('several faces in one frame: each face is judged on its own box', async () => {
  await initBackend('wasm');
  const detector = new FaceDetector(await loadModel('blazeface'), { minScore: 0.5, iou: 0.3, maxFaces: 5 });
  const scorer = await PadScorer.load();
  // A live frame and a printed-photo frame side by side: one 1280×480 frame with both people.
  const live = await decodeImage(readFileSync(join(FIXTURES, 'live__0001_00_00_01_0.jpg')));
  const spoof = await decodeImage(readFileSync(join(FIXTURES, 'spoof__0002_01_00_01_0.jpg')));
  const width = live.width + spoof.width;
  const data = new Uint8Array(width * live.height * 3);
  for (let y = 0; y < live.height; y++) {
    data.set(live.data.subarray(y * live.width * 3, (y + 1) * live.width * 3), y * width * 3);
    data.set(spoof.data.subarray(y * spoof.width * 3, (y + 1) * spoof.width * 3), (y * width + live.width) * 3);
  }
  const image = { width, height: live.height, data };
  const faces = (await detector.detect(image)).filter((f) => f.box.width >= 64);
  const left = faces.filter((f) => f.box.x + f.box.width / 2 < live.width).sort((a, b) => b.box.width - a.box.width)[0];
  const right = faces.filter((f) => f.box.x + f.box.width / 2 >= live.width).sort((a, b) => b.box.width - a.box.width)[0];
  assert.ok(left && right, 'a large face on each side');
  const l = await scorer.judge(image.data, width, image.height, left.box);
  const r = await scorer.judge(image.data, width, image.height, right.box);
  scorer.close();
  assert.ok(l.score !== null && l.score >= 0.5, `live face ${JSON.stringify(l)}`);
  assert.ok(r.score !== null && r.score < 0.5, `photo ${JSON.stringify(r)}`);
});
