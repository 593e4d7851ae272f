// Peer PAD models, for measuring facegate's presentation-attack detection against what else ships:
// the `antispoof` and `liveness` tfjs graph models of @vladmandic/human 3.3.6, pinned in
// models/manifest.json as human-antispoof and human-liveness (role pad) and loaded by path through
// the project's registry (the package's `exports` map does not serve deep paths).
//
// Preprocessing as Human does it, read in node_modules/@vladmandic/human/src (the same code is in
// dist/human.node.js: functions O5 = antispoof predict, W5 = liveness predict, T5 = cutAndResize,
// xt = enlargeBox, yt = squarifyBox):
//   - src/image/image.ts: a tensor input stays float32 0..255 (no filters are applied to tensors).
//   - src/face/blazeface.ts getBoxes: the detector's raw box is enlarged about its centre by
//     config.face.detector.scale (default 1.4, src/config.ts) with facemeshutil.enlargeBox, then
//     made square on its longer side with facemeshutil.squarifyBox (corners rounded to pixels).
//   - src/face/facemesh.ts predict → facemeshutil.correctFaceRotation → cutAndResize: the square is
//     cut with tf.image.cropAndResize (bilinear, outside = 0; box normalized by height and width,
//     not height-1) to the face-mesh input size (192: mesh is enabled by default; rotation
//     correction is off by default), then divided by 255 → [0, 1]. This crop is faces[i].tensor,
//     the one tensor src/face/face.ts hands to every face model, antispoof and liveness included.
//   - src/face/antispoof.ts and src/face/liveness.ts predict: tf.image.resizeBilinear of that crop
//     to the model's input (antispoof 128x128, liveness 32x32; alignCorners false), execute, and
//     the first value of the output is the score: antispoof has one sigmoid output, reported as
//     `face.real`; liveness a 2-way softmax whose index 0 is reported as `face.live`
//     (src/result.ts). Both are P(live).
// Human rounds the score to two decimals; here it is returned unrounded (finer ranking for AUC).
// Human's own detector squashes the frame to 256x256 rather than letterboxing it as facegate's
// does, so its boxes can differ slightly; from the box on, the steps are Human's.
import { embeddedDefaults } from '../../daemon/config/index.ts';
import type { Box } from '../../daemon/core/index.ts';
import { checkRgb, initBackend, loadModel, type LoadedModel, type RgbImage } from '../../daemon/vision/index.ts';
import * as tf from '../../daemon/vision/tf.ts';

export interface PeerPad {
  name: string;
  /** P(live) in [0, 1] for the face in `box` (frame pixels) of a packed RGB frame. */
  score(image: RgbImage, box: Box): Promise<number>;
}

/** config.face.detector.scale of Human's defaults. */
export const HUMAN_BOX_SCALE = 1.4;
/** The face crop Human passes to its face models: facemesh.json's input side (mesh enabled by default). */
export const HUMAN_FACE_CROP = 192;

/** Human's enlargeBox then squarifyBox of a detector box: [x1, y1, x2, y2] in frame pixels. */
export function humanFaceSquare(box: Box, scale = HUMAN_BOX_SCALE): [number, number, number, number] {
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const half = Math.max(scale * box.width, scale * box.height) / 2;
  return [Math.round(cx - half), Math.round(cy - half), Math.round(cx + half), Math.round(cy + half)];
}

/** Human's face.tensor: the square [x1, y1, x2, y2] cut to size x size, values in [0, 1], shape [1, size, size, 3] (caller disposes). */
export function humanFaceTensor(image: RgbImage, square: readonly [number, number, number, number], size = HUMAN_FACE_CROP): tf.Tensor4D {
  checkRgb(image);
  const [x1, y1, x2, y2] = square;
  const { width: w, height: h } = image;
  return tf.tidy(() => {
    const frame = tf.cast(tf.tensor4d(image.data, [1, h, w, 3], 'int32'), 'float32');
    const crop = tf.image.cropAndResize(frame, [[y1 / h, x1 / w, y2 / h, x2 / w]], [0], [size, size]);
    return tf.div(crop, 255);
  });
}

/** One model's first output value on a face tensor resized to its input, as Human's antispoof/liveness predict do. */
export async function humanModelScore(loaded: LoadedModel, face: tf.Tensor4D): Promise<number> {
  const shape = loaded.model.inputs[0]?.shape;
  const height = shape?.[1] ?? 0;
  const width = shape?.[2] ?? 0;
  if (height <= 0 || width <= 0) throw new Error(`${loaded.name}: model input shape ${JSON.stringify(shape)} has no fixed size`);
  const out = tf.tidy(() => loaded.model.execute(tf.image.resizeBilinear(face, [height, width], false)) as tf.Tensor);
  try {
    const value = (await out.data())[0];
    if (value === undefined || !Number.isFinite(value)) throw new Error(`${loaded.name}: the model gave no finite score`);
    return value;
  } finally {
    out.dispose();
  }
}

function peer(loaded: LoadedModel): PeerPad {
  return {
    name: loaded.name,
    async score(image, box) {
      const face = humanFaceTensor(image, humanFaceSquare(box));
      try {
        return await humanModelScore(loaded, face);
      } finally {
        face.dispose();
      }
    },
  };
}

/** Loads Human's two PAD models from the pinned manifest entries, on the project's backend. */
export async function createHumanPadPeers(): Promise<{ antispoof: PeerPad; liveness: PeerPad; dispose(): void }> {
  await initBackend(embeddedDefaults().vision.backend);
  const antispoof = await loadModel('human-antispoof');
  let liveness: LoadedModel;
  try {
    liveness = await loadModel('human-liveness');
  } catch (err) {
    antispoof.model.dispose();
    throw err;
  }
  return {
    antispoof: peer(antispoof),
    liveness: peer(liveness),
    dispose() {
      antispoof.model.dispose();
      liveness.model.dispose();
    },
  };
}
