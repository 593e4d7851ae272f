// Presentation-attack detection on any folder whose images.csv has relpath and label (live/spoof):
// ISO/IEC 30107-3 APCER, BPCER, ACER of the shipped PAD score at the security level's threshold,
// the no-face rate and the added cost per face. Faces are found by the daemon's own detector
// (largest face). A folder without a label column takes --label live|spoof for every image.
// --loso: leave-one-subject-out instead of the shipped files: for each subject, everything facegate
// fits (texture model, fusion, thresholds) is fitted on the other subjects, with the figures per
// frame and per track of two voting frames; --inputs picks the evidence fused (cnn, texture).
// --adaptation FILE: judge with a door's own PAD model (`facegate pad selftest --images DIR --adapt
// --out FILE`) instead of the shipped levels, same keys. --adapt-cv N: how a door's adaptation carries
// over, adapting on N subjects at a time and judging the others (before/after per level).
//
//   npm run eval:pad -- --images DIR [--label live|spoof] [--level L] [--models DIR] [--adaptation FILE] [--loso [--inputs cnn,texture]] [--adapt-cv N] [--json]
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  AdaptEvidence,
  PadScorer,
  adaptedScore,
  extractFeatures,
  padModelVersions,
  readAdaptation,
  scoreAtThreshold,
  type PadAdaptationFile,
  type PadEvidenceName,
  type PadSecurityLevel,
} from '../daemon/vision/pad/index.ts';
import { MODELS_DIR } from '../daemon/vision/index.ts';
import { adaptCrossValidation, collectAdaptFrames } from './pad/adapt-cv.ts';
import { createFaceFinder, readPadCsv, type PadRow } from './pad/dataset.ts';
import { collectEvidence, leaveOneSubjectOut } from './pad/fusion-train.ts';
import { printLoso } from './pad/loso-table.ts';
import { MIN_FACE_PX, PAD_FEATURES, PAD_FIT } from './pad/texture-recipe.ts';
import { equalErrorPoint, ratesAt, thresholdForBpcer, type Scored } from '../daemon/vision/pad/index.ts';
import { percentile } from './eval/metrics.ts';

const LEVELS: readonly PadSecurityLevel[] = ['convenience', 'balanced', 'strict'];
const r4 = (v: number): number => Math.round(v * 1e4) / 1e4;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      images: { type: 'string' },
      level: { type: 'string', default: 'balanced' },
      models: { type: 'string' },
      label: { type: 'string' },
      loso: { type: 'boolean', default: false },
      inputs: { type: 'string', default: 'cnn' },
      adaptation: { type: 'string' },
      'adapt-cv': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.images)
    throw new Error(
      'usage: npm run eval:pad -- --images DIR [--label live|spoof] [--level convenience|balanced|strict] [--models DIR] [--adaptation FILE] [--loso [--inputs cnn,texture]] [--adapt-cv N] [--json]',
    );
  if (values.label !== undefined && values.label !== 'live' && values.label !== 'spoof') throw new Error(`--label must be live or spoof, got ${values.label}`);
  const level = values.level as PadSecurityLevel;
  if (!LEVELS.includes(level)) throw new Error(`--level must be one of ${LEVELS.join(', ')}, got ${values.level}`);
  const dir = resolve(values.images);
  const rows = readPadCsv(dir, values.label as 'live' | 'spoof' | undefined);
  if (rows.length === 0) throw new Error(`${join(dir, 'images.csv')} lists no images`);
  if (values.loso) return leaveOneOut(dir, rows, values.inputs, values.json);
  if (values['adapt-cv'] !== undefined) return adaptCv(dir, rows, level, Number(values['adapt-cv']), values.json);
  // --models DIR: a models folder with its own manifest.json "pad" entries (e.g. models trained on other subjects).
  const modelsDir = values.models ? resolve(values.models) : MODELS_DIR;
  // A stale, changed or malformed adaptation stops here with its reason, before any image is read.
  const adaptation: PadAdaptationFile | null = values.adaptation ? readAdaptation(resolve(values.adaptation), padModelVersions(modelsDir)) : null;
  const finder = await createFaceFinder();
  const scorer = await PadScorer.load({ securityLevel: level, modelsDir });
  const scored: Scored[] = [];
  const latencies: number[] = [];
  const cpu: number[] = [];
  const unjudged: Record<string, number> = {};
  let noFace = 0;
  let bonaUnjudged = 0;
  let attackUnjudged = 0;
  for (const row of rows) {
    const face = await finder.find(join(dir, row.relpath));
    if (!face) {
      noFace++;
      continue;
    }
    const t = performance.now();
    const c = process.cpuUsage();
    const j = await scorer.judge(face.image.data, face.image.width, face.image.height, face.box);
    latencies.push(performance.now() - t);
    // CPU time of this thread's process: close to wall time on an idle machine, and far less
    // disturbed than wall time when other work shares the cores.
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
    if (j.score === null) {
      unjudged[j.unjudged] = (unjudged[j.unjudged] ?? 0) + 1;
      if (row.live) bonaUnjudged++;
      else attackUnjudged++;
      continue;
    }
    // With an adaptation, the door's own model re-scores the face the shipped gate judged (centred on its level's threshold, like the shipped score).
    const score = adaptation
      ? scoreAtThreshold(
          adaptedScore(
            adaptation,
            j.evidence.cnn ?? Number.NaN,
            extractFeatures(adaptation.features, face.image.data, face.image.width, face.image.height, face.box),
          ),
          adaptation.thresholds[level],
        )
      : j.score;
    if (!Number.isFinite(score)) {
      unjudged['no_score'] = (unjudged['no_score'] ?? 0) + 1;
      if (row.live) bonaUnjudged++;
      else attackUnjudged++;
      continue;
    }
    scored.push({ score, live: row.live });
  }
  // The shipped decision: calibrated score >= 0.5 (access.liveness_min) at the chosen level.
  const at = ratesAt(scored, 0.5);
  const eer = equalErrorPoint(scored);
  const oracle = thresholdForBpcer(scored, 0.05);
  const live = rows.filter((r) => r.live).length;
  const result = {
    images: rows.length,
    live,
    spoof: rows.length - live,
    judged: scored.length,
    level,
    apcer: r4(at.apcer),
    bpcer: r4(at.bpcer),
    acer: r4(at.acer),
    threshold: 0.5,
    raw_threshold: adaptation ? r4(adaptation.thresholds[level]) : scorer.threshold,
    no_face_rate: r4(noFace / rows.length),
    unjudged,
    // Unjudged faces are never granted: counted as rejected live faces, they raise BPCER only.
    bpcer_with_unjudged: r4((at.bpcer * scored.filter((s) => s.live).length + bonaUnjudged) / Math.max(1, scored.filter((s) => s.live).length + bonaUnjudged)),
    attacks_unjudged: attackUnjudged,
    eer: r4(eer.acer),
    apcer_at_bpcer_5_on_this_set: r4(oracle.apcer),
    latency_ms: { p50: r4(percentile(latencies, 50)), p90: r4(percentile(latencies, 90)) },
    cpu_ms: { p50: r4(percentile(cpu, 50)), p90: r4(percentile(cpu, 90)) },
    backend: finder.backend.name,
    models: { detector: finder.detector, pad: adaptation ? `pad-adaptation(${adaptation.camera}, ${adaptation.createdAt})` : scorer.name },
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const pct = (v: number): string => `${(100 * v).toFixed(2)} %`;
  console.log(`PAD on ${dir}: ${result.images} images (${result.live} live, ${result.spoof} spoof), ${result.judged} judged, level ${level}`);
  console.log(`APCER ${pct(result.apcer)}   BPCER ${pct(result.bpcer)}   ACER ${pct(result.acer)}   (score ≥ 0.5; raw threshold ${result.raw_threshold})`);
  console.log(`BPCER counting unjudged live faces as rejected: ${pct(result.bpcer_with_unjudged)}; unjudged: ${JSON.stringify(unjudged)}`);
  console.log(`EER on this set ${pct(result.eer)}; APCER at BPCER 5 % with a threshold fitted to this set ${pct(result.apcer_at_bpcer_5_on_this_set)}`);
  console.log(
    `no-face rate ${pct(result.no_face_rate)}; PAD cost per face p50 ${result.latency_ms.p50} ms, p90 ${result.latency_ms.p90} ms (CPU p50 ${result.cpu_ms.p50} ms; ${result.backend}, detector ${result.models.detector})`,
  );
}

async function adaptCv(dir: string, rows: PadRow[], level: PadSecurityLevel, adaptOn: number, json: boolean): Promise<void> {
  if (!Number.isInteger(adaptOn) || adaptOn < 2) throw new Error(`--adapt-cv takes how many subjects each adaptation sees (2 or more), got ${adaptOn}`);
  const evidence = await AdaptEvidence.load({ securityLevel: level });
  try {
    const { frames, noFace } = await collectAdaptFrames(dir, rows, evidence);
    const r = adaptCrossValidation(frames, evidence, level, adaptOn);
    if (json) {
      process.stdout.write(`${JSON.stringify({ images: rows.length, no_face: noFace, level, scheme: 'adapt on N subjects, judge the others', ...r })}\n`);
      return;
    }
    const pct = (v: number): string => `${(100 * v).toFixed(1)} %`;
    console.log(
      `PAD adaptation on ${dir}: ${r.splits} splits adapting on ${adaptOn} of ${r.subjects} subjects, judging the others (${r.judgedLive} live, ${r.judgedAttacks} attack frames judged)`,
    );
    for (const [l, f] of Object.entries(r.levels))
      console.log(`${l}: APCER ${pct(f.before.apcer)} → ${pct(f.after.apcer)}, BPCER ${pct(f.before.bpcer)} → ${pct(f.after.bpcer)}`);
    console.log(
      `refused ${r.refused} of ${r.splits} (the shipped model judged those)${r.refusals.length ? `: ${r.refusals.join('; ')}` : ''}; fit ${Math.round(r.fitMs.mean)} ms mean, ${Math.round(r.fitMs.max)} ms max`,
    );
  } finally {
    evidence.close();
  }
}

async function leaveOneOut(dir: string, rows: PadRow[], inputsText: string, json: boolean): Promise<void> {
  const inputs = inputsText.split(',').map((t) => t.trim()) as PadEvidenceName[];
  if (!inputs.every((i) => i === 'cnn' || i === 'texture')) throw new Error(`--inputs takes cnn, texture or both, got ${inputsText}`);
  const { samples, noFace } = await collectEvidence(dir, rows, PAD_FEATURES, MIN_FACE_PX);
  if (new Set(samples.map((s) => s.subject)).size < 3)
    throw new Error('--loso needs faces of at least 3 subjects (the identity column, or the first folder of relpath)');
  const loso = leaveOneSubjectOut(inputs, samples, PAD_FIT);
  const r = (v: number): number => r4(v);
  const result = {
    images: rows.length,
    judged: samples.length,
    no_face_rate: r(noFace / rows.length),
    scheme: 'leave-one-subject-out',
    inputs,
    apcer: r(loso.frame.balanced.apcer),
    bpcer: r(loso.frame.balanced.bpcer),
    acer: r(loso.frame.balanced.acer),
    levels: Object.fromEntries(
      LEVELS.map((l) => [
        l,
        {
          frame: { apcer: r(loso.frame[l].apcer), bpcer: r(loso.frame[l].bpcer) },
          track: { apcer: r(loso.track[l].apcer), bpcer: r(loso.track[l].bpcer), tracks: loso.track[l].tracks },
        },
      ]),
    ),
    track_frames: loso.trackFrames,
    folds: loso.folds.map((f) => ({
      subject: f.subject,
      live: f.live,
      spoof: f.spoof,
      threshold_balanced: r(f.thresholds.balanced),
      apcer: r(f.apcer),
      bpcer: r(f.bpcer),
    })),
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  console.log(`PAD on ${dir}, ${result.judged} faces of ${rows.length} images, ${loso.folds.length} subjects`);
  printLoso(loso);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
