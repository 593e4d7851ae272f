import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../../support/tmp.ts';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

function project(files: Record<string, string>): string {
  const dir = tempDir();
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', allowImportingTsExtensions: true, noEmit: true } }),
  );
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function depcruise(cwd: string): { status: number | null; out: string } {
  const r = spawnSync(join(repo, 'node_modules/.bin/depcruise'), ['daemon', '--config', join(repo, '.dependency-cruiser.cjs')], { cwd, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

test('the dependency check passes on this repository', () => {
  const r = depcruise(repo);
  assert.equal(r.status, 0, r.out);
});

test('a room importing a room to its right fails the check', () => {
  const dir = project({
    'daemon/core/index.ts': "import { x } from '../door/index.ts';\nexport const y = x;\n",
    'daemon/door/index.ts': 'export const x = 1;\n',
  });
  const r = depcruise(dir);
  assert.notEqual(r.status, 0);
  assert.match(r.out, /core-imports-right/);
});

test('rooms of the same tier may not import each other, and edges are imported by nobody', () => {
  const dir = project({
    'daemon/vision/index.ts': "import { c } from '../camera/index.ts';\nexport const v = c;\n",
    'daemon/camera/index.ts': 'export const c = 1;\n',
    'daemon/admin/index.ts': "import { m } from '../mqtt/index.ts';\nexport const a = m;\n",
    'daemon/mqtt/index.ts': 'export const m = 1;\n',
  });
  const r = depcruise(dir);
  assert.notEqual(r.status, 0);
  assert.match(r.out, /vision-imports-right/);
  assert.match(r.out, /admin-imports-right/);
});

test("reaching past another room's index.ts fails the check; inside a room is fine", () => {
  const dir = project({
    'daemon/door/index.ts': "export { x } from './lines.ts';\n",
    'daemon/door/lines.ts': 'export const x = 1;\n',
    'daemon/mqtt/index.ts': "import { x } from '../door/lines.ts';\nexport const m = x;\n",
  });
  const r = depcruise(dir);
  assert.notEqual(r.status, 0);
  assert.match(r.out, /past-index/);
  assert.doesNotMatch(r.out, /door\/index\.ts → daemon\/door\/lines\.ts/);
});
