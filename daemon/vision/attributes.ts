// Optional facial attributes (emotion, age, gender), only when the operator enables them.
// None of them may influence an access decision; emotion inference is banned in EU workplaces
// and schools (AI Act Art. 5(1)(f)), so both are off by default.
import * as tf from './tf.ts';
import type { FaceObservation, Point } from '../core/index.ts';
import { alignFace } from './align.ts';
import type { RgbImage } from './image.ts';
import { loadModel, type LoadedModel, type Manifest } from './registry.ts';

/** Class order of the oarriaga/face_classification emotion model. */
const EMOTIONS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'] as const;
/** Centre age of each of GEAR's seven age bins. */
const AGE_BINS = [15, 23, 28, 35.5, 45.5, 55.5, 65];
/** Attribute models were trained on loose face crops: more margin than the embedder's. */
const ATTRIBUTE_ZOOM = 0.75;

export class Attributes {
  private constructor(
    private readonly emotion: LoadedModel | null,
    private readonly gear: LoadedModel | null,
  ) {}

  static async load(enabled: { emotion: boolean; age_gender: boolean }, manifest: Manifest, dir: string): Promise<Attributes> {
    // Always float32: these are small and were not checked for quantization loss.
    const emotion = enabled.emotion ? await loadModel('emotion', 'float32', manifest, dir) : null;
    const gear = enabled.age_gender ? await loadModel('gear', 'float32', manifest, dir) : null;
    return new Attributes(emotion, gear);
  }

  get models(): Record<string, string> {
    const out: Record<string, string> = {};
    if (this.emotion) out.emotion = 'emotion@float32';
    if (this.gear) out.age_gender = 'gear@float32';
    return out;
  }

  async estimate(img: RgbImage, kp: readonly Point[]): Promise<NonNullable<FaceObservation['attributes']>> {
    const out: NonNullable<FaceObservation['attributes']> = {};
    if (this.emotion) {
      const size = this.emotion.entry.input[1] ?? 64;
      const { crop } = alignFace(img, kp, size, ATTRIBUTE_ZOOM);
      const t = tf.tidy(() => {
        const rgb = tf.div(tf.cast(tf.tensor3d(crop, [size, size, 3], 'int32'), 'float32'), 255);
        const grey = tf.sum(tf.mul(rgb, tf.tensor1d([0.2989, 0.587, 0.114])), 2, true);
        return tf.squeeze(this.emotion!.model.execute(tf.expandDims(tf.mul(tf.sub(grey, 0.5), 2), 0)) as tf.Tensor);
      });
      const p = (await t.data()) as Float32Array;
      t.dispose();
      let best = 0;
      for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
      out.emotion = EMOTIONS[best] ?? 'neutral';
      out.emotionScore = p[best] ?? 0;
    }
    if (this.gear) {
      const size = this.gear.entry.input[1] ?? 198;
      const { crop } = alignFace(img, kp, size, ATTRIBUTE_ZOOM);
      const outs = tf.tidy(() => {
        const input = tf.expandDims(tf.div(tf.cast(tf.tensor3d(crop, [size, size, 3], 'int32'), 'float32'), 255), 0);
        return this.gear!.model.execute(input, ['age_output', 'gender_output']) as tf.Tensor[];
      });
      const [age, gender] = await Promise.all(outs.map((o) => o.data() as Promise<Float32Array>));
      tf.dispose(outs);
      if (age && gender) {
        let sum = 0,
          w = 0;
        age.forEach((p, i) => {
          sum += p * (AGE_BINS[i] ?? 0);
          w += p;
        });
        out.age = Math.round(sum / (w || 1));
        const male = gender[0] ?? 0,
          female = gender[1] ?? 0;
        out.gender = male >= female ? 'male' : 'female';
        out.genderScore = Math.max(male, female);
      }
    }
    return out;
  }

  dispose(): void {
    this.emotion?.model.dispose();
    this.gear?.model.dispose();
  }
}
