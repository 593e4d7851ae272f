import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';

export interface SignedFields {
  door: string;
  /** lock | lockdown | hold */
  command: string;
  /** The plain payload it stands for: UNLOCK, OPEN, OFF, 60, ... */
  action: string;
  /** ms since epoch when the sender signed it. */
  ts: number;
  /** Unique per command; 16 to 64 of [A-Za-z0-9_-]. */
  nonce: string;
}

export const NONCE = /^[A-Za-z0-9_-]{16,64}$/;

/** The exact bytes signed: door and command are included so a signature cannot be moved to another door or command. */
export function signedMessage(f: SignedFields): string {
  return `facegate-cmd-v1\n${f.door}\n${f.command}\n${f.action}\n${f.ts}\n${f.nonce}`;
}

/** HMAC-SHA256 of signedMessage, hex. */
export function signCommand(secret: string, f: SignedFields): string {
  return createHmac('sha256', secret).update(signedMessage(f)).digest('hex');
}

/** The JSON payload a sender publishes for a signed command. */
export function signedPayload(secret: string, f: SignedFields): string {
  return JSON.stringify({ action: f.action, ts: f.ts, nonce: f.nonce, sig: signCommand(secret, f) });
}

export function signatureValid(secret: string, f: SignedFields, sig: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(sig)) return false;
  const expected = Buffer.from(signCommand(secret, f), 'hex');
  return timingSafeEqual(expected, Buffer.from(sig, 'hex'));
}

/**
 * Nonces of accepted signed commands, kept in the database until well past the replay window,
 * so a command replayed within the window is refused even across a daemon restart.
 */
export class NonceBook {
  readonly #has: Statement;
  readonly #add: Statement;
  readonly #purge: Statement;

  constructor(db: Database) {
    this.#has = db.prepare('SELECT 1 FROM mqtt_nonces WHERE nonce = ?');
    this.#add = db.prepare('INSERT OR IGNORE INTO mqtt_nonces (nonce, expires_at) VALUES (?, ?)');
    this.#purge = db.prepare('DELETE FROM mqtt_nonces WHERE expires_at < ?');
  }

  /** Records the nonce; false if it was already used. */
  use(nonce: string, now: number, keepMs: number): boolean {
    this.#purge.run(now);
    if (this.#has.get(nonce) !== undefined) return false;
    this.#add.run(nonce, now + keepMs);
    return true;
  }
}
