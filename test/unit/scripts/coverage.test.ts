import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collect, runs, summarize, unloaded } from '../../../scripts/coverage.ts';
import { tempDir } from '../../support/tmp.ts';

// Two classes: tsx puts a `static { __name(…) }` block after each, and the second one's range maps
// back over the first class. Mapping ranges back (node's own report, c8) calls `unused` covered.
const MODULE = `export class A {
  constructor(readonly x: number) {}

  used(): number {
    return this.x + 1;
  }

  unused(y: number): number {
    if (y > 2) {
      return y * 2;
    }
    return y;
  }
}

class B {
  other(): number {
    return 3;
  }
}

export function makeB(): B {
  return new B();
}

export function branchy(n: number): string {
  if (n > 0) {
    return 'positive';
  }
  return 'not';
}
`;

/** Runs each snippet in its own process (as tests, daemons and CLIs are) with `m` the module above. */
function measure(snippets: string[]) {
  const root = tempDir();
  mkdirSync(join(root, 'daemon'));
  const file = join(root, 'daemon', 'm.ts');
  writeFileSync(file, MODULE);
  writeFileSync(join(root, 'package.json'), '{"type":"module"}'); // ESM, as the daemon is
  const cov = join(root, 'v8');
  for (const code of snippets) {
    execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `const m = await import(${JSON.stringify(file)}); ${code}`], {
      env: { ...process.env, NODE_V8_COVERAGE: cov },
    });
  }
  return collect(cov, root);
}

void test('a method never called is uncovered even with a class after it; branches are V8 blocks that ran', () => {
  const files = measure(['new m.A(1).used(); m.branchy(1);']);
  assert.equal(files.length, 1);
  const f = files[0];
  assert.equal(f?.file, 'daemon/m.ts');
  assert.equal(runs(f?.uncoveredLines ?? []), '8-13 17-19 23-24 30', 'unused, B.other, makeB and the return not reached');
  assert.deepEqual([f?.branchesCovered, f?.branches], [0, 1], 'the one block V8 saw: n > 0 returned before the rest');
});

void test('counts from several processes add up: a line is covered when any of them ran it', () => {
  const [f] = measure(['m.branchy(1);', 'm.branchy(0); m.makeB().other();']);
  assert.equal(runs(f?.uncoveredLines ?? []), '2 4-6 8-14', 'only class A, never built, stays unrun');
  assert.deepEqual([f?.branchesCovered, f?.branches], [2, 2], 'each process skipped the arm the other ran');
  assert.equal(summarize(f ? [f] : []).lines, (100 * (f?.linesCovered ?? 0)) / (f?.lines ?? 1));
});

void test('a daemon file no test loads counts every line of code as uncovered, and none of its comments', () => {
  const dir = tempDir();
  const path = join(dir, 'never.ts');
  writeFileSync(path, '/** a doc comment */\nexport interface T { a: number }\n\nexport function f(t: T): number {\n  return t.a;\n}\n');
  const u = unloaded(path, dir);
  assert.deepEqual([u.file, u.lines, u.linesCovered, runs(u.uncoveredLines)], ['never.ts', 3, 0, '4-6']);
  // A file of types only (core/contracts.ts) is never loaded at run time and has nothing to cover.
  const types = join(dir, 'types.ts');
  writeFileSync(types, '/**\n * Types that cross rooms.\n */\n\nexport interface T { a: number }\n');
  assert.equal(unloaded(types, dir).lines, 0);
});
