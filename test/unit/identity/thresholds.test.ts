import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FALLBACK_THRESHOLDS, loadThresholds } from '../../../daemon/identity/index.ts';
import { tempDir } from '../../support/tmp.ts';
import { memoryLogger } from '../../support/logger.ts';

void test('security levels map to what eval measured for the embedder in use', () => {
  const dir = tempDir();
  const file = join(dir, 'thresholds.json');
  writeFileSync(
    file,
    JSON.stringify({
      'mobileface@float32': { far: { '1e-3': 0.31, '1e-4': 0.37, '1e-5': 0.44 }, accuracy: 0.2, measuredOn: 'lfw-dev' },
      'faceres@float32': { far: { '1e-3': 0.5, '1e-4': 0.6, '1e-5': 0.7 }, accuracy: 0.4, measuredOn: 'lfw-dev' },
    }),
  );
  assert.deepEqual(loadThresholds(file, undefined, 'mobileface@float32').thresholds, { 'far_1e-3': 0.31, 'far_1e-4': 0.37, 'far_1e-5': 0.44 });
  assert.deepEqual(loadThresholds(file, undefined, 'faceres@float32').thresholds, { 'far_1e-3': 0.5, 'far_1e-4': 0.6, 'far_1e-5': 0.7 });
  writeFileSync(file, JSON.stringify({ 'far_1e-3': 0.3, 'far_1e-4': 0.4 }));
  const { log, lines } = memoryLogger('warn');
  const partial = loadThresholds(file, log);
  assert.deepEqual(partial.thresholds, { 'far_1e-3': 0.3, 'far_1e-4': 0.4, 'far_1e-5': FALLBACK_THRESHOLDS['far_1e-5'] });
  assert.ok(lines().some((l) => JSON.stringify(l.missing) === '["far_1e-5"]'));
});

void test('a missing or broken file falls back to the strict built-ins with a warning', () => {
  const dir = tempDir();
  const { log, lines } = memoryLogger('warn');
  assert.deepEqual(loadThresholds(join(dir, 'none.json'), log), { thresholds: FALLBACK_THRESHOLDS, source: 'fallback' });
  writeFileSync(join(dir, 'bad.json'), '{ not json');
  assert.equal(loadThresholds(join(dir, 'bad.json'), log).source, 'fallback');
  writeFileSync(join(dir, 'odd.json'), JSON.stringify({ 'far_1e-3': 'high', 'far_1e-4': 7 }));
  assert.deepEqual(loadThresholds(join(dir, 'odd.json'), log).thresholds, FALLBACK_THRESHOLDS, 'values that are no cosine are ignored');
  assert.equal(lines().length, 3);
  assert.deepEqual(loadThresholds(null).thresholds, FALLBACK_THRESHOLDS);
});
