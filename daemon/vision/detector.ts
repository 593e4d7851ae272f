// Face detector: MediaPipe BlazeFace (full-range "back" model, 256x256) with its 6 keypoints.
// The frame is letterboxed to a square (top-left anchored) so boxes map back by one scale factor.
import * as tf from './tf.ts';
import type { Box, Point } from '../core/index.ts';
import type { RgbImage } from './image.ts';
import { checkRgb } from './image.ts';
import { warpCrop } from './align.ts';
import type { LoadedModel } from './registry.ts';

export interface Detection {
  box: Box;
  score: number;
  /** BlazeFace keypoints in frame pixels: eye (image left), eye (image right), nose tip, mouth centre, ear (image left), ear (image right). */
  keypoints: Point[];
}

export interface DetectorOptions {
  minScore: number;
  iou: number;
  maxFaces: number;
  /** Run the detector again on a crop around faces that were small in the frame (steadier keypoints). */
  refine?: boolean;
}

const KEYPOINTS = 6;
/** Faces at least this wide in the detector's input already have steady keypoints. */
const REFINE_ABOVE_PX = 90;

/** Anchor centres of BlazeFace's two heads: 16x16 cells x 2 anchors (stride 16), then 8x8 x 6 (stride 32). */
function anchors(size: number): Float32Array {
  const spec = [
    { stride: size / 16, n: 2 },
    { stride: size / 8, n: 6 },
  ];
  const out: number[] = [];
  for (const { stride, n } of spec) {
    const cells = Math.ceil(size / stride);
    for (let y = 0; y < cells; y++) for (let x = 0; x < cells; x++) for (let k = 0; k < n; k++) out.push((x + 0.5) * stride, (y + 0.5) * stride);
  }
  return Float32Array.from(out);
}

function iou(a: Box, b: Box): number {
  const x1 = Math.max(a.x, b.x),
    y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width),
    y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * The frame scaled into a size x size square (top-left anchored, padded with 0 = mid-grey after
 * normalization to [-1, 1]). Done in JS: cheaper than pad + resize kernels on WASM.
 */
export function letterboxInput(img: RgbImage, size: number): Float32Array {
  const out = new Float32Array(size * size * 3);
  const scale = Math.max(img.width, img.height) / size;
  const { width: w, height: h, data } = img;
  for (let v = 0; v < size; v++) {
    const y = (v + 0.5) * scale - 0.5;
    if (y > h - 0.5) break;
    const y0 = Math.max(0, Math.floor(y)),
      y1 = Math.min(h - 1, y0 + 1),
      fy = Math.max(0, y - y0);
    for (let u = 0; u < size; u++) {
      const x = (u + 0.5) * scale - 0.5;
      if (x > w - 0.5) break;
      const x0 = Math.max(0, Math.floor(x)),
        x1 = Math.min(w - 1, x0 + 1),
        fx = Math.max(0, x - x0);
      const o = (v * size + u) * 3;
      const r0 = y0 * w,
        r1 = y1 * w;
      for (let c = 0; c < 3; c++) {
        const top = data[(r0 + x0) * 3 + c]! * (1 - fx) + data[(r0 + x1) * 3 + c]! * fx;
        const bottom = data[(r1 + x0) * 3 + c]! * (1 - fx) + data[(r1 + x1) * 3 + c]! * fx;
        out[o + c] = (top * (1 - fy) + bottom * fy) / 127.5 - 1;
      }
    }
  }
  return out;
}

export class FaceDetector {
  readonly inputSize: number;
  private readonly anchorXY: Float32Array;

  constructor(
    private readonly loaded: LoadedModel,
    private readonly opts: DetectorOptions,
  ) {
    this.inputSize = loaded.entry.input[1] ?? 256;
    this.anchorXY = anchors(this.inputSize);
  }

  /** Finds faces in an RGB frame; boxes and keypoints are in the frame's pixels, best score first. */
  async detect(img: RgbImage): Promise<Detection[]> {
    checkRgb(img);
    const size = this.inputSize;
    const k = Math.max(img.width, img.height) / size;
    const found = this.suppress(await this.candidates(letterboxInput(img, size), (x, y) => [x * k, y * k]), img);
    if (!this.opts.refine) return found;
    const refined: Detection[] = [];
    for (const det of found) refined.push((await this.refine(img, det)) ?? det);
    return refined;
  }

  /**
   * A second look at a face that was small in the letterboxed frame: the detector runs again on a
   * crop where the face fills about 40% of the input, whose keypoints are far steadier (alignment,
   * and so the embedding, depends on them).
   */
  private async refine(img: RgbImage, det: Detection): Promise<Detection | null> {
    const size = this.inputSize;
    if ((det.box.width * size) / Math.max(img.width, img.height) >= REFINE_ABOVE_PX) return null;
    const side = det.box.width * 2.5;
    const cx = det.box.x + det.box.width / 2,
      cy = det.box.y + det.box.height / 2;
    const s = size / side;
    // crop = s * (frame - (cx, cy)) + size / 2
    const crop = warpCrop(img, { a: s, b: 0, tx: size / 2 - s * cx, ty: size / 2 - s * cy }, size);
    const input = new Float32Array(crop.length);
    for (let i = 0; i < crop.length; i++) input[i] = crop[i]! / 127.5 - 1;
    const back = (x: number, y: number): Point => [(x - size / 2) / s + cx, (y - size / 2) / s + cy];
    const again = this.suppress(await this.candidates(input, back), img);
    // The face the crop was centred on: the one whose centre is nearest.
    const d = (q: Detection): number => Math.hypot(q.box.x + q.box.width / 2 - cx, q.box.y + q.box.height / 2 - cy);
    const best = again.sort((p, q) => d(p) - d(q))[0];
    return best && d(best) < det.box.width / 2 ? best : null;
  }

  /** Runs the model on a size x size normalized input; `toFrame` maps input pixels to frame pixels. */
  private async candidates(input: Float32Array, toFrame: (x: number, y: number) => Point): Promise<Detection[]> {
    const size = this.inputSize;
    const outputs = tf.tidy(() => {
      const raw = this.loaded.model.execute(tf.tensor4d(input, [1, size, size, 3])) as tf.Tensor[];
      // Two heads (512 and 384 anchors), each split into a score tensor and a 16-value regression tensor.
      const byRows = (rows: number, cols: number): tf.Tensor => {
        const t = raw.find((r) => r.shape[1] === rows && r.shape[2] === cols);
        if (!t) throw new Error(`detector output ${rows}x${cols} missing`);
        return tf.squeeze(t, [0]);
      };
      const scores = tf.sigmoid(tf.squeeze(tf.concat([byRows(512, 1), byRows(384, 1)], 0), [1]));
      const regs = tf.concat([byRows(512, 16), byRows(384, 16)], 0);
      return [scores, regs] as const;
    });
    const [scoresT, regsT] = outputs;
    const [scores, regs] = await Promise.all([scoresT.data() as Promise<Float32Array>, regsT.data() as Promise<Float32Array>]);
    scoresT.dispose();
    regsT.dispose();

    const candidates: Detection[] = [];
    for (let i = 0; i < scores.length; i++) {
      const score = scores[i]!;
      if (score < this.opts.minScore) continue;
      const ax = this.anchorXY[2 * i]!,
        ay = this.anchorXY[2 * i + 1]!;
      const r = i * 16;
      const cx = ax + regs[r]!,
        cy = ay + regs[r + 1]!,
        w = regs[r + 2]!,
        h = regs[r + 3]!;
      const keypoints: Point[] = [];
      for (let p = 0; p < KEYPOINTS; p++) keypoints.push(toFrame(ax + regs[r + 4 + 2 * p]!, ay + regs[r + 5 + 2 * p]!));
      const [x0, y0] = toFrame(cx - w / 2, cy - h / 2);
      const [x1, y1] = toFrame(cx + w / 2, cy + h / 2);
      candidates.push({ box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, score, keypoints });
    }
    return candidates;
  }

  /** Weighted non-maximum suppression (as MediaPipe does): overlapping detections are averaged by score, which steadies the keypoints. */
  private suppress(candidates: Detection[], img: RgbImage): Detection[] {
    candidates.sort((a, b) => b.score - a.score);
    const out: Detection[] = [];
    const used = new Uint8Array(candidates.length);
    for (let i = 0; i < candidates.length && out.length < this.opts.maxFaces; i++) {
      if (used[i]) continue;
      const best = candidates[i]!;
      let wsum = 0,
        bx = 0,
        by = 0,
        bw = 0,
        bh = 0;
      const kp = best.keypoints.map(() => [0, 0]);
      for (let j = i; j < candidates.length; j++) {
        const c = candidates[j]!;
        if (used[j] || iou(best.box, c.box) < this.opts.iou) continue;
        used[j] = 1;
        wsum += c.score;
        bx += c.box.x * c.score;
        by += c.box.y * c.score;
        bw += c.box.width * c.score;
        bh += c.box.height * c.score;
        c.keypoints.forEach((p, n) => {
          kp[n]![0]! += p[0] * c.score;
          kp[n]![1]! += p[1] * c.score;
        });
      }
      const box = { x: bx / wsum, y: by / wsum, width: bw / wsum, height: bh / wsum };
      // A box wholly outside the real frame (inside the letterbox padding) is noise.
      if (box.x > img.width || box.y > img.height || box.width <= 1 || box.height <= 1) continue;
      out.push({ box, score: best.score, keypoints: kp.map(([x, y]) => [x! / wsum, y! / wsum] as const) });
    }
    return out;
  }
}
