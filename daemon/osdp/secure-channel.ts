import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../core/index.ts';
import { Command, Nak, type NakCode, Reply, SecurityBlock } from './codes.ts';
import type { Frame } from './frame.ts';
import { ack, nak, type ReplyBody } from './replies.ts';
import {
  SCBK_D,
  clientCryptogram,
  computeMac,
  decryptData,
  deriveSessionKeys,
  encryptData,
  initialRmac,
  serverCryptogram,
  type SessionKeys,
} from './sc-crypto.ts';

export interface SecureChannelOptions {
  /** the device's SCBK, or null while it has none (install mode waits for the panel's KEYSET) */
  scbk: Uint8Array | null;
  /** allow a session under SCBK-D, until the first KEYSET */
  installMode: boolean;
  /** the 8-byte client UID of osdp_CCRYPT */
  cuid: Uint8Array;
  clock: Clock;
  /** stores a key the panel set with osdp_KEYSET (sealed); a throw refuses the key */
  storeKey: (scbk: Uint8Array) => void;
  onChange?: (state: { active: boolean; defaultKey: boolean; reason: string }) => void;
  random?: (bytes: number) => Uint8Array;
  /** no valid secure packet for this long ends the session (libosdp's PD: 8 s) */
  sessionTimeoutMs?: number;
}

/** What a received packet turned into. */
export type Opened =
  /** a command for the responder; `secure`: it came under the session's MAC (its reply must too) */
  | { kind: 'command'; code: number; data: Uint8Array; secure: boolean }
  /** answered here: a handshake reply or a refusal, with its security block (null: plain) */
  | { kind: 'answer'; body: ReplyBody; securityBlock: Uint8Array | null; nak?: { code: NakCode; why: string } };

const RND_LENGTH = 8;
const SESSION_TIMEOUT_MS = 8000;

/**
 * The PD's side of OSDP's secure channel: the CHLNG/SCRYPT handshake, the MAC on every packet of
 * a session, encrypted data blocks, and osdp_KEYSET. Once the device has a key or install mode is
 * on, only ID, CAP and the handshake are answered in plain text; everything else needs the session
 * (NAK 6), so a credential never leaves in the clear. SCBK-D is accepted only in install mode, and
 * install mode ends with the first KEYSET.
 */
export class SecureChannel {
  readonly #o: SecureChannelOptions;
  readonly #random: (bytes: number) => Uint8Array;
  readonly #timeoutMs: number;
  #scbk: Uint8Array | null;
  #installMode: boolean;
  #keys: SessionKeys | null = null;
  #defaultKey = false;
  #challenge: { rndA: Uint8Array; rndB: Uint8Array } | null = null;
  #active = false;
  #rmac: Uint8Array = new Uint8Array(16);
  #cmac: Uint8Array = new Uint8Array(16);
  #lastSecureAt = 0;
  #pendingKey: Uint8Array | null = null;

  constructor(options: SecureChannelOptions) {
    this.#o = options;
    this.#scbk = options.scbk;
    this.#installMode = options.installMode;
    this.#random = options.random ?? ((n) => new Uint8Array(randomBytes(n)));
    this.#timeoutMs = options.sessionTimeoutMs ?? SESSION_TIMEOUT_MS;
  }

  get active(): boolean {
    return this.#active;
  }

  get installMode(): boolean {
    return this.#installMode;
  }

  /** The panel started over (sequence 0): any session ends. */
  reset(): void {
    this.#end('the panel restarted the conversation');
    this.#challenge = null;
  }

  open(frame: Frame, macInput: Uint8Array): Opened {
    if (this.#active && this.#o.clock.monotonic() - this.#lastSecureAt > this.#timeoutMs) this.#end('no secure packet for 8 s');
    const type = frame.securityBlock?.[1];
    if (type === undefined) {
      if (frame.code === Command.ID || frame.code === Command.CAP) return { kind: 'command', code: frame.code, data: frame.data, secure: false };
      return this.#refuse(
        Nak.SC_CONDITIONS,
        this.#active ? 'plain text inside a secure session' : 'plain text refused: this PD talks only over the secure channel',
      );
    }
    if (type === SecurityBlock.SCS_11 && frame.code === Command.CHLNG) return this.#challengeReply(frame);
    if (type === SecurityBlock.SCS_13 && frame.code === Command.SCRYPT) return this.#scryptReply(frame);
    if ((type === SecurityBlock.SCS_15 || type === SecurityBlock.SCS_17) && this.#active) return this.#verify(frame, macInput, type);
    return this.#refuse(Nak.SC_CONDITIONS, `security block type 0x${type.toString(16)} outside a session`);
  }

  /**
   * osdp_KEYSET under the session: the key is stored, and it replaces the old one once its ACK is
   * sealed (the ACK still goes under the old session). The body goes back under the session either way.
   */
  keyset(data: Uint8Array): { body: ReplyBody; refused?: { code: NakCode; why: string } } {
    const refuse = (code: NakCode, why: string) => ({ body: nak(code), refused: { code, why } });
    if (data.length !== 18) return refuse(Nak.CMD_LENGTH, `KEYSET of ${data.length} bytes, expected 18`);
    if (data[0] !== 1 || data[1] !== 16) return refuse(Nak.RECORD, `KEYSET key type ${data[0]} length ${data[1]}: only an SCBK (type 1, 16 bytes)`);
    const key = data.slice(2);
    try {
      this.#o.storeKey(key);
    } catch (err) {
      return refuse(Nak.RECORD, `the new key could not be stored: ${(err as Error).message}`);
    }
    this.#pendingKey = key;
    return { body: ack() };
  }

  /** The security block, data and MAC function of a reply inside the session. */
  seal(body: ReplyBody): { securityBlock: Uint8Array; data: Uint8Array; computeMac: (input: Uint8Array) => Uint8Array } {
    const keys = this.#keys!;
    const encrypted = body.data.length > 0;
    const cmac = this.#cmac;
    this.#lastSecureAt = this.#o.clock.monotonic();
    return {
      securityBlock: Uint8Array.of(2, encrypted ? SecurityBlock.SCS_18 : SecurityBlock.SCS_16),
      data: encrypted ? encryptData(keys, cmac, body.data) : body.data,
      computeMac: (input) => {
        this.#rmac = computeMac(keys, cmac, input);
        const mac = this.#rmac.subarray(0, 4);
        // a KEYSET's ACK is the last packet of the old session
        if (this.#pendingKey) this.#commitKey();
        return mac;
      },
    };
  }

  #challengeReply(frame: Frame): Opened {
    this.#end('a new handshake');
    if (frame.data.length !== RND_LENGTH) return this.#refuse(Nak.CMD_LENGTH, `CHLNG of ${frame.data.length} bytes, expected 8`);
    const wantsDefault = frame.securityBlock![2] === 0;
    if (wantsDefault && !this.#installMode) return this.#refuse(Nak.SC_CONDITIONS, 'the panel asked for the install-mode key (SCBK-D) and install mode is off');
    const key = wantsDefault ? SCBK_D : this.#scbk;
    if (!key) return this.#refuse(Nak.SC_CONDITIONS, 'no SCBK yet: install mode waits for a handshake with SCBK-D and a KEYSET');
    const rndA = frame.data.slice();
    const rndB = this.#random(RND_LENGTH);
    this.#keys = deriveSessionKeys(key, rndA);
    this.#defaultKey = wantsDefault;
    this.#challenge = { rndA, rndB };
    const data = new Uint8Array(32);
    data.set(this.#o.cuid.subarray(0, 8));
    data.set(rndB, 8);
    data.set(clientCryptogram(this.#keys, rndA, rndB), 16);
    return { kind: 'answer', body: { code: Reply.CCRYPT, data }, securityBlock: Uint8Array.of(3, SecurityBlock.SCS_12, wantsDefault ? 0 : 1) };
  }

  #scryptReply(frame: Frame): Opened {
    const challenge = this.#challenge;
    this.#challenge = null;
    if (!challenge || !this.#keys || this.#active) return this.#refuse(Nak.SC_CONDITIONS, 'SCRYPT without a CHLNG before it');
    if (frame.data.length !== 16) return this.#refuse(Nak.CMD_LENGTH, `SCRYPT of ${frame.data.length} bytes, expected 16`);
    const expected = serverCryptogram(this.#keys, challenge.rndA, challenge.rndB);
    if (!timingSafeEqual(expected, frame.data)) return this.#refuse(Nak.SC_CONDITIONS, "the panel's cryptogram is wrong: it holds another key");
    this.#rmac = initialRmac(this.#keys, frame.data);
    this.#active = true;
    this.#lastSecureAt = this.#o.clock.monotonic();
    this.#o.onChange?.({ active: true, defaultKey: this.#defaultKey, reason: 'handshake done' });
    return { kind: 'answer', body: { code: Reply.RMAC_I, data: this.#rmac.slice() }, securityBlock: Uint8Array.of(3, SecurityBlock.SCS_14, 1) };
  }

  #verify(frame: Frame, macInput: Uint8Array, type: number): Opened {
    const keys = this.#keys!;
    const mac = computeMac(keys, this.#rmac, macInput);
    if (!frame.mac || !timingSafeEqual(mac.subarray(0, 4), frame.mac)) {
      this.#end('a packet with a wrong MAC');
      return this.#refuse(Nak.SC_CONDITIONS, 'wrong MAC: the session ends');
    }
    let data = frame.data;
    if (type === SecurityBlock.SCS_17) {
      const clear = decryptData(keys, this.#rmac, frame.data);
      if (!clear) {
        this.#end('data that does not decrypt');
        return this.#refuse(Nak.SC_CONDITIONS, 'encrypted data with a bad padding: the session ends');
      }
      data = clear;
    }
    this.#cmac = mac;
    this.#lastSecureAt = this.#o.clock.monotonic();
    return { kind: 'command', code: frame.code, data, secure: true };
  }

  #commitKey(): void {
    this.#scbk = this.#pendingKey;
    this.#pendingKey = null;
    const wasInstall = this.#installMode;
    this.#installMode = false;
    this.#active = false;
    this.#keys = null;
    this.#o.onChange?.({ active: false, defaultKey: false, reason: wasInstall ? 'new SCBK set by KEYSET; install mode off' : 'new SCBK set by KEYSET' });
  }

  #end(reason: string): void {
    if (!this.#active) return;
    this.#active = false;
    this.#o.onChange?.({ active: false, defaultKey: this.#defaultKey, reason });
  }

  #refuse(code: NakCode, why: string): Opened {
    return { kind: 'answer', body: nak(code), securityBlock: null, nak: { code, why } };
  }
}
