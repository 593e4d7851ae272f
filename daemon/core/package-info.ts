import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './module-paths.ts';

export interface PackageInfo {
  version: string;
  /** package.json's homepage (an http(s) URL): where users get help; null when the package names none. */
  homepage: string | null;
}

let cached: PackageInfo | null = null;

/** facegate's own package.json, read once: it does not change while the daemon runs. */
export function packageInfo(): PackageInfo {
  if (cached) return cached;
  try {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: unknown; homepage?: unknown };
    cached = {
      version: typeof pkg.version === 'string' ? pkg.version : '0.0.0',
      homepage: typeof pkg.homepage === 'string' && /^https?:\/\//.test(pkg.homepage) ? pkg.homepage : null,
    };
  } catch {
    cached = { version: '0.0.0', homepage: null };
  }
  return cached;
}
