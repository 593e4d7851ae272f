import { createCipheriv, createDecipheriv } from 'node:crypto';

/**
 * The cryptography of OSDP's secure channel (SIA OSDP 2.2, annex D): AES-128 session keys from the
 * SCBK and the panel's random number, the two cryptograms that prove both sides hold the key, the
 * MAC chain, and the encryption of data blocks. Pure functions, checked on a captured session.
 */

/** SCBK-D, the install-mode key everyone knows: only for pairing, never for a session that stays. */
export const SCBK_D = Uint8Array.from({ length: 16 }, (_, i) => 0x30 + i);

export interface SessionKeys {
  enc: Uint8Array;
  mac1: Uint8Array;
  mac2: Uint8Array;
}

const BLOCK = 16;
/** The byte that ends a message before its zero padding, in MAC input and encrypted data. */
const END_MARKER = 0x80;

function ecb(key: Uint8Array, block: Uint8Array): Uint8Array {
  const c = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(block), c.final()]));
}

function cat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** S-ENC, S-MAC1, S-MAC2: AES(SCBK, 01 82|01|02, RND.A[0..5], 8 zero bytes). */
export function deriveSessionKeys(scbk: Uint8Array, rndA: Uint8Array): SessionKeys {
  const derive = (second: number) => {
    const block = new Uint8Array(BLOCK);
    block[0] = 0x01;
    block[1] = second;
    block.set(rndA.subarray(0, 6), 2);
    return ecb(scbk, block);
  };
  return { enc: derive(0x82), mac1: derive(0x01), mac2: derive(0x02) };
}

/** The PD's (client) cryptogram in osdp_CCRYPT: AES(S-ENC, RND.A ‖ RND.B). */
export function clientCryptogram(keys: SessionKeys, rndA: Uint8Array, rndB: Uint8Array): Uint8Array {
  return ecb(keys.enc, cat(rndA, rndB));
}

/** The panel's (server) cryptogram in osdp_SCRYPT: AES(S-ENC, RND.B ‖ RND.A). */
export function serverCryptogram(keys: SessionKeys, rndA: Uint8Array, rndB: Uint8Array): Uint8Array {
  return ecb(keys.enc, cat(rndB, rndA));
}

/** The initial R-MAC in osdp_RMAC_I, the first link of the MAC chain: AES(S-MAC2, AES(S-MAC1, server cryptogram)). */
export function initialRmac(keys: SessionKeys, serverCrypt: Uint8Array): Uint8Array {
  return ecb(keys.mac2, ecb(keys.mac1, serverCrypt));
}

/**
 * The 16-byte MAC of a packet (SOM to the end of its data): CBC over the blocks with S-MAC1, the
 * last block with S-MAC2, starting from the other side's last MAC (`iv`: a command chains on the
 * last reply's MAC, a reply on its command's). The message is padded with 0x80 and zeros unless it
 * fills whole blocks. The packet carries the first 4 bytes; all 16 chain on.
 */
export function computeMac(keys: SessionKeys, iv: Uint8Array, message: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(message.length / BLOCK));
  const padded = new Uint8Array(blocks * BLOCK);
  padded.set(message);
  if (message.length % BLOCK !== 0 || message.length === 0) padded[message.length] = END_MARKER;
  let chain: Uint8Array = iv;
  for (let i = 0; i < blocks; i++) {
    const block = padded.slice(i * BLOCK, (i + 1) * BLOCK);
    for (let j = 0; j < BLOCK; j++) block[j]! ^= chain[j]!;
    chain = ecb(i === blocks - 1 ? keys.mac2 : keys.mac1, block);
  }
  return chain;
}

/** The IV of a data block: the bitwise complement of the MAC it chains on. */
function dataIv(mac: Uint8Array): Uint8Array {
  return Uint8Array.from(mac, (b) => ~b & 0xff);
}

/** AES-CBC with S-ENC of the data after the command/reply code, ended with 0x80 and zero padded. */
export function encryptData(keys: SessionKeys, mac: Uint8Array, plain: Uint8Array): Uint8Array {
  const padded = new Uint8Array(Math.ceil((plain.length + 1) / BLOCK) * BLOCK);
  padded.set(plain);
  padded[plain.length] = END_MARKER;
  const c = createCipheriv('aes-128-cbc', keys.enc, dataIv(mac)).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(padded), c.final()]));
}

/** The plain data of an encrypted block, or null when it is not whole blocks or its padding is wrong. */
export function decryptData(keys: SessionKeys, mac: Uint8Array, cipher: Uint8Array): Uint8Array | null {
  if (cipher.length === 0 || cipher.length % BLOCK !== 0) return null;
  const d = createDecipheriv('aes-128-cbc', keys.enc, dataIv(mac)).setAutoPadding(false);
  const plain = new Uint8Array(Buffer.concat([d.update(cipher), d.final()]));
  let end = plain.length - 1;
  while (end > 0 && plain[end] === 0) end--;
  return plain[end] === END_MARKER ? plain.slice(0, end) : null;
}
