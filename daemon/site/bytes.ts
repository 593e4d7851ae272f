import { SiteError } from './errors.ts';

/** Builds a big-endian byte string field by field. */
export class ByteWriter {
  readonly #parts: Buffer[] = [];

  u8(value: number): this {
    return this.#push(1, (b) => b.writeUInt8(value, 0));
  }
  u16(value: number): this {
    return this.#push(2, (b) => b.writeUInt16BE(value, 0));
  }
  u32(value: number): this {
    return this.#push(4, (b) => b.writeUInt32BE(value, 0));
  }
  u64(value: number): this {
    return this.#push(8, (b) => b.writeBigUInt64BE(BigInt(value), 0));
  }
  raw(bytes: Uint8Array): this {
    this.#parts.push(Buffer.from(bytes));
    return this;
  }
  /** Bytes after their length, as a u8, u16 or u32. */
  sized(bytes: Uint8Array, lengthBytes: 1 | 2 | 4): this {
    const max = 2 ** (8 * lengthBytes) - 1;
    if (bytes.length > max) throw new SiteError('site_encode', `a field of ${bytes.length} bytes does not fit a ${lengthBytes}-byte length`);
    if (lengthBytes === 1) this.u8(bytes.length);
    else if (lengthBytes === 2) this.u16(bytes.length);
    else this.u32(bytes.length);
    return this.raw(bytes);
  }
  bytes(): Buffer {
    return Buffer.concat(this.#parts);
  }
  #push(size: number, write: (b: Buffer) => void): this {
    const b = Buffer.alloc(size);
    write(b);
    this.#parts.push(b);
    return this;
  }
}

/** Reads what ByteWriter wrote; running past the end is a SiteError naming the field. */
export class ByteReader {
  readonly #buf: Buffer;
  readonly #what: string;
  #at = 0;

  constructor(buf: Buffer, what: string) {
    this.#buf = buf;
    this.#what = what;
  }

  get offset(): number {
    return this.#at;
  }
  get remaining(): number {
    return this.#buf.length - this.#at;
  }

  u8(field: string): number {
    return this.#take(1, field).readUInt8(0);
  }
  u16(field: string): number {
    return this.#take(2, field).readUInt16BE(0);
  }
  u32(field: string): number {
    return this.#take(4, field).readUInt32BE(0);
  }
  u64(field: string): number {
    const value = this.#take(8, field).readBigUInt64BE(0);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new SiteError('site_malformed', `${this.#what}: ${field} ${value} is too large`);
    return Number(value);
  }
  raw(size: number, field: string): Buffer {
    return Buffer.from(this.#take(size, field));
  }
  sized(lengthBytes: 1 | 2 | 4, field: string): Buffer {
    const size = lengthBytes === 1 ? this.u8(field) : lengthBytes === 2 ? this.u16(field) : this.u32(field);
    return this.raw(size, field);
  }
  /** Refuses trailing bytes, so one value has one encoding. */
  end(): void {
    if (this.remaining !== 0) throw new SiteError('site_malformed', `${this.#what}: ${this.remaining} unexpected bytes after the last field`);
  }
  #take(size: number, field: string): Buffer {
    if (this.#at + size > this.#buf.length) {
      throw new SiteError('site_malformed', `${this.#what}: truncated in ${field} (needs ${size} bytes at offset ${this.#at}, has ${this.remaining})`);
    }
    const out = this.#buf.subarray(this.#at, this.#at + size);
    this.#at += size;
    return out;
  }
}
