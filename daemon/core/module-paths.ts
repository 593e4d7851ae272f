// Where facegate's own files are, whether the TypeScript source runs (through tsx) or the build in
// dist/ does: dist/ sits one folder deeper than the source, and its modules end in .js.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest folder at or above `from` with a package.json (dist/ has none of its own); null when there is none. */
export function findPackageRoot(from: string): string | null {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return null;
  }
}

const here = dirname(fileURLToPath(import.meta.url));
/**
 * facegate's package folder (package.json, models/, config/): the checkout when the source runs,
 * the install prefix when dist/ does. Without a package.json above, the source layout's guess.
 */
export const PACKAGE_ROOT: string = findPackageRoot(here) ?? resolve(here, '../..');

/**
 * A module named by its source path (`./worker.ts`) as the running code names it: .ts for the
 * source, .js when `base` is a compiled module. tsc rewrites import specifiers only, not the URLs
 * given to worker threads or passed on for a later import().
 */
export function moduleUrl(path: string, base: string): URL {
  const url = new URL(path, base);
  if (base.endsWith('.js') && url.pathname.endsWith('.ts')) url.pathname = `${url.pathname.slice(0, -3)}.js`;
  return url;
}
