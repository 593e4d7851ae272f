// An installed facegate tree built from this checkout (`npm run build -- --out PREFIX/dist`) with
// no tsx in it: its node_modules links every package of the checkout's except tsx, so any part
// that still went through tsx's loader would fail to load there. No TypeScript source either.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, realpathSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from './tmp.ts';

export const CHECKOUT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const ENTRIES = ['package.json', 'bin/facegate.js', 'bin/runtime.js', 'scripts/door-failsafe.js'];

export async function builtTreeWithoutTsx(): Promise<string> {
  const prefix = tempDir('facegate-built-');
  for (const f of ENTRIES) {
    mkdirSync(dirname(join(prefix, f)), { recursive: true });
    copyFileSync(join(CHECKOUT, f), join(prefix, f));
  }
  symlinkSync(join(CHECKOUT, 'models'), join(prefix, 'models'));
  const modules = realpathSync(join(CHECKOUT, 'node_modules'));
  mkdirSync(join(prefix, 'node_modules'));
  for (const name of readdirSync(modules)) {
    if (name !== 'tsx' && !name.startsWith('.')) symlinkSync(join(modules, name), join(prefix, 'node_modules', name));
  }
  await promisify(execFile)('npm', ['run', '-s', 'build', '--', '--out', join(prefix, 'dist')], { cwd: CHECKOUT, timeout: 300_000 });
  return prefix;
}
