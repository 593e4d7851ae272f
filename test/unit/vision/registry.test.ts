import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend, loadModel, readManifest, MODELS_DIR, type Manifest } from '../../../daemon/vision/index.ts';
import { modelPackageDir, packageDir, sha256 } from '../../../daemon/vision/registry.ts';
import { tempDir } from '../../support/tmp.ts';

const hasCode =
  (code: string) =>
  (err: Error & { code?: string }): boolean =>
    err.code === code;

test('every pinned model file matches its sha256 in models/manifest.json', () => {
  const manifest = readManifest();
  assert.ok(manifest.models.blazeface && manifest.models.mobileface && manifest.models['faceplugin-feature']);
  for (const [name, entry] of Object.entries(manifest.models)) {
    const dir = join(modelPackageDir(entry), entry.file, '..');
    for (const [file, pin] of Object.entries(entry.sha256)) assert.equal(sha256(readFileSync(join(dir, file))), pin, `${name}: ${file}`);
    for (const [variant, v] of Object.entries(entry.variants ?? {})) {
      const vdir = join(MODELS_DIR, v.file, '..');
      for (const [file, pin] of Object.entries(v.sha256)) assert.equal(sha256(readFileSync(join(vdir, file))), pin, `${name}@${variant}: ${file}`);
    }
  }
});

test('a model whose bytes differ from the pin is refused with a clear error', async () => {
  await initBackend('wasm');
  const manifest = structuredClone(readManifest());
  const entry = manifest.models.blazeface!;
  entry.sha256['blazeface.bin'] = '0'.repeat(64);
  await assert.rejects(
    loadModel('blazeface', 'float32', manifest),
    (err: Error & { code?: string }) =>
      err.code === 'VISION_MODEL_HASH' && /blazeface\.bin has sha256 [0-9a-f]{64}, but models\/manifest\.json pins 0{64}/.test(err.message),
  );
});

test('a tampered quantized copy on disk is refused; the untouched copy loads', async () => {
  await initBackend('wasm');
  const dir = tempDir();
  const real = readManifest();
  const entry = real.models.blazeface!;
  const src = join(packageDir(entry.package), entry.file, '..');
  copyFileSync(join(src, 'blazeface.json'), join(dir, 'blazeface.json'));
  copyFileSync(join(src, 'blazeface.bin'), join(dir, 'blazeface.bin'));
  const manifest: Manifest = { version: 1, models: { blazeface: { ...entry, variants: { uint8: { file: 'blazeface.json', sha256: entry.sha256 } } } } };
  const ok = await loadModel('blazeface', 'uint8', manifest, dir);
  assert.equal(ok.variant, 'uint8');
  ok.model.dispose();
  const bytes = readFileSync(join(dir, 'blazeface.bin'));
  bytes[1000] = (bytes[1000]! + 1) % 256;
  writeFileSync(join(dir, 'blazeface.bin'), bytes);
  await assert.rejects(loadModel('blazeface', 'uint8', manifest, dir), hasCode('VISION_MODEL_HASH'));
});

test('unknown models, missing variants and unpinned files are refused', async () => {
  const manifest = structuredClone(readManifest());
  await assert.rejects(loadModel('no-such-model', 'float32', manifest), hasCode('VISION_MODEL_UNKNOWN'));
  const noVariants = structuredClone(manifest);
  delete noVariants.models.blazeface!.variants;
  await assert.rejects(loadModel('blazeface', 'uint8', noVariants), hasCode('VISION_MODEL_MISSING'));
  delete manifest.models.blazeface!.sha256['blazeface.json'];
  await assert.rejects(loadModel('blazeface', 'float32', manifest), hasCode('VISION_MODEL_UNPINNED'));
  assert.throws(() => readManifest(tempDir()), hasCode('VISION_MANIFEST'));
});

test('an ONNX model is not loaded as a tfjs graph model', async () => {
  await assert.rejects(loadModel('faceplugin-feature', 'float32'), hasCode('VISION_MANIFEST'));
});
