import { Capability, type NakCode, Reply } from './codes.ts';
import { MAX_PACKET_LENGTH } from './reader.ts';

/** A reply before framing: its code and data. */
export interface ReplyBody {
  code: number;
  data: Uint8Array;
}

/** What osdp_PDID says the PD is. */
export interface PdIdentity {
  /** the IEEE OUI of the vendor, 24 bits, sent least significant byte first */
  vendorCode: number;
  model: number;
  version: number;
  /** 32 bits, sent least significant byte first */
  serialNumber: number;
  firmware: { major: number; minor: number; build: number };
}

/** What this PD has, for osdp_PDCAP and for checking the panel's commands against it. */
export interface PdCapabilities {
  /** monitored inputs reported by osdp_ISTATR */
  inputs: number;
  /** outputs the panel may switch with osdp_OUT, reported by osdp_OSTATR */
  outputs: number;
  /** LEDs of the one reader */
  leds: number;
  buzzer: boolean;
  secureChannel: boolean;
}

/** A credential as osdp_RAW carries it: `bits` bits, most significant first, padded to whole bytes. */
export interface CardRead {
  /** 0 raw, unspecified format; 1 Wiegand */
  format: 0 | 1;
  bits: number;
  data: Uint8Array;
}

export const ack = (): ReplyBody => ({ code: Reply.ACK, data: new Uint8Array(0) });
export const nak = (code: NakCode): ReplyBody => ({ code: Reply.NAK, data: Uint8Array.of(code) });

export function pdid(id: PdIdentity): ReplyBody {
  const v = id.vendorCode;
  const s = id.serialNumber >>> 0;
  return {
    code: Reply.PDID,
    data: Uint8Array.of(
      v & 0xff,
      (v >> 8) & 0xff,
      (v >> 16) & 0xff,
      id.model,
      id.version,
      s & 0xff,
      (s >> 8) & 0xff,
      (s >> 16) & 0xff,
      s >>> 24,
      id.firmware.major,
      id.firmware.minor,
      id.firmware.build,
    ),
  };
}

export function pdcap(caps: PdCapabilities): ReplyBody {
  const entries: [number, number, number][] = [
    [Capability.CONTACT_STATUS_MONITORING, 1, caps.inputs], // 1: normally open/closed inputs, unsupervised
    [Capability.OUTPUT_CONTROL, 1, caps.outputs], // 1: on/off only
    [Capability.CARD_DATA_FORMAT, 1, 0], // 1: card data as an array of bits
    [Capability.READER_LED_CONTROL, 1, caps.leds], // 1: on/off only, one colour at a time
    [Capability.READER_AUDIBLE_OUTPUT, caps.buzzer ? 1 : 0, caps.buzzer ? 1 : 0],
    [Capability.CHECK_CHARACTER_SUPPORT, 1, 0], // 1: CRC-16 as well as the checksum
    [Capability.COMMUNICATION_SECURITY, caps.secureChannel ? 1 : 0, 0], // bit 0: AES-128
    [Capability.RECEIVE_BUFFER_SIZE, MAX_PACKET_LENGTH & 0xff, MAX_PACKET_LENGTH >> 8],
    [Capability.OSDP_VERSION, 2, 0], // 2: SIA OSDP 2.2
  ];
  return { code: Reply.PDCAP, data: Uint8Array.from(entries.flat()) };
}

/** osdp_LSTATR: tamper (0 normal, 1 tampered), power (0 normal, 1 failure). */
export function lstatr(status: { tamper: boolean; powerFailure: boolean }): ReplyBody {
  return { code: Reply.LSTATR, data: Uint8Array.of(status.tamper ? 1 : 0, status.powerFailure ? 1 : 0) };
}

/** osdp_ISTATR / osdp_OSTATR: one byte per input or output, 1 = active. */
export function statusReport(code: typeof Reply.ISTATR | typeof Reply.OSTATR, states: readonly boolean[]): ReplyBody {
  return { code, data: Uint8Array.from(states, (s) => (s ? 1 : 0)) };
}

/** osdp_RAW: reader 0, format, bit count (LSB first), the bits. */
export function raw(card: CardRead): ReplyBody {
  return { code: Reply.RAW, data: Uint8Array.from([0, card.format, card.bits & 0xff, card.bits >> 8, ...card.data]) };
}
