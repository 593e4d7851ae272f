import { MARK, SOM } from './codes.ts';
import { decodePacket, MIN_PACKET_LENGTH, type Frame } from './frame.ts';

/** What the reader made of the bytes it was given. */
export type ReaderEvent =
  | { kind: 'frame'; frame: Frame; macInput: Uint8Array }
  /** bytes outside any packet (line noise, a half packet dropped after a gap); marks (0xFF) are not counted */
  | { kind: 'garbage'; bytes: number }
  /** something that started like a packet and was not one; the reader looks for the next SOM after its first byte */
  | { kind: 'invalid'; reason: string };

/** The largest packet accepted; a length field above it is taken as noise. Announced in osdp_PDCAP. */
export const MAX_PACKET_LENGTH = 1024;

/**
 * Cuts a byte stream into OSDP packets. Resilient by construction: bytes before a SOM are skipped,
 * a packet whose length field is impossible or whose check fails is dropped and the search goes on
 * from the byte after its SOM (a real packet may start inside it), a partial packet waits for the
 * rest until reset() (the owner calls it after a silence on the line).
 */
export class FrameReader {
  readonly #maxLength: number;
  #pending: Uint8Array = new Uint8Array(0);

  constructor(maxLength = MAX_PACKET_LENGTH) {
    this.#maxLength = maxLength;
  }

  /** True while the start of a packet waits for the rest. */
  get partial(): boolean {
    return this.#pending.length > 0;
  }

  /** Forgets a partial packet; returns how many bytes it had. */
  reset(): number {
    const dropped = this.#pending.length;
    this.#pending = new Uint8Array(0);
    return dropped;
  }

  push(chunk: Uint8Array): ReaderEvent[] {
    let buf = this.#pending.length ? concat(this.#pending, chunk) : chunk;
    this.#pending = new Uint8Array(0);
    const events: ReaderEvent[] = [];
    let garbage = 0;
    for (;;) {
      const som = buf.indexOf(SOM);
      if (som < 0) {
        // A trailing mark may belong to the next packet.
        const keepMark = buf.length > 0 && buf[buf.length - 1] === MARK;
        garbage += countNonMarks(buf.subarray(0, keepMark ? buf.length - 1 : buf.length));
        if (keepMark) this.#pending = buf.slice(buf.length - 1);
        break;
      }
      const mark = som > 0 && buf[som - 1] === MARK;
      garbage += countNonMarks(buf.subarray(0, som));
      buf = buf.subarray(som);
      if (buf.length < 4) {
        this.#pending = withMark(buf, mark);
        break;
      }
      const length = buf[2]! | (buf[3]! << 8);
      if (length < MIN_PACKET_LENGTH || length > this.#maxLength) {
        events.push({ kind: 'invalid', reason: `length field ${length} outside ${MIN_PACKET_LENGTH}..${this.#maxLength}` });
        buf = buf.subarray(1);
        continue;
      }
      if (buf.length < length) {
        this.#pending = withMark(buf, mark);
        break;
      }
      const decoded = decodePacket(buf.subarray(0, length), mark);
      if (decoded.ok) {
        events.push({ kind: 'frame', frame: decoded.frame, macInput: decoded.macInput });
        buf = buf.subarray(length);
      } else {
        events.push({ kind: 'invalid', reason: decoded.reason });
        buf = buf.subarray(1);
      }
    }
    if (garbage > 0) events.unshift({ kind: 'garbage', bytes: garbage });
    return events;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function withMark(fromSom: Uint8Array, mark: boolean): Uint8Array {
  return mark ? concat(Uint8Array.of(MARK), fromSom) : fromSom.slice();
}

function countNonMarks(bytes: Uint8Array): number {
  let n = 0;
  for (const b of bytes) if (b !== MARK) n++;
  return n;
}
