/** Command, reply, NAK and capability codes of SIA OSDP 2.2 that this PD speaks or refuses. */

export const MARK = 0xff;
export const SOM = 0x53;
export const BROADCAST_ADDRESS = 0x7f;
/** Bit 7 of the address byte: set on every reply (PD → CP). */
export const REPLY_FLAG = 0x80;

export const Command = {
  POLL: 0x60,
  ID: 0x61,
  CAP: 0x62,
  LSTAT: 0x64,
  ISTAT: 0x65,
  OSTAT: 0x66,
  RSTAT: 0x67,
  OUT: 0x68,
  LED: 0x69,
  BUZ: 0x6a,
  TEXT: 0x6b,
  COMSET: 0x6e,
  KEYSET: 0x75,
  CHLNG: 0x76,
  SCRYPT: 0x77,
} as const;

export const Reply = {
  ACK: 0x40,
  NAK: 0x41,
  PDID: 0x45,
  PDCAP: 0x46,
  LSTATR: 0x48,
  ISTATR: 0x49,
  OSTATR: 0x4a,
  RAW: 0x50,
  CCRYPT: 0x76,
  RMAC_I: 0x78,
  BUSY: 0x79,
} as const;

/** osdp_NAK error codes (the first data byte of a NAK). */
export const Nak = {
  /** message check character(s) error (bad CRC or checksum) */
  MSG_CHECK: 1,
  /** command length error */
  CMD_LENGTH: 2,
  /** unknown command code: not implemented by this PD */
  UNKNOWN_COMMAND: 3,
  /** sequence number error */
  SEQUENCE: 4,
  /** secure channel not supported by this PD */
  SC_UNSUPPORTED: 5,
  /** unsupported security block or security conditions not met */
  SC_CONDITIONS: 6,
  /** unable to process the command record (e.g. an LED this PD does not have) */
  RECORD: 9,
} as const;
export type NakCode = (typeof Nak)[keyof typeof Nak];

/** Function codes of osdp_PDCAP entries. */
export const Capability = {
  CONTACT_STATUS_MONITORING: 1,
  OUTPUT_CONTROL: 2,
  CARD_DATA_FORMAT: 3,
  READER_LED_CONTROL: 4,
  READER_AUDIBLE_OUTPUT: 5,
  READER_TEXT_OUTPUT: 6,
  TIME_KEEPING: 7,
  CHECK_CHARACTER_SUPPORT: 8,
  COMMUNICATION_SECURITY: 9,
  RECEIVE_BUFFER_SIZE: 10,
  LARGEST_COMBINED_MESSAGE_SIZE: 11,
  SMART_CARD_SUPPORT: 12,
  READERS: 13,
  BIOMETRICS: 14,
  SECURE_PIN_ENTRY: 15,
  OSDP_VERSION: 16,
} as const;

/** Security block types (the second SCB byte). 0x15..0x18 carry a 4-byte MAC after the data. */
export const SecurityBlock = {
  SCS_11: 0x11,
  SCS_12: 0x12,
  SCS_13: 0x13,
  SCS_14: 0x14,
  SCS_15: 0x15,
  SCS_16: 0x16,
  SCS_17: 0x17,
  SCS_18: 0x18,
} as const;
