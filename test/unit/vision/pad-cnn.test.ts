// The shipped PAD: the CNN liveness model and the fusion file are pinned (a changed or missing file
// is refused, so no face is judged by it), the fused score needs all of its evidence, and the
// levels read from the fusion file are ordered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MODELS_DIR, readManifest } from '../../../daemon/vision/index.ts';
import { CNN_PAD_MODEL, PAD_FUSION_NAME, PadScorer, fuse, loadFusionModel, readPadLevels, readPadManifestEntry } from '../../../daemon/vision/pad/index.ts';
import { tempDir } from '../../support/tmp.ts';

/** A models dir with the shipped manifest, PAD files and CNN file, for a test to tamper with. */
function copyModels(): string {
  const dir = tempDir('facegate-pad-cnn-');
  const manifest = readManifest(MODELS_DIR);
  for (const name of ['pad-lbp', PAD_FUSION_NAME]) {
    const e = readPadManifestEntry(MODELS_DIR, name);
    mkdirSync(dirname(join(dir, e.file)), { recursive: true });
    copyFileSync(join(MODELS_DIR, e.file), join(dir, e.file));
  }
  const cnn = manifest.models[CNN_PAD_MODEL]!;
  const rel = join('packages', cnn.package, cnn.file);
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  copyFileSync(join(MODELS_DIR, rel), join(dir, rel));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

function cnnPath(dir: string): string {
  const cnn = readManifest(dir).models[CNN_PAD_MODEL]!;
  return join(dir, 'packages', cnn.package, cnn.file);
}

test('the shipped fusion reads the CNN, and its levels get stricter in order', () => {
  const fusion = loadFusionModel(MODELS_DIR);
  assert.ok(fusion.inputs.includes('cnn'));
  const levels = readPadLevels(MODELS_DIR);
  assert.ok(levels.convenience < levels.balanced && levels.balanced < levels.strict, JSON.stringify(levels));
});

test('the scorer loads from a copy of the shipped files', async () => {
  const scorer = await PadScorer.load({ modelsDir: copyModels() });
  assert.match(scorer.name, /cnn/);
  scorer.close();
});

test('a CNN model file changed by one byte is refused, and so is a missing one', async () => {
  const altered = copyModels();
  const bytes = readFileSync(cnnPath(altered));
  bytes[bytes.length - 10] = (bytes[bytes.length - 10]! + 1) % 256;
  writeFileSync(cnnPath(altered), bytes);
  await assert.rejects(
    PadScorer.load({ modelsDir: altered }),
    (err: Error & { code?: string }) => err.code === 'VISION_MODEL_HASH' && /refusing/.test(err.message),
  );

  const missing = copyModels();
  rmSync(cnnPath(missing));
  await assert.rejects(PadScorer.load({ modelsDir: missing }), (err: Error & { code?: string }) => err.code === 'VISION_MODEL_MISSING');
});

test('a changed, unpinned or malformed fusion file is refused', async () => {
  const changed = copyModels();
  const e = readPadManifestEntry(changed, PAD_FUSION_NAME);
  writeFileSync(join(changed, e.file), readFileSync(join(changed, e.file), 'utf8').replace('"bias":', '"bias":1+'));
  assert.throws(
    () => loadFusionModel(changed),
    (err: Error & { code?: string }) => err.code === 'PAD_MODEL_HASH',
  );
  await assert.rejects(PadScorer.load({ modelsDir: changed }), (err: Error & { code?: string }) => err.code === 'PAD_MODEL_HASH');

  const unpinned = copyModels();
  const m = JSON.parse(readFileSync(join(unpinned, 'manifest.json'), 'utf8')) as { pad: Record<string, unknown> };
  delete m.pad[PAD_FUSION_NAME];
  writeFileSync(join(unpinned, 'manifest.json'), JSON.stringify(m));
  assert.throws(
    () => loadFusionModel(unpinned),
    (err: Error & { code?: string }) => err.code === 'PAD_MODEL_UNPINNED',
  );
});

test('the fused score is NaN (never live) when evidence is missing or not a probability', () => {
  const m = { inputs: ['cnn', 'texture'] as ('cnn' | 'texture')[], weights: [1, 1], bias: 0 };
  assert.ok(Math.abs(fuse(m, { cnn: 0.5, texture: 0.5 }) - 0.5) < 1e-9);
  assert.ok(Number.isNaN(fuse(m, { cnn: 0.9 })));
  assert.ok(Number.isNaN(fuse(m, { cnn: Number.NaN, texture: 0.9 })));
  assert.ok(Number.isNaN(fuse(m, { cnn: 1.5, texture: 0.9 })));
});
