import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_STAMP, BuildChoiceError, chooseBuild, newestInput } from '../../../bin/runtime.js';
import { tempDir } from '../../support/tmp.ts';

/** A package folder with one source file and, when `built` is given, a dist/ stamped at that time (seconds). */
function tree(sourceAt: number, built?: number): string {
  const root = tempDir();
  mkdirSync(join(root, 'daemon', 'core'), { recursive: true });
  const source = join(root, 'daemon', 'core', 'bus.ts');
  writeFileSync(source, '');
  utimesSync(source, sourceAt, sourceAt);
  if (built !== undefined) {
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist', BUILD_STAMP), '');
    utimesSync(join(root, 'dist', BUILD_STAMP), built, built);
  }
  return root;
}

const T = 1_800_000_000;

void test('no build: the source, through tsx, without a word', () => {
  const root = tree(T);
  assert.deepEqual(chooseBuild('daemon/cli', {}, root), { compiled: false, url: new URL(`file://${root}/daemon/cli.ts`), stale: null });
});

void test('a build newer than every source file runs; an edit after it sends the entry back to the source, saying why', () => {
  const root = tree(T, T + 10);
  assert.deepEqual(chooseBuild('daemon/cli', {}, root), { compiled: true, url: new URL(`file://${root}/dist/daemon/cli.js`), stale: null });
  utimesSync(join(root, 'daemon', 'core', 'bus.ts'), T + 20, T + 20);
  const edited = chooseBuild('daemon/cli', {}, root);
  assert.equal(edited.compiled, false);
  assert.equal(edited.stale, 'daemon/core/bus.ts changed after the build in dist/');
});

void test('an install without the TypeScript source runs its dist/', () => {
  const root = tempDir();
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'dist', BUILD_STAMP), '');
  assert.equal(chooseBuild('scripts/door-failsafe', {}, root).compiled, true);
});

void test('FACEGATE_DIST: 0 always the source, 1 only a current build, anything else refused', () => {
  assert.equal(chooseBuild('daemon/cli', { FACEGATE_DIST: '0' }, tree(T, T + 10)).compiled, false);
  assert.equal(chooseBuild('daemon/cli', { FACEGATE_DIST: '1' }, tree(T, T + 10)).compiled, true);
  const refused = (env: NodeJS.ProcessEnv, root: string, code: number, message: RegExp): void => {
    assert.throws(
      () => chooseBuild('daemon/cli', env, root),
      (e: unknown) => e instanceof BuildChoiceError && e.exitCode === code && message.test(e.message),
    );
  };
  refused({ FACEGATE_DIST: '1' }, tree(T), 69, /^FACEGATE_DIST=1, but there is no build in dist\/: run npm run build$/);
  refused({ FACEGATE_DIST: '1' }, tree(T + 20, T + 10), 69, /daemon\/core\/bus\.ts changed after the build/);
  refused({ FACEGATE_DIST: 'yes' }, tree(T), 64, /^FACEGATE_DIST must be 0 .* or 1 .*, not "yes"$/);
});

void test('newestInput: the latest file of the build inputs, whichever folder it is in', () => {
  const root = tree(T);
  mkdirSync(join(root, 'daemon', 'door'));
  writeFileSync(join(root, 'daemon', 'door', 'gpiod-line.py'), '');
  utimesSync(join(root, 'daemon', 'door', 'gpiod-line.py'), T + 5, T + 5);
  writeFileSync(join(root, 'tsconfig.json'), '{}');
  utimesSync(join(root, 'tsconfig.json'), T + 3, T + 3);
  writeFileSync(join(root, 'README.md'), '');
  assert.deepEqual(newestInput(root), { path: join(root, 'daemon', 'door', 'gpiod-line.py'), mtimeMs: (T + 5) * 1000 });
});
