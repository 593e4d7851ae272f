// Verification embedder: an aligned square face crop in, an L2-normalized vector out.
// With flip averaging the crop and its mirror go through the model as one batch of two and the
// two vectors are summed: a legitimate test-time trick that steadies the embedding.
import * as tf from './tf.ts';
import type { LoadedModel, Variant } from './registry.ts';

export type PixelScale = 'unit' | 'signed' | 'byte';

export interface EmbedderOptions {
  /** How the model expects pixels: unit = 0..1, signed = -1..1, byte = 0..255. */
  pixels: PixelScale;
  /** Crop zoom around the canonical points (1 = the ArcFace 112 layout; < 1 = looser crop). */
  zoom: number;
  flip: boolean;
}

export function l2normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s) || 1;
  for (let i = 0; i < v.length; i++) v[i]! /= n;
  return v;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** What the pipeline needs of an embedder, whichever runtime runs the model. */
export interface FaceEmbedder {
  readonly name: string;
  readonly variant: Variant;
  /** Side of the square RGB crop the model takes. */
  readonly size: number;
  /** The runtime, when it is not tfjs (reported beside the tfjs backend). */
  readonly runtime?: string;
  /** One or two size*size*3 RGB crops (the second the mirror image) → one unit vector. */
  embed(crops: Uint8Array[]): Promise<Float32Array>;
  dispose(): void;
}

/** Pixel value as the model wants it, from a byte. */
export function scalePixel(scale: PixelScale, v: number): number {
  return scale === 'unit' ? v / 255 : scale === 'signed' ? v / 127.5 - 1 : v;
}

/** A tfjs graph model embedder (NHWC input). */
export class Embedder implements FaceEmbedder {
  readonly size: number;

  constructor(
    readonly loaded: LoadedModel,
    readonly opts: EmbedderOptions,
  ) {
    this.size = loaded.entry.input[1] ?? 112;
  }

  get name(): string {
    return this.loaded.name;
  }

  get variant(): Variant {
    return this.loaded.variant;
  }

  dispose(): void {
    this.loaded.model.dispose();
  }

  /** `crops` holds one or two size*size*3 RGB crops (the second the mirror image); returns one unit vector. */
  async embed(crops: Uint8Array[]): Promise<Float32Array> {
    const size = this.size;
    const out = tf.tidy(() => {
      const batch = tf.cast(tf.stack(crops.map((c) => tf.tensor3d(c, [size, size, 3], 'int32'))), 'float32');
      const input = this.opts.pixels === 'unit' ? tf.div(batch, 255) : this.opts.pixels === 'signed' ? tf.sub(tf.div(batch, 127.5), 1) : batch;
      const raw = this.loaded.model.execute(input);
      // Models with several heads (faceres: age, gender, features): the features are the widest 2-D output.
      const list = Array.isArray(raw) ? raw : [raw];
      const feats = list.filter((t) => t.rank === 2).sort((a, b) => (b.shape[1] ?? 0) - (a.shape[1] ?? 0))[0];
      if (!feats) throw new Error(`embedder ${this.name} gave no 2-D output`);
      return tf.sum(feats, 0);
    });
    const v = (await out.data()) as Float32Array;
    out.dispose();
    return l2normalize(Float32Array.from(v));
  }
}
