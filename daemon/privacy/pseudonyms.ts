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
}
