import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODELS_DIR, readManifest, sha256 } from '../../../daemon/vision/registry.ts';

const bin = fileURLToPath(new URL('../../../bin/facegate.js', import.meta.url));
const facegate = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: '/', timeout: 120_000, env: { ...process.env, FACEGATE_DIST: '0' } });

test('`facegate models quantize MODEL` re-derives the int8 copy from the committed calibration and finds it as pinned', () => {
  const r = facegate('models', 'quantize', 'faceplugin-feature', '--json');
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { sha256: string; pinned: string; bytes_int8: number; bytes_float: number; method: string; file: string };
  const v = readManifest().models['faceplugin-feature']!.variants!.int8!;
  assert.equal(report.sha256, v.sha256['fr_feature.int8.onnx']);
  assert.equal(report.pinned, report.sha256);
  assert.equal(report.file, join(MODELS_DIR, v.file));
  assert.equal(sha256(readFileSync(report.file)), report.sha256);
  assert.ok(report.bytes_int8 < report.bytes_float / 2);
  assert.match(report.method, /^percentile-/);
});

test('`facegate models quantize` refuses what it cannot do with a usage error', () => {
  assert.equal(facegate('models', 'quantize').status, 64);
  const tfjs = facegate('models', 'quantize', 'blazeface');
  assert.equal(tfjs.status, 64);
  assert.match(tfjs.stderr, /not an ONNX model/);
  const noData = facegate('models', 'quantize', 'faceplugin-feature', '--calibrate');
  assert.equal(noData.status, 64);
  assert.match(noData.stderr, /--data/);
  const unknown = facegate('models', 'quantize', 'nope');
  assert.notEqual(unknown.status, 0);
  assert.match(unknown.stderr, /not in models\/manifest.json/);
});
