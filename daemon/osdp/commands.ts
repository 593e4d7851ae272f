/**
 * The records of the panel's output commands (osdp_LED, osdp_BUZ, osdp_OUT), decoded. Each
 * command may carry several records back to back; a length that is not a whole number of
 * records is a command length error (NAK 2).
 */

/** OSDP colour codes of osdp_LED. */
export const LED_COLORS = ['off', 'red', 'green', 'amber', 'blue', 'magenta', 'cyan', 'white'] as const;
export type LedColor = (typeof LED_COLORS)[number] | `color_${number}`;

export interface LedPhase {
  /** temporary: 0 no change, 1 cancel and show the permanent state, 2 set and start the timer; permanent: 0 no change, 1 set */
  control: number;
  onMs: number;
  offMs: number;
  onColor: LedColor;
  offColor: LedColor;
}

export interface LedRecord {
  reader: number;
  led: number;
  temporary: LedPhase & { timerMs: number };
  permanent: LedPhase;
}

export interface BuzzerRecord {
  reader: number;
  /** 0 no tone (no change), 1 off, 2 the default tone, higher: vendor tones */
  tone: number;
  onMs: number;
  offMs: number;
  /** 0: repeat until told otherwise */
  count: number;
}

export interface OutputRecord {
  output: number;
  /** 0 no change, 1/2 permanent off/on (abort a timed operation), 3/4 permanent off/on (after a timed one), 5/6 temporary on/off */
  control: number;
  timerMs: number;
}

const LED_RECORD = 14;
const BUZ_RECORD = 5;
const OUT_RECORD = 4;
/** OSDP times are in units of 100 ms. */
const TICK_MS = 100;

export function ledColor(code: number): LedColor {
  return LED_COLORS[code] ?? `color_${code}`;
}

function records<T>(data: Uint8Array, size: number, decode: (r: Uint8Array) => T): T[] | null {
  if (data.length === 0 || data.length % size !== 0) return null;
  const out: T[] = [];
  for (let at = 0; at < data.length; at += size) out.push(decode(data.subarray(at, at + size)));
  return out;
}

/** null: the length is not a whole number of 14-byte records */
export function decodeLed(data: Uint8Array): LedRecord[] | null {
  return records(data, LED_RECORD, (r) => ({
    reader: r[0]!,
    led: r[1]!,
    temporary: {
      control: r[2]!,
      onMs: r[3]! * TICK_MS,
      offMs: r[4]! * TICK_MS,
      onColor: ledColor(r[5]!),
      offColor: ledColor(r[6]!),
      timerMs: (r[7]! | (r[8]! << 8)) * TICK_MS,
    },
    permanent: { control: r[9]!, onMs: r[10]! * TICK_MS, offMs: r[11]! * TICK_MS, onColor: ledColor(r[12]!), offColor: ledColor(r[13]!) },
  }));
}

/** null: the length is not a whole number of 5-byte records */
export function decodeBuzzer(data: Uint8Array): BuzzerRecord[] | null {
  return records(data, BUZ_RECORD, (r) => ({ reader: r[0]!, tone: r[1]!, onMs: r[2]! * TICK_MS, offMs: r[3]! * TICK_MS, count: r[4]! }));
}

/** null: the length is not a whole number of 4-byte records */
export function decodeOutput(data: Uint8Array): OutputRecord[] | null {
  return records(data, OUT_RECORD, (r) => ({ output: r[0]!, control: r[1]!, timerMs: (r[2]! | (r[3]! << 8)) * TICK_MS }));
}
