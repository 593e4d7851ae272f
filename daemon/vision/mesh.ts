// Dense landmarks: MediaPipe FaceMesh (468 points) on a square crop around a detected face,
// rotated so the eye line is horizontal, as MediaPipe's own face-landmark graph feeds it.
import * as tf from './tf.ts';
import type { Box, Point } from '../core/index.ts';
import { applySimilarity, warpCrop, type Similarity } from './align.ts';
import type { RgbImage } from './image.ts';
import { loadModel, type LoadedModel, type Manifest } from './registry.ts';

export const MESH_POINTS = 468;
/**
 * Side of the crop over the longer side of the detector's box. MediaPipe's detection-to-ROI step
 * scales the box by 1.5 (Human uses 1.4 without rotation); see models/README.md "Dense mesh".
 */
export const MESH_ENLARGE = 1.5;
/** Face-presence score (already a probability) below which the crop holds no face and the points are noise. */
export const MESH_MIN_SCORE = 0.5;

/** MediaPipe indices of each eye's contour (upper and lower lid), image-left eye first (the subject's right). */
export const MESH_EYES: readonly (readonly number[])[] = [
  [246, 161, 160, 159, 158, 157, 173, 33, 7, 163, 144, 145, 153, 154, 155, 133],
  [466, 388, 387, 386, 385, 384, 398, 263, 249, 390, 373, 374, 380, 381, 382, 362],
];
export const MESH_NOSE_TIP = 1;
/** Outer mouth corners, image left first. */
export const MESH_MOUTH_CORNERS = [61, 291] as const;

export interface MeshResult {
  /** 468 points in image pixels, MediaPipe's indexing. */
  points: Point[];
  /** Depth of each point in image pixels (same scale as x; smaller = nearer the camera), relative to the face centre. */
  z: Float32Array;
  /** Face presence in the crop, 0..1. */
  score: number;
}

/** What the mesh needs of a detection: its box and BlazeFace keypoints (eye, eye, …, image-left eye first). */
export interface MeshInput {
  box: Box;
  keypoints: readonly Point[];
}

function invert(t: Similarity): Similarity {
  const d = t.a * t.a + t.b * t.b;
  const a = t.a / d,
    b = -t.b / d;
  return { a, b, tx: -(a * t.tx - b * t.ty), ty: -(b * t.tx + a * t.ty) };
}

/**
 * The similarity taking image pixels into the size x size mesh crop: box centre to crop centre,
 * eye line to horizontal, the enlarged longer box side to the crop side.
 */
export function meshCropTransform(det: MeshInput, size: number, enlarge = MESH_ENLARGE): Similarity {
  const [e1, e2] = det.keypoints as [Point, Point];
  const { x, y, width, height } = det.box;
  const cx = x + width / 2,
    cy = y + height / 2;
  const angle = Math.atan2(e2[1] - e1[1], e2[0] - e1[0]);
  const s = size / (Math.max(width, height) * enlarge);
  // Rotating by -angle levels the eyes.
  const a = s * Math.cos(angle),
    b = -s * Math.sin(angle);
  return { a, b, tx: size / 2 - (a * cx - b * cy), ty: size / 2 - (b * cx + a * cy) };
}

export class FaceMesh {
  readonly size: number;

  private constructor(
    readonly loaded: LoadedModel,
    private readonly enlarge: number,
  ) {
    this.size = loaded.entry.input[1] ?? 192;
  }

  /** float32 only: no quantized copy was checked for how far it moves the points. */
  static async load(manifest: Manifest, dir: string, enlarge = MESH_ENLARGE): Promise<FaceMesh> {
    return new FaceMesh(await loadModel('facemesh', 'float32', manifest, dir), enlarge);
  }

  get name(): string {
    return `${this.loaded.name}@${this.loaded.variant}`;
  }

  /** The mesh of one detected face, or null when the model finds no face in the crop. */
  async estimate(img: RgbImage, det: MeshInput): Promise<MeshResult | null> {
    const size = this.size;
    const toCrop = meshCropTransform(det, size, this.enlarge);
    const crop = warpCrop(img, toCrop, size);
    const input = new Float32Array(crop.length);
    // The face-landmark model takes pixels in 0..1 (its detector takes -1..1).
    for (let i = 0; i < crop.length; i++) input[i] = crop[i]! / 255;
    // One download: the 1404 coordinates followed by the presence score.
    const out = tf.tidy(() => {
      const raw = this.loaded.model.execute(tf.tensor4d(input, [1, size, size, 3])) as tf.Tensor[];
      // Outputs are found by width (as Human does): 468*3 coordinates, 1 score (the third, 266, is contours).
      const coords = raw.find((t) => t.shape[t.shape.length - 1] === MESH_POINTS * 3);
      const score = raw.find((t) => t.shape[t.shape.length - 1] === 1);
      if (!coords || !score) throw new Error('facemesh outputs (1404 coordinates, 1 score) missing');
      return tf.concat([tf.reshape(coords, [-1]), tf.reshape(score, [-1])]);
    });
    const v = (await out.data()) as Float32Array;
    out.dispose();
    const score = v[MESH_POINTS * 3]!;
    if (!(score >= MESH_MIN_SCORE)) return null;
    const back = invert(toCrop);
    const zScale = Math.hypot(back.a, back.b);
    const points: Point[] = new Array<Point>(MESH_POINTS);
    const z = new Float32Array(MESH_POINTS);
    for (let i = 0; i < MESH_POINTS; i++) {
      points[i] = applySimilarity(back, [v[3 * i]!, v[3 * i + 1]!]);
      z[i] = v[3 * i + 2]! * zScale;
    }
    return { points, z, score };
  }

  dispose(): void {
    this.loaded.model.dispose();
  }
}

function mean(mesh: readonly Point[], idx: readonly number[]): Point {
  let x = 0,
    y = 0;
  for (const i of idx) {
    const p = mesh[i];
    if (!p) throw new Error(`mesh point ${i} missing: a mesh has ${MESH_POINTS} points`);
    x += p[0];
    y += p[1];
  }
  return [x / idx.length, y / idx.length];
}

/**
 * The detector-style alignment points from a mesh: [image-left eye centre, image-right eye centre,
 * nose tip, mouth centre], in the order alignFace takes. Eye centres are the means of the lid
 * contours; the mouth centre is the midpoint of the outer corners, as in the ArcFace template.
 */
export function meshAlignmentPoints(mesh: readonly Point[]): Point[] {
  return [mean(mesh, MESH_EYES[0]!), mean(mesh, MESH_EYES[1]!), mean(mesh, [MESH_NOSE_TIP]), mean(mesh, MESH_MOUTH_CORNERS)];
}
