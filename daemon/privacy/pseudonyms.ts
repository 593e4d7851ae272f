import { createHmac } from 'node:crypto';

/**
 * The `subject` of public events: an HMAC of the person id under a device secret. Stable for one
 * person on one device, unlinkable across devices, and not reversible without the store.
 */
export class Pseudonyms {
  readonly #secret: Buffer;

  constructor(secret: Buffer) {
    if (secret.length < 16) throw new Error('pseudonym secret must be at least 16 bytes');
    this.#secret = Buffer.from(secret);
  }

  subject(personId: string): string {
    return `p_${createHmac('sha256', this.#secret).update(personId, 'utf8').digest('hex').slice(0, 16)}`;
  }

  /**
   * A typed sign-in name that matched no operator (often a password typed in the wrong field): the
   * audit log keeps this tag instead, the same for the same name in any case, so repeated guesses
   * show without the text. Its own domain, so it never equals a subject.
   */
  loginName(typed: string): string {
    return `n_${createHmac('sha256', this.#secret).update('login-name\0', 'utf8').update(typed.toLowerCase(), 'utf8').digest('hex').slice(0, 16)}`;
  }
}
