import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT, findPackageRoot, moduleUrl } from '../../../daemon/core/index.ts';
import { tempDir } from '../../support/tmp.ts';

void test('moduleUrl names a module .ts from the source and .js from a compiled module', () => {
  assert.equal(moduleUrl('./worker.ts', 'file:///app/daemon/vision/worker-client.ts').href, 'file:///app/daemon/vision/worker.ts');
  assert.equal(moduleUrl('./worker.ts', 'file:///app/dist/daemon/vision/worker-client.js').href, 'file:///app/dist/daemon/vision/worker.js');
  assert.equal(moduleUrl('../vision/pad/module.ts', 'file:///app/dist/daemon/cli/pad.js').href, 'file:///app/dist/daemon/vision/pad/module.js');
  // Files that are not TypeScript are copied into dist/ under their own names.
  assert.equal(moduleUrl('../core/worker-boot.mjs', 'file:///app/dist/daemon/vision/x.js').href, 'file:///app/dist/daemon/core/worker-boot.mjs');
});

void test('the package folder is the nearest one with a package.json: the checkout for the source, the prefix for dist/', () => {
  assert.equal(PACKAGE_ROOT, fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, ''));
  const prefix = tempDir();
  writeFileSync(join(prefix, 'package.json'), '{}');
  const core = join(prefix, 'dist', 'daemon', 'core');
  mkdirSync(core, { recursive: true });
  assert.equal(findPackageRoot(core), prefix);
  assert.equal(findPackageRoot('/'), null);
});
