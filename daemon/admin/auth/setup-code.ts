import { randomInt } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../deps.ts';
import type { AuthStore } from './auth-store.ts';
import { safeEqual, sha256 } from './tokens.ts';

export const SETUP_CODE_FILE = 'setup-code';
// No 0/O, 1/I/L: the code is read off a console and typed on a phone.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** 15 characters from 31 symbols: ~74 bits, and guesses are rate-limited like sign-ins. */
export function generateSetupCode(): string {
  const chars = Array.from({ length: 15 }, () => ALPHABET[randomInt(ALPHABET.length)] as string);
  return [0, 5, 10].map((i) => chars.slice(i, i + 5).join('')).join('-');
}

/** Codes are compared without dashes, spaces or case, as people type them. */
export function normalizeSetupCode(code: string): string {
  return code.replace(/[\s-]/g, '').toUpperCase();
}

/**
 * While no operator exists, every start makes a fresh one-time code (the old one stops working),
 * logs it and writes it to <data_dir>/setup-code with mode 0600. Once an operator exists the file goes.
 */
export function prepareSetupCode(store: AuthStore, dataDir: string, log: Logger): string | null {
  const file = join(dataDir, SETUP_CODE_FILE);
  if (store.userCount() > 0) {
    rmSync(file, { force: true });
    return null;
  }
  const code = generateSetupCode();
  store.replaceSetupCode(sha256(normalizeSetupCode(code)));
  writeFileSync(file, `${code}\n`, { mode: 0o600 });
  log.warn({ file }, `no administrator yet: open the admin panel and enter the one-time setup code ${code} (also in ${file})`);
  return code;
}

export function setupCodeMatches(store: AuthStore, code: string): boolean {
  const current = store.setupCode();
  if (!current || current.usedAt) return false;
  return safeEqual(sha256(normalizeSetupCode(code)), current.codeHash);
}

export function removeSetupCodeFile(dataDir: string): void {
  rmSync(join(dataDir, SETUP_CODE_FILE), { force: true });
}
