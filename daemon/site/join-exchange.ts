import { createHash, createHmac, diffieHellman, hkdfSync, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { open, seal, SealError } from '../privacy/index.ts';
import { ByteWriter } from './bytes.ts';
import { SiteError } from './errors.ts';
import { deriveJoinKeys, JOIN_CODE_LIFETIME_MS, newJoinCode, parseJoinCode, type JoinKeys } from './join-code.ts';
import { decodeJoinMessage, encodeJoinMessage, NONCE_BYTES, type HelloMessage, type WelcomeMessage } from './join-messages.ts';
import { newKeyPair, publicKeyFromRaw, type MemberIdentity, type MemberPublic } from './member-identity.ts';

/** A code is burnt after this many refused messages on its topic: a guesser gets this many tries. */
export const JOIN_MAX_FAILURES = 3;
/** The joiner's confirmation must follow the welcome within this. */
export const JOIN_CONFIRM_MS = 60_000;

function lp(parts: Array<string | Uint8Array>): Buffer {
  const w = new ByteWriter();
  for (const part of parts) w.sized(typeof part === 'string' ? Buffer.from(part, 'utf8') : part, 4);
  return w.bytes();
}

function mac(key: Buffer, ...chunks: Buffer[]): Buffer {
  const h = createHmac('sha256', key);
  for (const c of chunks) h.update(c);
  return h.digest();
}

function sameMac(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function helloTranscript(keys: JoinKeys, m: Omit<HelloMessage, 'mac' | 't'>): Buffer {
  return lp(['facegate-site-join-v1', 'hello', keys.topic, m.member, m.signingKey, m.exchangeKey, m.ephemeral, m.nonce]);
}

function welcomeTranscript(t1: Buffer, helloMac: Buffer, w: Pick<WelcomeMessage, 'sponsor' | 'ephemeral' | 'nonce'>): Buffer {
  return Buffer.concat([t1, lp([helloMac, 'welcome', w.sponsor, w.ephemeral, w.nonce])]);
}

/** The session keys: from the ephemeral X25519 secret, salted with the code's key and bound to the transcript. */
function sessionKeys(ownEphemeral: KeyObject, peerEphemeral: Buffer, authKey: Buffer, t2: Buffer): { sealKey: Buffer; confirmKey: Buffer; aadId: string } {
  let shared: Buffer;
  try {
    shared = diffieHellman({ privateKey: ownEphemeral, publicKey: publicKeyFromRaw(peerEphemeral, 'x25519') });
  } catch (err) {
    // OpenSSL refuses a low-order point (an all-zero shared secret).
    throw new SiteError('site_join_auth', 'join refused: the other side sent a degenerate key', err);
  }
  const th = createHash('sha256').update(t2).digest();
  const derive = (label: string): Buffer => Buffer.from(hkdfSync('sha256', shared, authKey, Buffer.concat([Buffer.from(label), th]), 32));
  return { sealKey: derive('seal'), confirmKey: derive('confirm'), aadId: th.toString('hex') };
}

const BUNDLE_KIND = 'site.join-bundle';

/** What the sponsor holds after a welcome, until the joiner confirms. */
interface Pending {
  joiner: MemberPublic;
  expect: Buffer;
  deadline: number;
}

/**
 * The sponsor's side: one join code, valid for one join within its lifetime. It lives only in
 * the sponsor's memory; refusing JOIN_MAX_FAILURES messages burns it.
 */
export class JoinInvite {
  readonly code: string;
  readonly topic: string;
  readonly expiresAt: number;
  readonly #keys: JoinKeys;
  #failures = 0;
  #used = false;
  #pending: Pending | null = null;

  constructor(now: number, lifetimeMs = JOIN_CODE_LIFETIME_MS) {
    const { code, secret } = newJoinCode();
    this.code = code;
    this.#keys = deriveJoinKeys(secret);
    this.topic = this.#keys.topic;
    this.expiresAt = now + lifetimeMs;
  }

  /** Answers a hello with the sealed bundle (site id, epoch, site key, roster: encoded by the caller). */
  answer(helloBytes: Uint8Array, sponsor: MemberIdentity, bundle: Uint8Array, now: number): { welcome: Buffer; joiner: MemberPublic } {
    this.#usable(now);
    let hello: HelloMessage;
    try {
      hello = decodeJoinMessage(helloBytes, 'hello');
    } catch (err) {
      this.#failures++;
      throw err;
    }
    const t1 = helloTranscript(this.#keys, hello);
    if (!sameMac(mac(this.#keys.authKey, t1), hello.mac)) {
      this.#failures++;
      throw new SiteError('site_join_auth', 'join refused: the hello was not made with this join code (wrong code, or altered on the way)');
    }
    // Spent at the first authentic hello: a replay of it, or a second joiner, is refused.
    this.#used = true;
    const own = newKeyPair('x25519');
    const head = { sponsor: sponsor.id, ephemeral: own.publicRaw, nonce: randomBytes(NONCE_BYTES) };
    const t2 = welcomeTranscript(t1, hello.mac, head);
    const keys = sessionKeys(own.privateKey, hello.ephemeral, this.#keys.authKey, t2);
    const sealed = seal(keys.sealKey, bundle, { kind: BUNDLE_KIND, recordId: keys.aadId });
    const welcomeMac = mac(this.#keys.authKey, t2, lp([sealed]));
    const joiner = { id: hello.member, signingKey: hello.signingKey, exchangeKey: hello.exchangeKey };
    this.#pending = { joiner, expect: mac(keys.confirmKey, Buffer.from('confirm'), t2, lp([sealed, welcomeMac])), deadline: now + JOIN_CONFIRM_MS };
    return { welcome: encodeJoinMessage({ t: 'welcome', ...head, bundle: sealed, mac: welcomeMac }), joiner };
  }

  /** Checks the joiner's confirmation; the member it returns may now be added to the roster. */
  confirm(confirmBytes: Uint8Array, now: number): MemberPublic {
    const pending = this.#pending;
    if (pending === null) throw new SiteError('site_join_state', 'join refused: no welcome is waiting for a confirmation');
    if (now > pending.deadline) throw new SiteError('site_join_expired', 'join refused: the confirmation came too late');
    const confirm = decodeJoinMessage(confirmBytes, 'confirm');
    if (!sameMac(pending.expect, confirm.mac)) throw new SiteError('site_join_auth', 'join refused: the confirmation does not match the exchange');
    this.#pending = null;
    return pending.joiner;
  }

  #usable(now: number): void {
    if (now > this.expiresAt) throw new SiteError('site_join_expired', 'join refused: the join code has expired; show a new one');
    if (this.#used) throw new SiteError('site_join_used', 'join refused: the join code was already used');
    if (this.#failures >= JOIN_MAX_FAILURES)
      throw new SiteError('site_join_burnt', `join refused: the join code was burnt after ${JOIN_MAX_FAILURES} refused messages; show a new one`);
  }
}

/** The joiner's side, from the typed code to the opened bundle. */
export class JoinAttempt {
  readonly topic: string;
  readonly hello: Buffer;
  readonly #keys: JoinKeys;
  readonly #ephemeral: KeyObject;
  readonly #t1: Buffer;
  readonly #helloMac: Buffer;
  #done = false;

  constructor(typedCode: string, self: MemberIdentity) {
    this.#keys = deriveJoinKeys(parseJoinCode(typedCode));
    this.topic = this.#keys.topic;
    const eph = newKeyPair('x25519');
    this.#ephemeral = eph.privateKey;
    const body = { member: self.id, signingKey: self.signingKey, exchangeKey: self.exchangeKey, ephemeral: eph.publicRaw, nonce: randomBytes(NONCE_BYTES) };
    this.#t1 = helloTranscript(this.#keys, body);
    this.#helloMac = mac(this.#keys.authKey, this.#t1);
    this.hello = encodeJoinMessage({ t: 'hello', ...body, mac: this.#helloMac });
  }

  /** Checks the sponsor's welcome and opens the bundle; send `confirm` back to finish. */
  accept(welcomeBytes: Uint8Array): { sponsor: string; bundle: Buffer; confirm: Buffer } {
    if (this.#done) throw new SiteError('site_join_state', 'join refused: this attempt already accepted a welcome');
    const welcome = decodeJoinMessage(welcomeBytes, 'welcome');
    const t2 = welcomeTranscript(this.#t1, this.#helloMac, welcome);
    if (!sameMac(mac(this.#keys.authKey, t2, lp([welcome.bundle])), welcome.mac)) {
      throw new SiteError('site_join_auth', 'join refused: the welcome was not made with this join code (altered, or not from the door that showed it)');
    }
    const keys = sessionKeys(this.#ephemeral, welcome.ephemeral, this.#keys.authKey, t2);
    let bundle: Buffer;
    try {
      bundle = Buffer.from(open(keys.sealKey, welcome.bundle, { kind: BUNDLE_KIND, recordId: keys.aadId }));
    } catch (err) {
      if (err instanceof SealError) throw new SiteError('site_join_auth', 'join refused: the site bundle does not open', err);
      throw err;
    }
    this.#done = true;
    const confirmMac = mac(keys.confirmKey, Buffer.from('confirm'), t2, lp([welcome.bundle, welcome.mac]));
    return { sponsor: welcome.sponsor, bundle, confirm: encodeJoinMessage({ t: 'confirm', mac: confirmMac }) };
  }
}
