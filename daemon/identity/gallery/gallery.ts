import { Int8Matrix, QUERY_SCALE } from './int8-scan.ts';

/** The best and the runner-up person for one probe face. */
export interface GalleryHit {
  personId: string | null;
  templateId: string | null;
  /** Cosine similarity of the best template (exact, float32). */
  score: number;
  /** Best score of any other person; an upper bound when no other person was among the candidates. */
  secondScore: number;
  secondPersonId: string | null;
}

export interface GalleryOptions {
  /** Candidates re-ranked exactly after the int8 scan. */
  rerank?: number;
  /** Below this many templates the exact float32 scan is used directly (it is as fast there). */
  exactBelow?: number;
}

/** A copy of v scaled to unit length; throws on a wrong length or a zero/NaN vector. */
export function normalized(v: ArrayLike<number>, dim: number): Float32Array {
  if (v.length !== dim) throw new RangeError(`embedding has ${v.length} dimensions, the gallery holds ${dim}`);
  let sum = 0;
  for (let i = 0; i < dim; i++) sum += (v[i] as number) * (v[i] as number);
  const norm = Math.sqrt(sum);
  if (!Number.isFinite(norm) || norm === 0) throw new RangeError('embedding is zero or not a number');
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i++) out[i] = (v[i] as number) / norm;
  return out;
}

/**
 * Every enrolled template in memory: one contiguous row-major Float32Array of unit vectors
 * (the reference for exact scores), shadowed by an int8 copy in WebAssembly memory that a SIMD
 * loop scans in a quarter of the bytes. A search scans the int8 rows, keeps the best few
 * candidates and re-ranks those with exact float32 dot products. Adding and removing a template
 * touches one row (removal moves the last row into the hole), so the gallery changes incrementally.
 */
export class Gallery {
  readonly dim: number;
  readonly #padded: number;
  readonly #rerank: number;
  readonly #exactBelow: number;
  #matrix = new Float32Array(0);
  #rowScale = new Float32Array(0);
  readonly #int8: Int8Matrix;
  #rowPerson: string[] = [];
  #rowTemplate: string[] = [];
  readonly #rowOf = new Map<string, number>();
  readonly #templatesOf = new Map<string, Set<string>>();
  #size = 0;

  constructor(dim: number, options: GalleryOptions = {}) {
    if (!Number.isInteger(dim) || dim < 2) throw new RangeError(`gallery dimension must be an integer >= 2, got ${dim}`);
    this.dim = dim;
    this.#padded = Math.ceil(dim / 32) * 32;
    this.#rerank = Math.max(2, options.rerank ?? 32);
    this.#exactBelow = options.exactBelow ?? 256;
    this.#int8 = new Int8Matrix(this.#padded);
  }

  /** Number of templates. */
  get size(): number {
    return this.#size;
  }

  get personCount(): number {
    return this.#templatesOf.size;
  }

  /** The float32 matrix (rows 0..size-1 are live); exposed for tests and the bench reference. */
  get matrix(): Float32Array {
    return this.#matrix.subarray(0, this.#size * this.dim);
  }

  personOfRow(row: number): string {
    const p = this.#rowPerson[row];
    if (p === undefined) throw new RangeError(`no row ${row}`);
    return p;
  }

  hasPerson(personId: string): boolean {
    return this.#templatesOf.has(personId);
  }

  templatesOf(personId: string): string[] {
    return [...(this.#templatesOf.get(personId) ?? [])];
  }

  /** Resident bytes per template: float32 row, int8 row, int32 scratch score, row scale. */
  bytesPerTemplate(): number {
    return this.dim * 4 + this.#padded + 4 + 4;
  }

  #grow(rows: number): void {
    const capacity = this.#matrix.length / this.dim;
    if (rows <= capacity) return;
    let next = Math.max(capacity, 64);
    while (next < rows) next *= 2;
    const matrix = new Float32Array(next * this.dim);
    matrix.set(this.#matrix);
    this.#matrix = matrix;
    const scale = new Float32Array(next);
    scale.set(this.#rowScale);
    this.#rowScale = scale;
    this.#int8.ensureCapacity(next);
  }

  #writeRow(row: number, unit: Float32Array): void {
    this.#matrix.set(unit, row * this.dim);
    let max = 0;
    for (let i = 0; i < this.dim; i++) max = Math.max(max, Math.abs(unit[i] as number));
    const q = new Int8Array(this.#padded);
    for (let i = 0; i < this.dim; i++) q[i] = Math.round(((unit[i] as number) / max) * 127);
    this.#rowScale[row] = max / 127;
    this.#int8.setRow(row, q);
  }

  /** Adds (or replaces) one template; the embedding is copied and normalized. */
  add(personId: string, templateId: string, embedding: ArrayLike<number>): void {
    const unit = normalized(embedding, this.dim);
    const existing = this.#rowOf.get(templateId);
    if (existing !== undefined) {
      if (this.#rowPerson[existing] !== personId) throw new Error(`template ${templateId} already belongs to another person`);
      this.#writeRow(existing, unit);
      return;
    }
    this.#grow(this.#size + 1);
    const row = this.#size;
    this.#writeRow(row, unit);
    this.#rowPerson[row] = personId;
    this.#rowTemplate[row] = templateId;
    this.#rowOf.set(templateId, row);
    let set = this.#templatesOf.get(personId);
    if (!set) {
      set = new Set();
      this.#templatesOf.set(personId, set);
    }
    set.add(templateId);
    this.#size += 1;
  }

  removeTemplate(templateId: string): boolean {
    const row = this.#rowOf.get(templateId);
    if (row === undefined) return false;
    const personId = this.#rowPerson[row] as string;
    const last = this.#size - 1;
    if (row !== last) {
      this.#matrix.copyWithin(row * this.dim, last * this.dim, (last + 1) * this.dim);
      this.#rowScale[row] = this.#rowScale[last] as number;
      this.#int8.copyRow(last, row);
      const movedTemplate = this.#rowTemplate[last] as string;
      this.#rowPerson[row] = this.#rowPerson[last] as string;
      this.#rowTemplate[row] = movedTemplate;
      this.#rowOf.set(movedTemplate, row);
    }
    this.#rowPerson.length = last;
    this.#rowTemplate.length = last;
    this.#rowOf.delete(templateId);
    const set = this.#templatesOf.get(personId);
    set?.delete(templateId);
    if (set && set.size === 0) this.#templatesOf.delete(personId);
    this.#size = last;
    return true;
  }

  removePerson(personId: string): number {
    const ids = this.templatesOf(personId);
    for (const id of ids) this.removeTemplate(id);
    return ids.length;
  }

  #exactScore(row: number, unit: Float32Array): number {
    const m = this.#matrix;
    const o = row * this.dim;
    let a = 0;
    for (let i = 0; i < this.dim; i++) a += (m[o + i] as number) * (unit[i] as number);
    return a;
  }

  /** Candidate rows with their approximate scores, best first. */
  #candidates(unit: Float32Array): { rows: number[]; floor: number } {
    const n = this.#size;
    if (n <= this.#exactBelow || n <= this.#rerank) {
      return { rows: Array.from({ length: n }, (_, i) => i), floor: -Infinity };
    }
    let max = 0;
    for (let i = 0; i < this.dim; i++) max = Math.max(max, Math.abs(unit[i] as number));
    const query = new Int16Array(this.#padded);
    for (let i = 0; i < this.dim; i++) query[i] = Math.round(((unit[i] as number) / max) * QUERY_SCALE);
    const raw = this.#int8.scan(query, n);
    const scale = this.#rowScale;
    // Keep the k best approximate scores in a small unsorted array; replace its minimum.
    const k = this.#rerank;
    const topRow = new Int32Array(k);
    const topScore = new Float64Array(k).fill(-Infinity);
    let minAt = 0;
    let minScore = -Infinity;
    for (let r = 0; r < n; r++) {
      const s = (raw[r] as number) * (scale[r] as number);
      if (s <= minScore) continue;
      topRow[minAt] = r;
      topScore[minAt] = s;
      minScore = Infinity;
      for (let j = 0; j < k; j++) {
        const t = topScore[j] as number;
        if (t < minScore) {
          minScore = t;
          minAt = j;
        }
      }
    }
    // Quantization error of a score is far below this slack (rows and query rounded to 1/127, 1/16383 of their max).
    const floor = (minScore * max) / QUERY_SCALE + 0.02;
    return { rows: Array.from(topRow), floor };
  }

  /** The best person for a probe embedding, with the best score of any other person. */
  search(embedding: ArrayLike<number>): GalleryHit {
    const unit = normalized(embedding, this.dim);
    const empty: GalleryHit = { personId: null, templateId: null, score: 0, secondScore: 0, secondPersonId: null };
    if (this.#size === 0) return empty;
    const { rows, floor } = this.#candidates(unit);
    let bestRow = -1;
    let best = -Infinity;
    const perPerson = new Map<string, number>();
    for (const row of rows) {
      const s = this.#exactScore(row, unit);
      const p = this.#rowPerson[row] as string;
      if (s > (perPerson.get(p) ?? -Infinity)) perPerson.set(p, s);
      if (s > best) {
        best = s;
        bestRow = row;
      }
    }
    const bestPerson = this.#rowPerson[bestRow] as string;
    let second = -Infinity;
    let secondPerson: string | null = null;
    for (const [p, s] of perPerson) {
      if (p !== bestPerson && s > second) {
        second = s;
        secondPerson = p;
      }
    }
    if (this.#templatesOf.size > 1 && floor > second) {
      // Another person may hide below the candidates: bound their score from above.
      second = Math.min(floor, best);
      secondPerson = null;
    }
    if (this.#templatesOf.size <= 1) second = best - 1;
    return { personId: bestPerson, templateId: this.#rowTemplate[bestRow] as string, score: best, secondScore: second, secondPersonId: secondPerson };
  }
}
