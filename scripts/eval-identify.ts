// npm run eval:identify -- --images <dir> [--level far_1e-4] [--threshold x] [--limit n] [--json]
// 1:N identification on an LFW-style folder (<Person>/<Person>_NNNN.jpg): for every person with
// two or more images the first image with a usable face is their one gallery template and the
// others are probes; people with a single image are unknown impostors. Reports rank-1 (the best
// gallery person is the right one), the identification rate at the security level's threshold,
// and the false-accept rate of unknowns (an impostor matched to anyone at that threshold).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../daemon/core/index.ts';
import { embeddedDefaults } from '../daemon/config/index.ts';
import { Gallery, identitySettings, loadThresholds, type SecurityLevel } from '../daemon/identity/index.ts';
import { createVisionPipeline, modelKey } from '../daemon/vision/index.ts';

const { values } = parseArgs({
  options: {
    images: { type: 'string' },
    level: { type: 'string' },
    threshold: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
if (!values.images) {
  console.error('usage: npm run eval:identify -- --images <dir> [--level far_1e-3|far_1e-4|far_1e-5] [--threshold x] [--limit n] [--json]');
  process.exit(64);
}
const dir = values.images;
const log = createLogger({ level: 'warn' });
const config = embeddedDefaults();
const level = (values.level ?? config.access.security_level) as SecurityLevel;
// The key of the variant really loaded (an ONNX embedder is float32 whatever vision.variant asks).
const model = modelKey(config.vision.embedder.model, config.vision.variant);
const { thresholds, source } = loadThresholds(identitySettings(config).thresholdsFile, log, model);
const threshold = values.threshold !== undefined ? Number(values.threshold) : thresholds[level];
const say = (m: string): void => void process.stderr.write(`${m}\n`);

const people = readdirSync(dir)
  .filter((p) => statSync(join(dir, p)).isDirectory())
  .sort();
const limit = values.limit !== undefined ? Number(values.limit) : Infinity;
const imagesOf = (p: string): string[] =>
  readdirSync(join(dir, p))
    .filter((f) => /\.(jpe?g|png|webp)$/i.test(f))
    .sort()
    .map((f) => join(dir, p, f));
const vision = await createVisionPipeline(config.vision, log);

let analysed = 0;
let noFace = 0;
const latencies: number[] = [];
/** The embedding of the largest usable face, or null. */
async function embed(file: string): Promise<Float32Array | null> {
  const t0 = performance.now();
  const a = await vision.analyzeImage(readFileSync(file));
  latencies.push(performance.now() - t0);
  analysed += 1;
  if (analysed % 100 === 0) say(`eval-identify: ${analysed} images`);
  const face = a.faces.find((f) => f.embedding !== null);
  if (!face?.embedding) noFace += 1;
  return face?.embedding ?? null;
}

const multi = people.filter((p) => imagesOf(p).length >= 2).slice(0, limit);
const single = people.filter((p) => imagesOf(p).length === 1).slice(0, limit);
let gallery: Gallery | null = null;
const probes: { person: string; embedding: Float32Array }[] = [];
for (const p of multi) {
  let enrolled = false;
  for (const file of imagesOf(p)) {
    const e = await embed(file);
    if (!e) continue;
    if (!enrolled) {
      gallery ??= new Gallery(e.length);
      gallery.add(p, file, e);
      enrolled = true;
    } else {
      probes.push({ person: p, embedding: e });
    }
  }
}
const unknowns: Float32Array[] = [];
for (const p of single) {
  const e = await embed(imagesOf(p)[0] as string);
  if (e) unknowns.push(e);
}
await vision.close();
if (!gallery) throw new Error('no gallery: no face found in any image');

let rank1 = 0;
let identified = 0;
for (const probe of probes) {
  const hit = gallery.search(probe.embedding);
  if (hit.personId === probe.person) {
    rank1 += 1;
    if (hit.score >= threshold) identified += 1;
  }
}
let falseAccepts = 0;
const unknownBest = unknowns.map((u) => gallery.search(u).score);
for (const s of unknownBest) if (s >= threshold) falseAccepts += 1;
latencies.sort((a, b) => a - b);

// Every unknown against every gallery template: the per-comparison impostor scores, from which
// the thresholds of each false-accept level follow (what models/thresholds.json holds).
const impostor: number[] = [];
const rows = gallery.matrix;
const dim = gallery.dim;
for (const u of unknowns) {
  for (let r = 0; r < gallery.size; r++) {
    let s = 0;
    for (let i = 0; i < dim; i++) s += (rows[r * dim + i] as number) * (u[i] as number);
    impostor.push(s);
  }
}
impostor.sort((a, b) => b - a);
const atFar = (far: number): number | null => (impostor.length * far >= 1 ? (impostor[Math.floor(impostor.length * far)] as number) : null);
const probeBest = probes.map((p) => {
  const hit = gallery.search(p.embedding);
  return { right: hit.personId === p.person, score: hit.score };
});
/** Identification rate and unknown FAR at other thresholds, from the same embeddings. */
const sweep: Record<string, { identification_rate: number; unknown_far: number }> = {};
for (const t of [0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6]) {
  sweep[t.toFixed(2)] = {
    identification_rate: probeBest.filter((p) => p.right && p.score >= t).length / probes.length,
    unknown_far: unknownBest.filter((s) => s >= t).length / unknowns.length,
  };
}

const result = {
  rank1: rank1 / probes.length,
  identification_rate: identified / probes.length,
  unknown_far: falseAccepts / unknowns.length,
  threshold,
  level,
  thresholds_source: values.threshold !== undefined ? 'command line' : source,
  gallery_persons: gallery.personCount,
  probes: probes.length,
  unknown_probes: unknowns.length,
  no_face_rate: noFace / analysed,
  latency_ms: { p50: latencies[Math.floor(latencies.length / 2)] ?? 0, p90: latencies[Math.floor(latencies.length * 0.9)] ?? 0 },
  models: vision.models,
  impostor_pairs: impostor.length,
  pair_far_thresholds: { '1e-3': atFar(1e-3), '1e-4': atFar(1e-4), '1e-5': atFar(1e-5) },
  sweep,
};
if (values.json) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  for (const [k, v] of Object.entries(result))
    console.log(`${k.padEnd(22)} ${typeof v === 'number' ? (Number.isInteger(v) ? v : v.toFixed(4)) : JSON.stringify(v)}`);
}
process.exit(0);
