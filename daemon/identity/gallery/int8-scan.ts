import { INT8_DOT_WASM_BASE64 } from './int8-dot.wasm.ts';

const PAGE = 65536;
/** Largest query magnitude: keeps every int32 sum exact up to 1024 dimensions (see int8-dot.wat). */
export const QUERY_SCALE = 16383;
export const MAX_DIM = 1024;

let compiled: WebAssembly.Module | null = null;
function kernelModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(Buffer.from(INT8_DOT_WASM_BASE64, 'base64'));
  return compiled;
}

/**
 * The int8 copy of the gallery inside WebAssembly memory, laid out as
 * [query int16 × dim][rows int8 × capacity × dim][scores int32 × capacity].
 * Rows grow in place; the scores area is scratch and simply moves when rows grow.
 */
export class Int8Matrix {
  readonly dim: number;
  readonly #memory: WebAssembly.Memory;
  readonly #scan: (rows: number, query: number, dim: number, n: number, out: number) => void;
  readonly #rowsAt: number;
  #capacity = 0;

  constructor(dim: number) {
    if (dim % 32 !== 0 || dim <= 0 || dim > MAX_DIM) throw new RangeError(`int8 matrix dimension must be a multiple of 32 up to ${MAX_DIM}, got ${dim}`);
    this.dim = dim;
    this.#rowsAt = Math.ceil((dim * 2) / 16) * 16;
    this.#memory = new WebAssembly.Memory({ initial: 1 });
    const instance = new WebAssembly.Instance(kernelModule(), { env: { memory: this.#memory } });
    this.#scan = instance.exports.scan as (rows: number, query: number, dim: number, n: number, out: number) => void;
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** Bytes the WebAssembly memory holds (rows, scores and the query). */
  get bytes(): number {
    return this.#memory.buffer.byteLength;
  }

  #scoresAt(): number {
    return this.#rowsAt + this.#capacity * this.dim;
  }

  ensureCapacity(rows: number): void {
    if (rows <= this.#capacity) return;
    let capacity = Math.max(this.#capacity, 64);
    while (capacity < rows) capacity *= 2;
    const need = this.#rowsAt + capacity * (this.dim + 4);
    const have = this.#memory.buffer.byteLength;
    if (need > have) this.#memory.grow(Math.ceil((need - have) / PAGE));
    this.#capacity = capacity;
  }

  setRow(index: number, values: Int8Array): void {
    new Int8Array(this.#memory.buffer, this.#rowsAt + index * this.dim, this.dim).set(values);
  }

  copyRow(from: number, to: number): void {
    const bytes = new Uint8Array(this.#memory.buffer);
    bytes.copyWithin(this.#rowsAt + to * this.dim, this.#rowsAt + from * this.dim, this.#rowsAt + (from + 1) * this.dim);
  }

  /** Int32 dot products of the first n rows with the int16 query; the view is valid until the next change. */
  scan(query: Int16Array, n: number): Int32Array {
    new Int16Array(this.#memory.buffer, 0, this.dim).set(query);
    const out = this.#scoresAt();
    this.#scan(this.#rowsAt, 0, this.dim, n, out);
    return new Int32Array(this.#memory.buffer, out, n);
  }
}
