import { createHash, hkdfSync, randomInt } from 'node:crypto';
import { SiteError } from './errors.ts';

/** Crockford's base32: no I, L, O or U, so a code read aloud or typed is rarely misread. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 20 symbols of 5 bits: 100 bits of secret (docs/site.md says why that needs no PAKE). */
export const JOIN_SECRET_SYMBOLS = 20;
const CHECK_SYMBOLS = 2;
export const JOIN_CODE_LIFETIME_MS = 10 * 60_000;
const SALT = Buffer.from('facegate-site-join-v1', 'utf8');

function checkSymbols(secret: string): string {
  // 10 bits of SHA-256: a typo is caught before any message goes to the broker (1 in 1024 slips through).
  const digest = createHash('sha256').update(`facegate-join-check:${secret}`).digest();
  const bits = (digest[0]! << 2) | (digest[1]! >> 6);
  return ALPHABET[bits >> 5]! + ALPHABET[bits & 31]!;
}

function display(symbols: string): string {
  return symbols.match(/.{1,4}/g)!.join('-');
}

/** A fresh join code as shown to the installer, e.g. `7K2M-Q9XD-4TNB-H3PW-V8RC-5F`, and its secret part. */
export function newJoinCode(): { code: string; secret: string } {
  let secret = '';
  for (let i = 0; i < JOIN_SECRET_SYMBOLS; i++) secret += ALPHABET[randomInt(32)];
  return { code: display(secret + checkSymbols(secret)), secret };
}

/** Reads a typed code (any case, with or without dashes and spaces, O for 0 and I or L for 1); returns its secret part. */
export function parseJoinCode(typed: string): string {
  if (typeof typed !== 'string') throw new SiteError('site_join_code', 'the join code must be text');
  const symbols = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  const expected = JOIN_SECRET_SYMBOLS + CHECK_SYMBOLS;
  if (symbols.length !== expected) throw new SiteError('site_join_code', `a join code has ${expected} letters and digits, this one has ${symbols.length}`);
  const bad = [...symbols].find((c) => !ALPHABET.includes(c));
  if (bad !== undefined) throw new SiteError('site_join_code', `a join code has no ${JSON.stringify(bad)}`);
  const secret = symbols.slice(0, JOIN_SECRET_SYMBOLS);
  if (symbols.slice(JOIN_SECRET_SYMBOLS) !== checkSymbols(secret)) {
    throw new SiteError('site_join_code', 'this join code is mistyped (its last two characters do not match the rest)');
  }
  return secret;
}

/** What both sides derive from the code: the key that authenticates the exchange, and the topic it runs on. */
export interface JoinKeys {
  authKey: Buffer;
  /** 16 hex characters: `<base>/site/join/<topic>`. Reveals nothing of the code. */
  topic: string;
}

export function deriveJoinKeys(secret: string): JoinKeys {
  const ikm = Buffer.from(secret, 'ascii');
  return {
    authKey: Buffer.from(hkdfSync('sha256', ikm, SALT, 'auth', 32)),
    topic: Buffer.from(hkdfSync('sha256', ikm, SALT, 'topic', 8)).toString('hex'),
  };
}
