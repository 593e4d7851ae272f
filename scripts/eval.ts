// npm run eval -- --pairs <csv> --images <dir> [--json] [--config file] [--embedder name] [--variant float|int8|<tfjs variant>]
//                 [--no-quality] [--limit n] [--write-thresholds] [--pick central|largest]
// Face verification on LFW-style pairs (`fold,img_a,img_b,same`, paths relative to --images) with
// the daemon's own pipeline and configuration. Prints a table, or with --json one JSON object.
import { parseArgs } from 'node:util';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadConfig } from '../daemon/config/index.ts';
import { createLogger, type FaceObservation } from '../daemon/core/index.ts';
import { createVisionPipeline, cosine, withOnnxVariant, MODELS_DIR, type Thresholds, type VisionConfig } from '../daemon/vision/index.ts';
import { crossValidated, equalErrorRate, percentile, tarAtFar, thresholdAtFar, type ScoredPair } from './eval/metrics.ts';

const { values } = parseArgs({
  options: {
    pairs: { type: 'string' },
    images: { type: 'string' },
    json: { type: 'boolean', default: false },
    config: { type: 'string' },
    embedder: { type: 'string' },
    variant: { type: 'string' },
    flip: { type: 'string' },
    'no-quality': { type: 'boolean', default: false },
    limit: { type: 'string' },
    'write-thresholds': { type: 'boolean', default: false },
    // Which face of an image is its labelled person: LFW centres them; other sets may not.
    pick: { type: 'string', default: 'central' },
  },
});
const log = createLogger({ level: 'warn' });
const say = (msg: string): void => void process.stderr.write(`${msg}\n`);

function fail(msg: string): never {
  say(`eval: ${msg}`);
  process.exit(2);
}

if (!values.pairs || !values.images) fail('usage: npm run eval -- --pairs <csv> --images <dir> [--json]');
const imagesDir = resolve(values.images);
const pairsPath = resolve(values.pairs);
if (!existsSync(pairsPath)) fail(`no pairs file ${pairsPath}`);

// The pairs file: header fold,img_a,img_b,same (column order taken from the header).
const lines = readFileSync(pairsPath, 'utf8')
  .split(/\r?\n/)
  .filter((l) => l.trim() !== '');
const header = (lines.shift() ?? '').split(',').map((h) => h.trim());
const col = (name: string): number => {
  const i = header.indexOf(name);
  if (i < 0) fail(`${pairsPath}: header must name fold,img_a,img_b,same (got ${header.join(',')})`);
  return i;
};
const [cFold, cA, cB, cSame] = [col('fold'), col('img_a'), col('img_b'), col('same')];
let pairs = lines.map((l, n) => {
  const f = l.split(',').map((x) => x.trim());
  const same = f[cSame];
  if (!f[cA] || !f[cB] || (same !== '1' && same !== '0' && same !== 'true' && same !== 'false')) fail(`${pairsPath}:${n + 2}: malformed row "${l}"`);
  return { fold: f[cFold] ?? '1', a: f[cA]!, b: f[cB]!, same: same === '1' || same === 'true' };
});
if (values.limit) {
  // An even spread over the file, so every fold and both kinds stay represented.
  const n = Number(values.limit);
  const step = pairs.length / n;
  pairs = Array.from({ length: Math.min(n, pairs.length) }, (_, i) => pairs[Math.floor(i * step)]!);
}

const loaded = loadConfig(values.config ? { file: values.config } : {});
const vision: VisionConfig = structuredClone(loaded.config.vision);
if (values.embedder) vision.embedder.model = values.embedder as VisionConfig['embedder']['model'];
// float | int8: the ONNX models (embedder, PAD CNN) as shipped or as their int8 copies; a tfjs name sets every model.
if (values.variant === 'float' || values.variant === 'int8') vision.variant = withOnnxVariant(vision.variant, values.variant);
else if (values.variant) vision.variant = values.variant as VisionConfig['variant'];
if (values.flip) vision.embedder.flip = values.flip === 'true';
if (values['no-quality']) vision.quality = { min_face_px: 0, min_sharpness: 0, max_yaw_deg: 90, max_pitch_deg: 90 };
const pipeline = await createVisionPipeline(vision, log);

if (values.pick !== 'central' && values.pick !== 'largest') fail(`--pick must be central or largest (got ${values.pick})`);

/** The labelled face: nearest the image centre (LFW centres the person), or the largest. */
function labelledFace(faces: FaceObservation[], w: number, h: number): FaceObservation | undefined {
  const d = (f: FaceObservation): number => Math.hypot(f.box.x + f.box.width / 2 - w / 2, f.box.y + f.box.height / 2 - h / 2);
  const area = (f: FaceObservation): number => f.box.width * f.box.height;
  return [...faces].sort((x, y) => (values.pick === 'largest' ? area(y) - area(x) : d(x) - d(y)))[0];
}

const unique = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
const embeddings = new Map<string, Float32Array | null>();
const latencies: number[] = [];
let noFace = 0,
  rejected = 0,
  unreadable = 0;
const reasons: Record<string, number> = {};
const started = Date.now();
for (const [i, rel] of unique.entries()) {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(join(imagesDir, rel));
  } catch {
    unreadable++;
    embeddings.set(rel, null);
    continue;
  }
  const t0 = performance.now();
  try {
    const res = await pipeline.analyzeImage(bytes);
    latencies.push(performance.now() - t0);
    const face = labelledFace(res.faces, res.width, res.height);
    if (!face) noFace++;
    else if (!face.embedding) {
      rejected++;
      for (const r of face.quality.reasons) reasons[r] = (reasons[r] ?? 0) + 1;
    }
    embeddings.set(rel, face?.embedding ?? null);
  } catch (err) {
    unreadable++;
    say(`eval: ${rel}: ${(err as Error).message}`);
    embeddings.set(rel, null);
  }
  if (!values.json && (i + 1) % 200 === 0) say(`eval: ${i + 1}/${unique.length} images, ${Math.round((Date.now() - started) / 1000)} s`);
}

const scored: ScoredPair[] = pairs.map((p) => {
  const ea = embeddings.get(p.a),
    eb = embeddings.get(p.b);
  return { fold: p.fold, same: p.same, score: ea && eb ? cosine(ea, eb) : -Infinity };
});
const genuine = scored.filter((p) => p.same).map((p) => p.score);
const impostor = scored.filter((p) => !p.same).map((p) => p.score);
const cv = crossValidated(scored);

// Thresholds at small FARs need many impostor comparisons: every pair of embedded images whose
// folder (identity, LFW layout <Name>/<file>) differs.
const byImage = [...embeddings.entries()].filter((e): e is [string, Float32Array] => e[1] !== null);
const allImpostor: number[] = [];
for (let i = 0; i < byImage.length; i++) {
  for (let j = i + 1; j < byImage.length; j++) {
    if (dirname(byImage[i]![0]) !== dirname(byImage[j]![0])) allImpostor.push(cosine(byImage[i]![1], byImage[j]![1]));
  }
}
const farThresholds: Record<string, number> = {};
for (const far of ['1e-3', '1e-4', '1e-5']) farThresholds[far] = Number(thresholdAtFar(allImpostor, Number(far)).toFixed(4));

const round = (v: number, d = 4): number => Number(v.toFixed(d));
const result = {
  accuracy: round(cv.accuracy),
  accuracy_std: round(cv.std),
  eer: round(equalErrorRate(genuine, impostor)),
  tar_at_far: { '1e-2': round(tarAtFar(genuine, impostor, 1e-2).tar), '1e-3': round(tarAtFar(genuine, impostor, 1e-3).tar) },
  threshold: round(cv.threshold),
  no_face_rate: round(noFace / unique.length),
  quality_rejected_rate: round(rejected / unique.length),
  quality_reasons: reasons,
  unreadable: unreadable,
  latency_ms: { p50: round(percentile(latencies, 50), 1), p90: round(percentile(latencies, 90), 1) },
  backend: pipeline.backend.name,
  models: pipeline.models,
  flip: vision.embedder.flip,
  pairs: scored.length,
  images: unique.length,
  folds: cv.folds,
  threshold_chosen_on_same_fold: cv.optimistic,
  thresholds_at_far: farThresholds,
  impostor_comparisons: allImpostor.length,
};
await pipeline.close();

if (values['write-thresholds']) {
  const path = join(MODELS_DIR, 'thresholds.json');
  const all = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, Thresholds>) : {};
  all[pipeline.models.embedder ?? vision.embedder.model] = {
    far: farThresholds,
    accuracy: result.threshold,
    measuredOn: `${values.pairs} (${scored.length} pairs, ${unique.length} images, ${allImpostor.length} impostor comparisons; flip ${vision.embedder.flip})`,
  };
  writeFileSync(path, `${JSON.stringify(all, null, 2)}\n`);
  say(`eval: wrote ${path}`);
}

if (values.json) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  for (const [k, v] of Object.entries(result)) console.log(`${k.padEnd(30)} ${typeof v === 'object' ? JSON.stringify(v) : v}`);
}
process.exit(0);
