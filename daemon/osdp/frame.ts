import { checksum, crc16 } from './check.ts';
import { MARK, REPLY_FLAG, SOM, SecurityBlock } from './codes.ts';

export type Sequence = 0 | 1 | 2 | 3;

/** One OSDP packet, command or reply, as it is on the wire but split into its fields. */
export interface Frame {
  /** 0..0x7F; 0x7F is the broadcast address */
  address: number;
  /** bit 7 of the address byte: PD → CP */
  reply: boolean;
  sequence: Sequence;
  /** CRC-16 (true) or the 1-byte checksum (false) */
  useCrc: boolean;
  /** a 0xFF mark byte came (or goes) before SOM */
  mark: boolean;
  /** the whole security control block (its length byte, type, data), or null */
  securityBlock: Uint8Array | null;
  code: number;
  data: Uint8Array;
  /** the 4 MAC bytes of a secure-channel packet (SCB types 0x15..0x18), or null */
  mac: Uint8Array | null;
}

const CONTROL_SEQUENCE = 0x03;
const CONTROL_CRC = 0x04;
const CONTROL_SCB = 0x08;
/** SOM, address, length (2), control */
export const HEADER_LENGTH = 5;
/** header, code, 1-byte checksum */
export const MIN_PACKET_LENGTH = HEADER_LENGTH + 1 + 1;
export const MAC_LENGTH = 4;

/** SCB types 0x15..0x18 are followed by a MAC (the handshake types 0x11..0x14 are not). */
export function carriesMac(securityBlock: Uint8Array | null): boolean {
  const type = securityBlock?.[1];
  return type !== undefined && type >= SecurityBlock.SCS_15 && type <= SecurityBlock.SCS_18;
}

/**
 * The wire bytes of a frame. `computeMac` gets the packet from SOM to the end of the data (its
 * length field already final) and returns the 4 MAC bytes; it is called only when the security
 * block's type carries a MAC.
 */
export function encodeFrame(frame: Frame, computeMac?: (macInput: Uint8Array) => Uint8Array): Uint8Array {
  const scb = frame.securityBlock ?? new Uint8Array(0);
  const withMac = carriesMac(frame.securityBlock);
  const checkLength = frame.useCrc ? 2 : 1;
  const bodyLength = HEADER_LENGTH + scb.length + 1 + frame.data.length;
  const length = bodyLength + (withMac ? MAC_LENGTH : 0) + checkLength;
  const packet = new Uint8Array(length);
  packet[0] = SOM;
  packet[1] = (frame.address & 0x7f) | (frame.reply ? REPLY_FLAG : 0);
  packet[2] = length & 0xff;
  packet[3] = length >> 8;
  packet[4] = (frame.sequence & CONTROL_SEQUENCE) | (frame.useCrc ? CONTROL_CRC : 0) | (frame.securityBlock ? CONTROL_SCB : 0);
  packet.set(scb, HEADER_LENGTH);
  packet[HEADER_LENGTH + scb.length] = frame.code;
  packet.set(frame.data, HEADER_LENGTH + scb.length + 1);
  let end = bodyLength;
  if (withMac) {
    if (!computeMac) throw new Error('encodeFrame: this security block needs a MAC and no MAC function was given');
    packet.set(computeMac(packet.subarray(0, bodyLength)).subarray(0, MAC_LENGTH), end);
    end += MAC_LENGTH;
  }
  if (frame.useCrc) {
    const crc = crc16(packet.subarray(0, end));
    packet[end] = crc & 0xff;
    packet[end + 1] = crc >> 8;
  } else {
    packet[end] = checksum(packet.subarray(0, end));
  }
  if (!frame.mark) return packet;
  const marked = new Uint8Array(length + 1);
  marked[0] = MARK;
  marked.set(packet, 1);
  return marked;
}

export type DecodeResult = { ok: true; frame: Frame; macInput: Uint8Array } | { ok: false; reason: string };

/**
 * Splits one complete packet (from SOM, exactly as long as its length field says) into a Frame,
 * after checking its CRC or checksum. `macInput` is what the MAC of a secure packet covers.
 */
export function decodePacket(packet: Uint8Array, mark: boolean): DecodeResult {
  if (packet.length < MIN_PACKET_LENGTH) return { ok: false, reason: `packet of ${packet.length} bytes is shorter than the minimum ${MIN_PACKET_LENGTH}` };
  const length = packet[2]! | (packet[3]! << 8);
  if (packet[0] !== SOM || length !== packet.length) return { ok: false, reason: 'not one whole packet' };
  const control = packet[4]!;
  const useCrc = (control & CONTROL_CRC) !== 0;
  const checkAt = length - (useCrc ? 2 : 1);
  const covered = packet.subarray(0, checkAt);
  if (useCrc) {
    const expected = crc16(covered);
    const got = packet[checkAt]! | (packet[checkAt + 1]! << 8);
    if (expected !== got) return { ok: false, reason: `bad CRC: computed ${hex16(expected)}, packet has ${hex16(got)}` };
  } else if (checksum(covered) !== packet[checkAt]) {
    return { ok: false, reason: 'bad checksum' };
  }
  let at = HEADER_LENGTH;
  let securityBlock: Uint8Array | null = null;
  if (control & CONTROL_SCB) {
    const scbLength = packet[at]!;
    if (scbLength < 2 || at + scbLength >= checkAt) return { ok: false, reason: `security block length ${scbLength} does not fit the packet` };
    securityBlock = packet.slice(at, at + scbLength);
    at += scbLength;
  }
  const macLength = carriesMac(securityBlock) ? MAC_LENGTH : 0;
  const dataEnd = checkAt - macLength;
  if (at >= dataEnd) return { ok: false, reason: 'no room for a command or reply code' };
  return {
    ok: true,
    frame: {
      address: packet[1]! & 0x7f,
      reply: (packet[1]! & REPLY_FLAG) !== 0,
      sequence: (control & CONTROL_SEQUENCE) as Sequence,
      useCrc,
      mark,
      securityBlock,
      code: packet[at]!,
      data: packet.slice(at + 1, dataEnd),
      mac: macLength ? packet.slice(dataEnd, checkAt) : null,
    },
    macInput: packet.slice(0, dataEnd),
  };
}

function hex16(n: number): string {
  return `0x${n.toString(16).padStart(4, '0')}`;
}
