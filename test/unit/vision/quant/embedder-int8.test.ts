import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { alignFace, cosine, decodeImage, modelKey, OnnxEmbedder, readManifest, withOnnxVariant, type Manifest } from '../../../../daemon/vision/index.ts';
import { MODELS_DIR, fetchedPackageDir, sha256 } from '../../../../daemon/vision/registry.ts';
import { deriveInt8, installInt8, readCalibration } from '../../../../daemon/vision/quant/derive.ts';
import { decodeModel } from '../../../../daemon/vision/quant/onnx-model.ts';
import { tempDir } from '../../../support/tmp.ts';

const NAME = 'faceplugin-feature';
const hasCode =
  (code: string) =>
  (err: Error & { code?: string }): boolean =>
    err.code === code;
const fixture = (name: string): Buffer => readFileSync(new URL(`../../../fixtures/faces/${name}.jpg`, import.meta.url));

/** A models dir with the float embedder, the committed calibration and a copy of the manifest, but no int8 file. */
function modelsDir(): { dir: string; manifest: Manifest; int8Path: string } {
  const manifest = readManifest();
  const entry = manifest.models[NAME]!;
  const dir = tempDir();
  const float = join(fetchedPackageDir(entry.package, dir), entry.file);
  mkdirSync(dirname(float), { recursive: true });
  copyFileSync(join(fetchedPackageDir(entry.package), entry.file), float);
  const cal = entry.variants!.int8!.derive!.calibration;
  mkdirSync(dirname(join(dir, cal)), { recursive: true });
  copyFileSync(join(MODELS_DIR, cal), join(dir, cal));
  return { dir, manifest, int8Path: join(dir, entry.variants!.int8!.file) };
}

test('the int8 embedder is derived from the pinned float file byte for byte as pinned, and installed only once', () => {
  const { dir, manifest, int8Path } = modelsDir();
  const v = manifest.models[NAME]!.variants!.int8!;
  const a = deriveInt8(NAME, manifest, dir);
  assert.equal(sha256(a), v.sha256['fr_feature.int8.onnx'], 'the pinned sha256');
  assert.equal(sha256(deriveInt8(NAME, manifest, dir)), sha256(a), 'deterministic');
  assert.ok(a.length < 0.35 * readFileSync(join(fetchedPackageDir(manifest.models[NAME]!.package), manifest.models[NAME]!.file)).length);
  const ops = new Set(decodeModel(a).graph!.node!.map((n) => n.opType));
  assert.ok(ops.has('QuantizeLinear') && ops.has('DequantizeLinear') && ops.has('Conv'));
  assert.equal(installInt8(NAME, manifest, dir), 'derived');
  assert.equal(sha256(readFileSync(int8Path)), sha256(a));
  assert.equal(installInt8(NAME, manifest, dir), 'in place');
  // A changed file is derived again; a pin that the derivation does not reach is refused.
  writeFileSync(int8Path, 'changed');
  assert.equal(installInt8(NAME, manifest, dir), 'derived');
  const wrongPin = structuredClone(manifest);
  wrongPin.models[NAME]!.variants!.int8!.sha256 = { 'fr_feature.int8.onnx': '0'.repeat(64) };
  writeFileSync(int8Path, 'changed');
  assert.throws(() => installInt8(NAME, wrongPin, dir), hasCode('VISION_MODEL_HASH'));
  // Ranges measured on another float file are not applied to this one.
  const cal = readCalibration(join(dir, v.derive!.calibration));
  assert.throws(() => deriveInt8(NAME, manifest, dir, { ...cal, parentSha256: 'f'.repeat(64) }), hasCode('VISION_MODEL_HASH'));
  assert.throws(() => deriveInt8(NAME, manifest, dir, cal, 'percentile-42'), hasCode('VISION_MANIFEST'));
});

test('vision.variant picks int8 per model; the thresholds key names what really loads', () => {
  assert.equal(modelKey(NAME, 'float16'), `${NAME}@float32`);
  assert.equal(modelKey(NAME, { default: 'float16', [NAME]: 'int8' }), `${NAME}@int8`);
  assert.equal(modelKey('mobileface', { default: 'float16', [NAME]: 'int8' }), 'mobileface@float16');
  const int8 = withOnnxVariant('float16', 'int8');
  assert.ok(typeof int8 === 'object' && int8[NAME] === 'int8' && int8.default === 'float16');
  const float = withOnnxVariant({ default: 'float16', [NAME]: 'int8' }, 'float');
  assert.ok(typeof float === 'object' && float[NAME] === 'float32');
});

test('the int8 embedder runs in onnxruntime-web and its embeddings of real faces stay close to the float ones', async () => {
  const { dir, manifest } = modelsDir();
  installInt8(NAME, manifest, dir);
  const float = await OnnxEmbedder.load(NAME, manifest, dir, { pixels: 'signed' }, 1, 'float32');
  const int8 = await OnnxEmbedder.load(NAME, manifest, dir, { pixels: 'signed' }, 1, 'int8');
  try {
    assert.equal(int8.variant, 'int8');
    assert.equal(float.variant, 'float32');
    const kp: [number, number][] = [
      [105, 115],
      [145, 115],
      [125, 140],
      [125, 160],
    ];
    const names = ['Amber_Tamblyn_0001', 'Amber_Tamblyn_0002', 'Anders_Fogh_Rasmussen_0001', 'Anders_Fogh_Rasmussen_0003', 'Abel_Pacheco_0001'];
    const crops = await Promise.all(names.map(async (n) => alignFace(await decodeImage(fixture(n)), kp, 112).crop));
    const f = [],
      q = [];
    for (const c of crops) {
      f.push(await float.embed([c]));
      q.push(await int8.embed([c]));
    }
    for (let i = 0; i < crops.length; i++) {
      const c = cosine(f[i]!, q[i]!);
      assert.ok(c > 0.95 && c < 0.99999, `${names[i]}: int8 vs float cosine ${c}`);
    }
    // The int8 model still tells the same person from another.
    assert.ok(cosine(q[0]!, q[1]!) > cosine(q[0]!, q[2]!) + 0.1, `same ${cosine(q[0]!, q[1]!)} vs different ${cosine(q[0]!, q[2]!)}`);
  } finally {
    float.dispose();
    int8.dispose();
  }
});
