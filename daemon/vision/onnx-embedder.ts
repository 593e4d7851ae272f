// An embedder shipped as an ONNX file, run by onnxruntime-web's WASM backend with SIMD (the
// runtime ships its .wasm inside the npm package and installs offline, unlike onnxruntime-node).
import * as ort from 'onnxruntime-web';
import { FacegateError } from '../core/index.ts';
import { onnxRuntimeName, openOnnxSession } from './onnx-session.ts';
import { l2normalize, scalePixel, type EmbedderOptions, type FaceEmbedder, type PixelScale } from './embedder.ts';
import { effectiveVariant, entryOf, inputSize, type Manifest, type Variant } from './manifest.ts';

/** Packed RGB → three planes (NCHW), scaled as the model was trained. */
export function toPlanes(crop: Uint8Array, area: number, pixels: PixelScale, planes: Float32Array = new Float32Array(3 * area)): Float32Array {
  for (let i = 0; i < area; i++) {
    planes[i] = scalePixel(pixels, crop[i * 3]!);
    planes[area + i] = scalePixel(pixels, crop[i * 3 + 1]!);
    planes[2 * area + i] = scalePixel(pixels, crop[i * 3 + 2]!);
  }
  return planes;
}

export class OnnxEmbedder implements FaceEmbedder {
  // onnxruntime-web 1.30 ships SIMD builds of its WASM only; the thread count is the one it started with.
  readonly runtime = onnxRuntimeName();
  private readonly planes: Float32Array;

  private constructor(
    readonly name: string,
    readonly variant: Variant,
    readonly size: number,
    private readonly session: ort.InferenceSession,
    private readonly opts: Pick<EmbedderOptions, 'pixels'>,
  ) {
    this.planes = new Float32Array(3 * size * size);
  }

  /** Reads the pinned file of the variant (float32, or the int8 copy; hash checked) and starts an inference session on it. */
  static async load(
    name: string,
    manifest: Manifest,
    dir: string,
    opts: Pick<EmbedderOptions, 'pixels'>,
    threads = 1,
    requested: Variant = 'float32',
  ): Promise<OnnxEmbedder> {
    const variant = effectiveVariant(entryOf(name, manifest), requested);
    const { session, entry } = await openOnnxSession(name, manifest, dir, threads, variant);
    return new OnnxEmbedder(name, variant, inputSize(entry), session, opts);
  }

  async embed(crops: Uint8Array[]): Promise<Float32Array> {
    const { size, planes } = this;
    const area = size * size;
    let sum: Float32Array | null = null;
    for (const crop of crops) {
      if (crop.length !== area * 3)
        throw new FacegateError('VISION_BAD_FRAME', `embedder ${this.name} wants ${size}x${size} RGB crops, got ${crop.length} bytes`);
      toPlanes(crop, area, this.opts.pixels, planes);
      const input = new ort.Tensor('float32', planes, [1, 3, size, size]);
      const out = await this.session.run({ [this.session.inputNames[0]!]: input });
      const feats = out[this.session.outputNames[0]!];
      if (!feats || feats.dims.length !== 2) throw new Error(`embedder ${this.name} gave no 2-D output`);
      const v = feats.data as Float32Array;
      if (!sum) sum = Float32Array.from(v);
      else for (let i = 0; i < sum.length; i++) sum[i]! += v[i]!;
    }
    if (!sum) throw new FacegateError('VISION_BAD_FRAME', `embedder ${this.name} was given no crop`);
    return l2normalize(sum);
  }

  dispose(): void {
    void this.session.release();
  }
}
