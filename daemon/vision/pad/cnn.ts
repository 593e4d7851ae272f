// The CNN liveness model (faceplugin's fr_liveness.onnx, MiniFASNet-class) on onnxruntime-web: a
// 128×128 crop around the face at 2.7× its box, shifted to stay inside the frame, in BGR planes of
// 0–255 floats; softmax index 0 of its 3 logits is P(live). BGR, not the RGB its JavaScript demo
// feeds: on nuaa-train BGR separates live from printed frames completely and RGB does not
// (AUC 1.000 vs 0.968), the mark of a model trained on OpenCV's channel order.
import * as ort from 'onnxruntime-web';
import type { Box } from '../../core/index.ts';
import { openOnnxSession } from '../onnx-session.ts';
import { MODELS_DIR, readManifest, type Manifest } from '../manifest.ts';
import { cropPatch } from './crop.ts';
import { CNN_PAD_MODEL } from './model.ts';

export { CNN_PAD_MODEL };

const SIZE = 128;
const CONTEXT = 2.7;

/**
 * The crop the model was trained on: the box scaled by 2.7 about its centre (less when the frame is
 * too small for that), moved, not cut, where it would leave the frame.
 */
export function livenessRegion(width: number, height: number, box: Box): Box {
  const scale = Math.min((height - 1) / box.height, (width - 1) / box.width, CONTEXT);
  const w = box.width * scale;
  const h = box.height * scale;
  const x = Math.min(Math.max(0, box.x + box.width / 2 - w / 2), Math.max(0, width - 1 - w));
  const y = Math.min(Math.max(0, box.y + box.height / 2 - h / 2), Math.max(0, height - 1 - h));
  return { x, y, width: w, height: h };
}

export class CnnLiveness {
  private readonly planes = new Float32Array(3 * SIZE * SIZE);

  private constructor(
    readonly name: string,
    private readonly session: ort.InferenceSession,
  ) {}

  /** Loads the pinned model file (a changed or missing file throws, so no face is ever judged by it). */
  static async load(manifest: Manifest = readManifest(), dir = MODELS_DIR, name = CNN_PAD_MODEL, threads = 1): Promise<CnnLiveness> {
    const { session } = await openOnnxSession(name, manifest, dir, threads);
    return new CnnLiveness(name, session);
  }

  /** P(live) of the face in `box` of a packed RGB frame. */
  async probability(rgb: Uint8Array, width: number, height: number, box: Box): Promise<number> {
    const patch = cropPatch(rgb, width, height, livenessRegion(width, height, box), SIZE);
    const area = SIZE * SIZE;
    this.planes.set(patch.b, 0);
    this.planes.set(patch.g, area);
    this.planes.set(patch.r, 2 * area);
    const input = new ort.Tensor('float32', this.planes, [1, 3, SIZE, SIZE]);
    const out = await this.session.run({ [this.session.inputNames[0] ?? 'input']: input });
    const logits = out[this.session.outputNames[0] ?? 'output']?.data as Float32Array | undefined;
    if (!logits || logits.length !== 3) throw new Error(`PAD model ${this.name} gave no 3-way output`);
    const top = Math.max(logits[0]!, logits[1]!, logits[2]!);
    const e = [0, 1, 2].map((i) => Math.exp(logits[i]! - top));
    return e[0]! / (e[0]! + e[1]! + e[2]!);
  }

  dispose(): void {
    void this.session.release();
  }
}
