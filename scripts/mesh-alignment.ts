// node --import tsx scripts/mesh-alignment.ts --images <dir> [--pairs <csv>] [--limit n] [--jitter n] [--embedder name] [--json]
// Are the dense mesh's alignment points (meshAlignmentPoints) better than the detector's own
// keypoints for aligning faces to the embedder? Two measures on an LFW-style folder:
// - verification: the same embedder on crops aligned either way, on the pairs (k-fold accuracy, EER, TAR);
// - repeatability: each of n images warped by random similarities (scale, rotation, shift); the
//   points mapped back should coincide, so their spread is the points' noise (not their bias).
// Also reports the mesh's cost per face (timings.mesh). Prints a table, or with --json one object.
import { parseArgs } from 'node:util';
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../daemon/config/index.ts';
import { createLogger, type FaceObservation, type Point } from '../daemon/core/index.ts';
import {
  alignFace,
  cosine,
  createVisionPipeline,
  decodeImage,
  loadEmbedder,
  meshAlignmentPoints,
  readManifest,
  variantFor,
  warpCrop,
  MODELS_DIR,
  type RgbImage,
  type Similarity,
} from '../daemon/vision/index.ts';
import { crossValidated, equalErrorRate, percentile, tarAtFar, type ScoredPair } from './eval/metrics.ts';

const { values } = parseArgs({
  options: {
    images: { type: 'string' },
    pairs: { type: 'string' },
    limit: { type: 'string' },
    jitter: { type: 'string', default: '100' },
    embedder: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const say = (msg: string): void => void process.stderr.write(`${msg}\n`);
function fail(msg: string): never {
  say(`mesh-alignment: ${msg}`);
  process.exit(2);
}
if (!values.images) fail('usage: node --import tsx scripts/mesh-alignment.ts --images <dir> [--pairs <csv>] [--limit n] [--jitter n] [--json]');
const dir = resolve(values.images);
const pairsPath = resolve(values.pairs ?? join(dir, 'pairs.csv'));
if (!existsSync(pairsPath)) fail(`no pairs file ${pairsPath}`);

const lines = readFileSync(pairsPath, 'utf8')
  .split(/\r?\n/)
  .filter((l) => l.trim() !== '');
const header = (lines.shift() ?? '').split(',').map((h) => h.trim());
const [cFold, cA, cB, cSame] = ['fold', 'img_a', 'img_b', 'same'].map((h) => header.indexOf(h)) as [number, number, number, number];
if (cA < 0 || cB < 0 || cSame < 0) fail(`${pairsPath}: header must name fold,img_a,img_b,same`);
let pairs = lines.map((l) => {
  const f = l.split(',').map((x) => x.trim());
  return { fold: f[cFold] ?? '1', a: f[cA]!, b: f[cB]!, same: f[cSame] === '1' || f[cSame] === 'true' };
});
if (values.limit) {
  const step = pairs.length / Number(values.limit);
  pairs = Array.from({ length: Math.min(Number(values.limit), pairs.length) }, (_, i) => pairs[Math.floor(i * step)]!);
}

const vision = structuredClone(loadConfig({}).config.vision);
vision.mesh.enabled = true;
if (values.embedder) vision.embedder.model = values.embedder as typeof vision.embedder.model;
const pipeline = await createVisionPipeline(vision, createLogger({ level: 'warn' }));
const manifest = readManifest();
// A second copy of the configured embedder (tfjs or ONNX), fed crops aligned either way.
const { embedder, pre } = await loadEmbedder(
  vision.embedder.model,
  variantFor(vision.variant, vision.embedder.model),
  vision.embedder.flip,
  manifest,
  MODELS_DIR,
  vision.embedder.threads,
).catch((err: Error) => fail(err.message));

type Way = 'detector' | 'mesh';
const WAYS: Way[] = ['detector', 'mesh'];
const pointsOf = (f: FaceObservation, way: Way): Point[] => (way === 'mesh' ? meshAlignmentPoints(f.mesh!) : f.keypoints!.slice(0, 4));

/** The face nearest the image centre (LFW centres its subject; others are background faces). */
function central(faces: FaceObservation[], cx: number, cy: number, back: (p: Point) => Point = (p) => p): FaceObservation | undefined {
  const d = (f: FaceObservation): number => {
    const [x, y] = back([f.box.x + f.box.width / 2, f.box.y + f.box.height / 2]);
    return Math.hypot(x - cx, y - cy);
  };
  return [...faces].sort((p, q) => d(p) - d(q))[0];
}

async function embed(img: RgbImage, pts: Point[]): Promise<Float32Array> {
  const crops = [alignFace(img, pts, embedder.size, pre.zoom, false, pre.points).crop];
  if (vision.embedder.flip) crops.push(alignFace(img, pts, embedder.size, pre.zoom, true, pre.points).crop);
  return embedder.embed(crops);
}

const meshMs: number[] = [];
let noFace = 0,
  noMesh = 0;
const cache = new Map<string, Record<Way, Float32Array> | null>();
async function embeddings(rel: string): Promise<Record<Way, Float32Array> | null> {
  const hit = cache.get(rel);
  if (hit !== undefined) return hit;
  const img = await decodeImage(readFileSync(join(dir, rel)));
  const res = await pipeline.analyze({ seq: cache.size, capturedAt: 0, sourceId: 'mesh-alignment', width: img.width, height: img.height, rgb: img.data });
  const f = central(res.faces, img.width / 2, img.height / 2);
  if (res.faces.length === 1 && res.timings.mesh !== undefined) meshMs.push(res.timings.mesh);
  let out: Record<Way, Float32Array> | null = null;
  if (!f) noFace++;
  else if (!f.mesh) noMesh++;
  else out = { detector: await embed(img, pointsOf(f, 'detector')), mesh: await embed(img, pointsOf(f, 'mesh')) };
  cache.set(rel, out);
  return out;
}

const scored: Record<Way, ScoredPair[]> = { detector: [], mesh: [] };
for (const p of pairs) {
  const [ea, eb] = [await embeddings(p.a), await embeddings(p.b)];
  for (const way of WAYS) scored[way].push({ fold: p.fold, same: p.same, score: ea && eb ? cosine(ea[way], eb[way]) : -Infinity });
}
const verification = Object.fromEntries(
  WAYS.map((way) => {
    const s = scored[way];
    const genuine = s.filter((x) => x.same).map((x) => x.score),
      impostor = s.filter((x) => !x.same).map((x) => x.score);
    return [way, { accuracy: crossValidated(s).accuracy, eer: equalErrorRate(genuine, impostor), tar_at_far_1e2: tarAtFar(genuine, impostor, 1e-2).tar }];
  }),
) as Record<Way, { accuracy: number; eer: number; tar_at_far_1e2: number }>;

// Repeatability: K random similarities per image into a square canvas; points mapped back.
const POINTS = ['eye_left', 'eye_right', 'nose', 'mouth'] as const;
const K = 6,
  CANVAS = 320;
const spread: Record<Way, number[][]> = { detector: POINTS.map(() => []), mesh: POINTS.map(() => []) };
const offset: number[][] = POINTS.map(() => []);
const images = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
const nJitter = Math.min(Number(values.jitter), images.length);
let seed = 7;
const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
for (let n = 0; n < nJitter; n++) {
  const img = await decodeImage(readFileSync(join(dir, images[Math.floor((n * images.length) / nJitter)]!)));
  const cx = img.width / 2,
    cy = img.height / 2;
  const got: Record<Way, Point[][]> = { detector: [], mesh: [] };
  for (let k = 0; k < K; k++) {
    // Scale 0.75-1.25, rotation ±20°, shift ±15 px: what a door camera's framing varies by.
    const scale = 0.75 + 0.5 * rnd(),
      angle = ((rnd() - 0.5) * 40 * Math.PI) / 180,
      dx = (rnd() - 0.5) * 30,
      dy = (rnd() - 0.5) * 30;
    const a = scale * Math.cos(angle),
      b = scale * Math.sin(angle);
    const t: Similarity = { a, b, tx: CANVAS / 2 + dx - (a * cx - b * cy), ty: CANVAS / 2 + dy - (b * cx + a * cy) };
    const det = a * a + b * b;
    const back = ([x, y]: Point): Point => [(a * (x - t.tx) + b * (y - t.ty)) / det, (-b * (x - t.tx) + a * (y - t.ty)) / det];
    const res = await pipeline.analyze({ seq: k, capturedAt: 0, sourceId: 'mesh-alignment', width: CANVAS, height: CANVAS, rgb: warpCrop(img, t, CANVAS) });
    const f = central(res.faces, cx, cy, back);
    if (!f?.mesh) continue;
    for (const way of WAYS) got[way].push(pointsOf(f, way).map(back));
  }
  if (got.mesh.length < K - 1) continue;
  const mean = (list: Point[][], i: number): Point => [
    list.reduce((s, x) => s + x[i]![0], 0) / list.length,
    list.reduce((s, x) => s + x[i]![1], 0) / list.length,
  ];
  const [l, r] = [mean(got.mesh, 0), mean(got.mesh, 1)];
  const eyes = Math.hypot(l[0] - r[0], l[1] - r[1]);
  POINTS.forEach((_, i) => {
    for (const way of WAYS) {
      const c = mean(got[way], i);
      spread[way][i]!.push(Math.sqrt(got[way].reduce((s, x) => s + (x[i]![0] - c[0]) ** 2 + (x[i]![1] - c[1]) ** 2, 0) / got[way].length) / eyes);
    }
    const [d, m] = [mean(got.detector, i), mean(got.mesh, i)];
    offset[i]!.push(Math.hypot(d[0] - m[0], d[1] - m[1]) / eyes);
  });
}
const med = (v: number[]): number => percentile(v, 50);
const repeatability = Object.fromEntries(WAYS.map((way) => [way, Object.fromEntries(POINTS.map((p, i) => [p, med(spread[way][i]!)]))]));

const out = {
  embedder: `${embedder.name}@${embedder.variant}`,
  backend: pipeline.backend.name,
  pairs: pairs.length,
  no_face: noFace,
  no_mesh: noMesh,
  mesh_ms: { p50: percentile(meshMs, 50), p90: percentile(meshMs, 90), n: meshMs.length },
  verification,
  /** Median RMS spread of each point over the K warped copies, in eye distances. */
  repeatability: { images: spread.mesh[0]!.length, ...repeatability },
  /** Median distance between the detector's and the mesh's point (their mean over the copies), in eye distances. */
  offset: Object.fromEntries(POINTS.map((p, i) => [p, med(offset[i]!)])),
};
await pipeline.close();
embedder.dispose();

if (values.json) {
  process.stdout.write(`${JSON.stringify(out)}\n`);
} else {
  const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
  const f3 = (x: number): string => x.toFixed(3);
  say(
    `${out.embedder} on ${out.pairs} pairs (${out.backend}); no face ${out.no_face}, no mesh ${out.no_mesh}; mesh ${out.mesh_ms.p50.toFixed(1)} ms p50, ${out.mesh_ms.p90.toFixed(1)} ms p90 per face`,
  );
  say('alignment points | accuracy | EER | TAR@FAR 1e-2');
  for (const way of WAYS)
    say(`${way.padEnd(16)} | ${pct(verification[way].accuracy)} | ${pct(verification[way].eer)} | ${pct(verification[way].tar_at_far_1e2)}`);
  say(`repeatability over ${out.repeatability.images} images x ${K} warps (median RMS spread, eye distances) | ${POINTS.join(' | ')}`);
  for (const way of WAYS) say(`${way.padEnd(16)} | ${POINTS.map((p) => f3(repeatability[way]![p]!)).join(' | ')}`);
  say(`detector vs mesh offset (median)  | ${POINTS.map((p) => f3(out.offset[p]!)).join(' | ')}`);
}
