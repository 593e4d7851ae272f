// A door's accepted PAD adaptation in the real vision worker (issue 26): the worker's liveness
// check scores a real face with the adaptation's model and thresholds once told, and with the
// shipped model again once it is removed; a worker started later starts with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../../daemon/core/index.ts';
import { embeddedDefaults } from '../../../daemon/config/index.ts';
import { VisionService } from '../../../daemon/vision/main-thread.ts';
import { AdaptEvidence, decodeImage, largestFace, padOptionsFromConfig, scoreAtThreshold } from '../../../daemon/vision/index.ts';
import { adaptedScore } from '../../../daemon/vision/pad/index.ts';
import { craftedAdaptation } from '../../support/pad-adaptation.ts';

const FACE = readFileSync(fileURLToPath(new URL('../../fixtures/pad/live__0001_00_00_01_0.jpg', import.meta.url)));
const config = embeddedDefaults();
const log = createLogger({ level: 'silent' });

async function scored(vision: VisionService) {
  const face = largestFace((await vision.analyzeImage(FACE)).faces);
  assert.ok(face, 'the fixture shows a face');
  return face;
}

test(
  'the worker judges with the adaptation once told, with the shipped model once it is removed, and a new worker starts with it',
  { timeout: 180_000 },
  async () => {
    // Fitted on crafted frames: its scores differ from the shipped model's, which is what shows it is used.
    const file = { ...craftedAdaptation(), clearSpoofCnn: 0.01 };
    const evidence = await AdaptEvidence.load(padOptionsFromConfig(config.pad));
    const vision = new VisionService({ config: config.vision, pad: config.pad, log });
    let later: VisionService | null = null;
    try {
      const shipped = await scored(vision);
      assert.ok(shipped.livenessRaw !== null && shipped.livenessRaw !== undefined, 'the shipped check judges the fixture');

      // What the adaptation must say of this face, computed here from the same evidence.
      const img = await decodeImage(FACE);
      const e = await evidence.frame(img.data, img.width, img.height, shipped.box);
      assert.ok(e, 'the shipped gate judges the face');
      const expected = adaptedScore(file, e.cnn, e.texture);
      assert.ok(
        Math.abs(expected - (shipped.livenessRaw ?? 0)) > 1e-3,
        `the adapted score (${expected}) differs from the shipped one (${shipped.livenessRaw})`,
      );

      await vision.setPadAdaptation(file);
      const adapted = await scored(vision);
      assert.ok(Math.abs((adapted.livenessRaw ?? Number.NaN) - expected) < 1e-4, `adapted raw ${adapted.livenessRaw}, expected ${expected}`);
      assert.equal(adapted.liveness, scoreAtThreshold(expected, file.thresholds[config.pad.security_level]));

      await vision.setPadAdaptation(null);
      const again = await scored(vision);
      assert.ok(Math.abs((again.livenessRaw ?? Number.NaN) - (shipped.livenessRaw ?? 0)) < 1e-6, 'the shipped model judges again');

      // A self-test fitting an adaptation: each judged face's evidence comes back, only while asked.
      await vision.collectPadEvidence(true);
      const collected = (await scored(vision)).padEvidence;
      assert.ok(collected, 'the evidence comes back while collecting');
      assert.ok(Math.abs(collected.cnn - e.cnn) < 1e-5 && Math.abs(collected.shippedRaw - (shipped.livenessRaw ?? 0)) < 1e-6);
      assert.equal(collected.texture.length, e.texture.length);
      assert.ok(collected.texture.every((v, i) => Math.abs(v - (e.texture[i] ?? Number.NaN)) < 1e-4));
      await vision.collectPadEvidence(false);
      assert.equal((await scored(vision)).padEvidence, undefined, 'none once the run is over');

      later = new VisionService({ config: config.vision, pad: config.pad, log, padAdaptation: file });
      const fresh = await scored(later);
      assert.ok(Math.abs((fresh.livenessRaw ?? Number.NaN) - expected) < 1e-4, `a worker started with the adaptation: ${fresh.livenessRaw}`);
    } finally {
      evidence.close();
      await vision.close();
      await later?.close();
    }
  },
);
