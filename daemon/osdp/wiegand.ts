import type { CardRead } from './replies.ts';

/**
 * A person's credential as the panel knows it, and its bits as osdp_RAW carries them (Wiegand
 * format 1, most significant bit first, padded with zeros to whole bytes).
 */
export type Credential =
  /** HID H10301: even parity, 8-bit facility code, 16-bit card number, odd parity */
  | { format: 'wiegand26'; facility: number; card: number }
  /** HID H10306: even parity, 16-bit facility code, 16-bit card number, odd parity */
  | { format: 'wiegand34'; facility: number; card: number }
  /** any other layout, given as its bits: `bits` long, in `hex` (most significant first, zero padded) */
  | { format: 'raw'; bits: number; hex: string };

const LAYOUTS = { wiegand26: { facilityBits: 8 }, wiegand34: { facilityBits: 16 } } as const;

/** Why a credential cannot be sent, or null when it can. */
export function credentialProblem(c: Credential): string | null {
  if (c.format === 'raw') {
    if (!Number.isInteger(c.bits) || c.bits < 1 || c.bits > 1024) return 'raw: bits must be 1..1024';
    if (!/^([0-9a-fA-F]{2})+$/.test(c.hex) || c.hex.length !== Math.ceil(c.bits / 8) * 2)
      return `raw: hex must be ${Math.ceil(c.bits / 8)} bytes for ${c.bits} bits`;
    return null;
  }
  const { facilityBits } = LAYOUTS[c.format];
  if (!Number.isInteger(c.facility) || c.facility < 0 || c.facility >= 2 ** facilityBits)
    return `${c.format}: facility code must be 0..${2 ** facilityBits - 1}`;
  if (!Number.isInteger(c.card) || c.card < 0 || c.card > 0xffff) return `${c.format}: card number must be 0..65535`;
  return null;
}

/** The osdp_RAW bits of a valid credential (check credentialProblem first). */
export function cardRead(c: Credential): CardRead {
  if (c.format === 'raw') return { format: 1, bits: c.bits, data: Uint8Array.from(Buffer.from(c.hex, 'hex')) };
  const { facilityBits } = LAYOUTS[c.format];
  const payload = [...bitsOf(c.facility, facilityBits), ...bitsOf(c.card, 16)];
  const half = payload.length / 2;
  const ones = (bits: number[]) => bits.filter((b) => b === 1).length;
  const even = ones(payload.slice(0, half)) % 2; // makes the first half plus parity even
  const odd = 1 - (ones(payload.slice(half)) % 2); // makes the second half plus parity odd
  return { format: 1, bits: payload.length + 2, data: pack([even, ...payload, odd]) };
}

function bitsOf(value: number, width: number): number[] {
  return Array.from({ length: width }, (_, i) => (value >> (width - 1 - i)) & 1);
}

function pack(bits: number[]): Uint8Array {
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  bits.forEach((b, i) => {
    if (b) out[i >> 3]! |= 0x80 >> (i & 7);
  });
  return out;
}
