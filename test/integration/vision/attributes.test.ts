import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { embeddedDefaults } from '../../../daemon/config/index.ts';
import { createVisionPipeline } from '../../../daemon/vision/index.ts';
import { memoryLogger } from '../../support/logger.ts';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/faces/${name}.jpg`, import.meta.url));

test('attributes appear only when enabled: emotion among 7 classes, an age, and gender', async () => {
  const config = structuredClone(embeddedDefaults().vision);
  assert.deepEqual(config.attributes, { emotion: false, age_gender: false }, 'off by default (AI Act note in the config)');
  config.attributes = { emotion: true, age_gender: true };
  const pipeline = await createVisionPipeline(config, memoryLogger().log);
  try {
    assert.equal(pipeline.models.emotion, 'emotion@float32');
    assert.equal(pipeline.models.age_gender, 'gear@float32');
    const expected: Record<string, string> = { Amber_Tamblyn_0001: 'female', Anders_Fogh_Rasmussen_0001: 'male' };
    for (const [name, gender] of Object.entries(expected)) {
      const a = (await pipeline.analyzeImage(fixture(name))).faces[0]!.attributes!;
      assert.ok(['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'].includes(a.emotion!), a.emotion);
      assert.ok(a.emotionScore! > 0 && a.emotionScore! <= 1);
      assert.ok(a.age! >= 10 && a.age! <= 70, String(a.age));
      assert.equal(a.gender, gender, name);
      assert.ok(a.genderScore! >= 0.5 && a.genderScore! <= 1);
    }
  } finally {
    await pipeline.close();
  }
});
