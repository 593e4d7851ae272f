// node --import tsx scripts/quantize-models.ts [--models blazeface,mobileface] [--images <lfw dir>] [--count 60] [--json]
// Writes uint8 and float16 weight-quantized copies of the chosen models into models/<name>-<variant>/,
// pins them in models/manifest.json, and reports on real face images how far each copy moves from
// float32: embedding cosine (embedders) and detection IoU + keypoint shift (the detector).
import { parseArgs } from 'node:util';
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createLogger } from '../daemon/core/index.ts';
import { embeddedDefaults } from '../daemon/config/index.ts';
import { createVisionPipeline, initBackend, readManifest, MODELS_DIR, type Manifest, type VisionConfig } from '../daemon/vision/index.ts';
import { packageDir, sha256 } from '../daemon/vision/registry.ts';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'blazeface,mobileface' },
    images: { type: 'string', default: join(MODELS_DIR, '../../shared/data/lfw-dev') },
    count: { type: 'string', default: '60' },
    json: { type: 'boolean', default: false },
  },
});
const say = (m: string): void => void process.stderr.write(`${m}\n`);

/** IEEE 754 half from a float32 value (round to nearest even; overflow to infinity). */
function toHalf(v: number): number {
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant = (mant | 0x800000) >>> (1 - e);
    return sign | ((mant + 0x1000) >>> 13);
  }
  const half = sign | (e << 10) | (mant >>> 13);
  // round half to even on the dropped 13 bits
  const rest = mant & 0x1fff;
  return rest > 0x1000 || (rest === 0x1000 && half & 1) ? half + 1 : half;
}

type Spec = tf.io.WeightsManifestEntry;

async function quantize(name: string, manifest: Manifest): Promise<void> {
  const entry = manifest.models[name];
  if (!entry) throw new Error(`unknown model ${name}`);
  const path = join(packageDir(entry.package), entry.file);
  const json = JSON.parse(readFileSync(path, 'utf8')) as { weightsManifest: { paths: string[]; weights: Spec[] }[] } & Record<string, unknown>;
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const data = Buffer.concat(json.weightsManifest.flatMap((g) => g.paths).map((p) => readFileSync(join(dirname(path), p))));
  // Decoding first also undoes any quantization the package already applied.
  const tensors = tf.io.decodeWeights(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength), specs);
  for (const variant of ['uint8', 'float16'] as const) {
    const outSpecs: Spec[] = [];
    const parts: Uint8Array[] = [];
    for (const spec of specs) {
      const t = tensors[spec.name]!;
      const vals = t.dataSync();
      if (t.dtype !== 'float32') {
        outSpecs.push({ name: spec.name, shape: spec.shape, dtype: t.dtype as Spec['dtype'] });
        parts.push(new Uint8Array(new Int32Array(vals as Int32Array).buffer));
        continue;
      }
      if (variant === 'uint8') {
        let min = Infinity,
          max = -Infinity;
        for (const v of vals) {
          if (v < min) min = v;
          if (v > max) max = v;
        }
        const scale = max > min ? (max - min) / 255 : 1;
        const q = new Uint8Array(vals.length);
        for (let i = 0; i < vals.length; i++) q[i] = Math.round((vals[i]! - min) / scale);
        outSpecs.push({ name: spec.name, shape: spec.shape, dtype: 'float32', quantization: { dtype: 'uint8', min, scale } });
        parts.push(q);
      } else {
        const h = new Uint16Array(vals.length);
        for (let i = 0; i < vals.length; i++) h[i] = toHalf(vals[i]!);
        outSpecs.push({ name: spec.name, shape: spec.shape, dtype: 'float32', quantization: { dtype: 'float16' } });
        parts.push(new Uint8Array(h.buffer));
      }
    }
    const dir = join(MODELS_DIR, `${name}-${variant}`);
    mkdirSync(dir, { recursive: true });
    const bin = Buffer.concat(parts);
    writeFileSync(join(dir, 'weights.bin'), bin);
    const model = { ...json, weightsManifest: [{ paths: ['weights.bin'], weights: outSpecs }] };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(model));
    entry.variants = {
      ...entry.variants,
      [variant]: { file: `${name}-${variant}/model.json`, sha256: { 'model.json': sha256(readFileSync(join(dir, 'model.json'))), 'weights.bin': sha256(bin) } },
    };
    say(`quantize: ${name}@${variant}: ${(bin.length / 1024).toFixed(0)} KiB (float32 ${(data.length / 1024).toFixed(0)} KiB as shipped)`);
  }
  tf.dispose(Object.values(tensors));
}

await initBackend('auto');
const names = values.models.split(',').filter(Boolean);
const manifest = readManifest();
for (const name of names) await quantize(name, manifest);
writeFileSync(join(MODELS_DIR, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

// How far each variant moves: the same images through float32 and through each variant.
const imagesDir = values.images;
if (!existsSync(imagesDir)) {
  say(`quantize: no evaluation images at ${imagesDir}; variants written, not compared`);
  process.exit(0);
}
const people = readdirSync(imagesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
const files = people.slice(0, Number(values.count)).map((p) => join(imagesDir, p, readdirSync(join(imagesDir, p)).sort()[0]!));
const log = createLogger({ level: 'warn' });

interface Face {
  box: { x: number; y: number; width: number; height: number };
  kp: [number, number][];
  emb: Float32Array | null;
}
async function run(embedder: string, variant: VisionConfig['variant']): Promise<(Face | null)[]> {
  const cfg = structuredClone(embeddedDefaults().vision);
  cfg.embedder.model = embedder as VisionConfig['embedder']['model'];
  cfg.variant = variant;
  cfg.quality = { min_face_px: 0, min_sharpness: 0, max_yaw_deg: 90, max_pitch_deg: 90 };
  const p = await createVisionPipeline(cfg, log, { manifest });
  const out: (Face | null)[] = [];
  for (const f of files) {
    const r = await p.analyzeImage(readFileSync(f));
    const face = r.faces[0];
    out.push(face ? { box: face.box, kp: face.landmarks5 as [number, number][], emb: face.embedding } : null);
  }
  await p.close();
  return out;
}
const iou = (a: Face['box'], b: Face['box']): number => {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  return (w * h) / (a.width * a.height + b.width * b.height - w * h);
};
const report: Record<string, number> = {};
for (const embedder of names.filter((n) => manifest.models[n]?.role === 'embedder')) {
  const base = await run(embedder, 'float32');
  for (const variant of ['float16', 'uint8'] as const) {
    const q = await run(embedder, variant);
    const cos: number[] = [],
      ious: number[] = [],
      shift: number[] = [];
    let lost = 0;
    base.forEach((b, i) => {
      const v = q[i];
      if (!b) return;
      if (!v) {
        lost++;
        return;
      }
      ious.push(iou(b.box, v.box));
      shift.push(Math.max(...b.kp.map((p, k) => Math.hypot(p[0] - v.kp[k]![0], p[1] - v.kp[k]![1]))));
      if (b.emb && v.emb) cos.push(b.emb.reduce((s, x, k) => s + x * v.emb![k]!, 0));
    });
    const mean = (a: number[]): number => a.reduce((s, x) => s + x, 0) / (a.length || 1);
    const key = `${embedder}.${variant}`;
    report[`${key}.embedding_cosine.mean`] = Number(mean(cos).toFixed(4));
    report[`${key}.embedding_cosine.min`] = Number(Math.min(...cos).toFixed(4));
    report[`${key}.detection_iou.mean`] = Number(mean(ious).toFixed(4));
    report[`${key}.detection_iou.min`] = Number(Math.min(...ious).toFixed(4));
    report[`${key}.keypoint_shift_px.max`] = Number(Math.max(...shift).toFixed(2));
    report[`${key}.faces_lost`] = lost;
  }
}
report.images = files.length;
if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
else for (const [k, v] of Object.entries(report)) console.log(`${k.padEnd(44)} ${v}`);
process.exit(0);
