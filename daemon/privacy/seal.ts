import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { FacegateError } from '../core/index.ts';

/**
 * Sealed value layout (version 1):
 *   [0]      version byte (0x01)
 *   [1..13)  random 96-bit nonce
 *   [13..-16) AES-256-GCM ciphertext
 *   [-16..]  GCM tag
 * The additional authenticated data binds the value to its record (kind + id), so a sealed
 * value copied into another row, or another column, does not open.
 */
export const SEAL_VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + NONCE_BYTES;
export const SEAL_OVERHEAD = HEADER_BYTES + TAG_BYTES;

/** What a sealed value belongs to: both parts are authenticated, neither is stored in the value. */
export interface SealAad {
  recordId: string;
  kind: string;
}

/** A sealed value that cannot be opened; the message says why in one line. */
export class SealError extends FacegateError {
  constructor(code: string, message: string, cause?: unknown) {
    super(code, message, { exitCode: 65, cause });
    this.name = 'SealError';
  }
}

function aadBytes(version: number, aad: SealAad): Buffer {
  // Length-prefixed parts, so ("a", "bc") and ("ab", "c") never authenticate the same bytes.
  const kind = Buffer.from(aad.kind, 'utf8');
  const id = Buffer.from(aad.recordId, 'utf8');
  const head = Buffer.alloc(1 + 4 + 4);
  head.writeUInt8(version, 0);
  head.writeUInt32BE(kind.length, 1);
  head.writeUInt32BE(id.length, 5);
  return Buffer.concat([Buffer.from('facegate-seal'), head, kind, id]);
}

function checkKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== 32) {
    throw new SealError('seal_key', `sealing key must be 32 bytes, got ${Buffer.isBuffer(key) ? key.length : typeof key}`);
  }
}

/** Encrypts and authenticates `plaintext` for one record. */
export function seal(key: Buffer, plaintext: Uint8Array, aad: SealAad): Buffer {
  checkKey(key);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aadBytes(SEAL_VERSION, aad));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([SEAL_VERSION]), nonce, body, cipher.getAuthTag()]);
}

/** Opens a value made by seal(); throws SealError if it is truncated, altered, of another record, or the key is wrong. */
export function open(key: Buffer, sealed: Uint8Array, aad: SealAad): Uint8Array {
  checkKey(key);
  const what = `sealed ${aad.kind} of record ${aad.recordId}`;
  if (!(sealed instanceof Uint8Array)) throw new SealError('seal_type', `${what}: expected bytes, got ${sealed === null ? 'null' : typeof sealed}`);
  if (sealed.length < SEAL_OVERHEAD) {
    throw new SealError('seal_truncated', `${what}: truncated (${sealed.length} bytes, at least ${SEAL_OVERHEAD} expected)`);
  }
  const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.length);
  const version = buf[0];
  if (version !== SEAL_VERSION) {
    throw new SealError('seal_version', `${what}: unknown format version ${version} (this facegate reads version ${SEAL_VERSION})`);
  }
  const nonce = buf.subarray(1, HEADER_BYTES);
  const tag = buf.subarray(buf.length - TAG_BYTES);
  const body = buf.subarray(HEADER_BYTES, buf.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(aadBytes(version, aad));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch (err) {
    throw new SealError('seal_auth', `${what}: failed authentication: wrong key, altered or truncated bytes, or a value copied from another record`, err);
  }
}
