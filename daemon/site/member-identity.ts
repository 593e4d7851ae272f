import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { SiteError } from './errors.ts';
import { MEMBER_ID } from './record-codec.ts';

export const PUBLIC_KEY_BYTES = 32;

/** What the other members know of a member: its id and its two public keys (32 raw bytes each). */
export interface MemberPublic {
  id: string;
  /** Ed25519: checks the records this member signs. */
  signingKey: Buffer;
  /** X25519: receives the site key of a new epoch. */
  exchangeKey: Buffer;
}

/** A member's own keys; the private halves never leave it. */
export interface MemberIdentity extends MemberPublic {
  signingPrivate: KeyObject;
  exchangePrivate: KeyObject;
}

type Curve = 'ed25519' | 'x25519';
const JWK_CURVE: Record<Curve, string> = { ed25519: 'Ed25519', x25519: 'X25519' };

export function checkMemberId(id: string): void {
  if (typeof id !== 'string' || !MEMBER_ID.test(id)) {
    throw new SiteError('site_member_id', `member id ${JSON.stringify(id)} must match [a-z0-9_-]{1,32}`);
  }
}

function rawPublic(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new SiteError('site_key', 'public key has no x coordinate');
  return Buffer.from(jwk.x, 'base64url');
}

/** A public key from its 32 raw bytes, as carried in rosters and join messages. */
export function publicKeyFromRaw(raw: Uint8Array, curve: Curve): KeyObject {
  if (!(raw instanceof Uint8Array) || raw.length !== PUBLIC_KEY_BYTES) {
    throw new SiteError('site_key', `${curve} public key must be ${PUBLIC_KEY_BYTES} bytes, got ${raw instanceof Uint8Array ? raw.length : typeof raw}`);
  }
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: JWK_CURVE[curve], x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
  } catch (err) {
    throw new SiteError('site_key', `not a valid ${curve} public key`, err);
  }
}

/** A fresh X25519 or Ed25519 key pair, the public half as raw bytes. */
export function newKeyPair(curve: Curve): { privateKey: KeyObject; publicRaw: Buffer } {
  const { privateKey, publicKey } = curve === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('x25519');
  return { privateKey, publicRaw: rawPublic(publicKey) };
}

export function newMemberIdentity(id: string): MemberIdentity {
  checkMemberId(id);
  const signing = newKeyPair('ed25519');
  const exchange = newKeyPair('x25519');
  return { id, signingKey: signing.publicRaw, exchangeKey: exchange.publicRaw, signingPrivate: signing.privateKey, exchangePrivate: exchange.privateKey };
}

/** The two private keys as PKCS#8 DER, for the member's own (sealed) storage. */
export function exportMemberIdentity(identity: MemberIdentity): { id: string; signing: Buffer; exchange: Buffer } {
  return {
    id: identity.id,
    signing: identity.signingPrivate.export({ format: 'der', type: 'pkcs8' }),
    exchange: identity.exchangePrivate.export({ format: 'der', type: 'pkcs8' }),
  };
}

export function importMemberIdentity(stored: { id: string; signing: Buffer; exchange: Buffer }): MemberIdentity {
  checkMemberId(stored.id);
  const signingPrivate = createPrivateKey({ key: stored.signing, format: 'der', type: 'pkcs8' });
  const exchangePrivate = createPrivateKey({ key: stored.exchange, format: 'der', type: 'pkcs8' });
  if (signingPrivate.asymmetricKeyType !== 'ed25519' || exchangePrivate.asymmetricKeyType !== 'x25519') {
    throw new SiteError('site_key', `stored identity of ${stored.id} does not hold an Ed25519 and an X25519 key`);
  }
  return {
    id: stored.id,
    signingPrivate,
    exchangePrivate,
    signingKey: rawPublic(createPublicKey(signingPrivate)),
    exchangeKey: rawPublic(createPublicKey(exchangePrivate)),
  };
}

export function publicOf(identity: MemberIdentity): MemberPublic {
  return { id: identity.id, signingKey: identity.signingKey, exchangeKey: identity.exchangeKey };
}

/** Ed25519 over a domain string and the bytes, so a signature made for one purpose never verifies for another. */
export function signWithDomain(privateKey: KeyObject, domain: string, bytes: Uint8Array): Buffer {
  return sign(null, Buffer.concat([Buffer.from(`${domain}\0`, 'utf8'), bytes]), privateKey);
}

export function verifyWithDomain(publicKeyRaw: Uint8Array, domain: string, bytes: Uint8Array, signature: Uint8Array): boolean {
  const key = publicKeyFromRaw(publicKeyRaw, 'ed25519');
  return verify(null, Buffer.concat([Buffer.from(`${domain}\0`, 'utf8'), bytes]), key, signature);
}
