// `facegate pad selftest --images DIR --adapt --out FILE`: fits this door's own PAD model on a
// folder of its presentations (the eval:pad layout, with an identity column) and, when the safety
// rails allow it, writes the proposal to FILE. The file holds weights, thresholds, the report's
// numbers and the model versions: no image, no crop, no per-image feature.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { FacegateError } from '../core/index.ts';
import type { Config } from '../config/index.ts';
import {
  AdaptEvidence,
  PAD_LEVELS,
  adaptationPin,
  decodeImage,
  fitAdaptation,
  largestFace,
  padOptionsFromConfig,
  selftestReportJson,
  type AdaptFrame,
  type AdaptOutcome,
  type SelftestReport,
  type VisionWorker,
} from '../vision/index.ts';
import type { SelftestImage } from './pad-images.ts';

export interface AdaptFolder {
  frames: AdaptFrame[];
  noFace: number;
  unreadable: string[];
}

/** Each image's largest face (found by the live pipeline) with the evidence an adaptation learns from. */
export async function adaptFrames(
  dir: string,
  rows: readonly SelftestImage[],
  vision: Pick<VisionWorker, 'analyzeImage'>,
  evidence: AdaptEvidence,
  onProgress?: (done: number) => void,
): Promise<AdaptFolder> {
  const out: AdaptFolder = { frames: [], noFace: 0, unreadable: [] };
  for (const [i, row] of rows.entries()) {
    onProgress?.(i + 1);
    let bytes: Uint8Array;
    let face;
    try {
      bytes = readFileSync(join(dir, row.relpath));
      face = largestFace((await vision.analyzeImage(bytes)).faces);
    } catch (err) {
      if (err instanceof FacegateError && err.code === 'VISION_WORKER') throw err;
      out.unreadable.push(row.relpath);
      continue;
    }
    if (!face) {
      out.noFace++;
      continue;
    }
    const img = await decodeImage(bytes);
    const e = await evidence.frame(img.data, img.width, img.height, face.box);
    out.frames.push({ presenter: row.identity, phase: row.phase, cnn: e?.cnn ?? null, texture: e?.texture ?? null, shippedRaw: e?.shippedRaw ?? null });
  }
  return out;
}

const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : `${(100 * v).toFixed(1)} %`);

/** Before → after per level: BPCER and APCER per attack type. */
export function formatAdaptation(o: AdaptOutcome): string {
  const lines: string[] = [];
  const row = (r: SelftestReport | null, level: string) => r?.levels.find((l) => l.level === level);
  const attacks = o.before.attacks;
  lines.push(
    `frames: ${Object.entries(o.before.phases)
      .map(([p, c]) => `${p} ${c.frames} (${c.judged} judged)`)
      .join(', ')}`,
  );
  const table = [['level', 'BPCER before → after', ...attacks.map((a) => `APCER ${a} before → after`)]];
  for (const level of PAD_LEVELS) {
    const b = row(o.before, level);
    const a = row(o.after, level);
    table.push([
      `${level}${level === o.level ? ' *' : ''}`,
      `${pct(b?.bpcer)} → ${pct(a?.bpcer)}`,
      ...attacks.map((k) => `${pct(b?.apcer[k]?.apcer)} → ${pct(a?.apcer[k]?.apcer)}`),
    ]);
  }
  const widths = (table[0] ?? []).map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length)));
  for (const r of table)
    lines.push(
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    );
  lines.push(
    `"after" is cross-validated across presenters: each one judged by a model and thresholds fitted without them (fit ${(o.ms / 1000).toFixed(1)} s).`,
  );
  if (o.status === 'refused') for (const r of o.reasons) lines.push(`refused (${r.code}): ${r.message}`);
  return lines.join('\n');
}

export interface AdaptRun {
  dir: string;
  rows: SelftestImage[];
  out: string;
  json: boolean;
  config: Config;
  vision: VisionWorker;
}

/** Refuses a folder an adaptation cannot use, before any model is loaded. */
export function checkAdaptRows(rows: readonly SelftestImage[]): void {
  const missing = rows.filter((r) => r.identity === '').length;
  if (missing > 0)
    throw new FacegateError('usage', `--adapt needs images.csv's identity column (who was presented) on every row: ${missing} rows have none`, {
      exitCode: 65,
    });
}

/** Fits, prints, and writes the proposal; 0 when proposed, 1 when the rails refused it. The caller has run checkAdaptRows. */
export async function adaptMode(run: AdaptRun): Promise<number> {
  const { dir, rows, out, json, config } = run;
  const evidence = await AdaptEvidence.load(padOptionsFromConfig(config.pad));
  try {
    const folder = await adaptFrames(dir, rows, run.vision, evidence, (n) => {
      if (!json && process.stderr.isTTY) process.stderr.write(`\rscored ${n}/${rows.length}`);
    });
    if (!json && process.stderr.isTTY) process.stderr.write('\n');
    const outcome = fitAdaptation(folder.frames, {
      level: config.pad.security_level,
      shippedThresholds: evidence.scorer.fusion.operatingPoints,
      features: evidence.features,
      models: evidence.versions,
      camera: `images:${basename(dir)}`,
      now: new Date(),
    });
    const notes =
      folder.unreadable.length > 0 ? [`${folder.unreadable.length} files could not be read as images: ${folder.unreadable.slice(0, 5).join(', ')}`] : [];
    return proposeAdaptation(outcome, { out, json, extra: { images: rows.length, no_face: folder.noFace, unreadable: folder.unreadable.length }, notes });
  } finally {
    evidence.close();
  }
}

/**
 * Writes a proposal to `out` (whole or not at all: a door must never read half a model) and prints
 * the before/after figures; 0 when proposed, 1 when the rails refused it (nothing written).
 */
export function proposeAdaptation(outcome: AdaptOutcome, o: { out: string; json: boolean; extra: Record<string, unknown>; notes: string[] }): number {
  if (outcome.adaptation) {
    const tmp = `${o.out}.tmp-${process.pid}`;
    writeFileSync(tmp, `${JSON.stringify(outcome.adaptation, null, 1)}\n`, { mode: 0o640 });
    renameSync(tmp, o.out);
  }
  if (o.json)
    console.log(
      JSON.stringify({
        status: outcome.status,
        reasons: outcome.reasons,
        level: outcome.level,
        file: outcome.adaptation ? o.out : null,
        sha256: outcome.adaptation ? adaptationPin(outcome.adaptation) : null,
        fit_ms: Math.round(outcome.ms),
        ...o.extra,
        before: selftestReportJson(outcome.before),
        after: outcome.after ? selftestReportJson(outcome.after) : null,
      }),
    );
  else {
    console.log(formatAdaptation(outcome));
    for (const n of o.notes) console.log(n);
    console.log(
      outcome.adaptation
        ? `proposed: ${o.out} (weights, thresholds and these numbers only; no image was stored); a door that accepts it pins sha256 ${adaptationPin(outcome.adaptation)}. Accept it in the admin panel (Self-test page) or with PUT /api/doors/DOOR/pad-adaptation; judge other presentations with it: npm run eval:pad -- --images DIR --adaptation ${o.out}`
        : 'no adaptation written: the door keeps the shipped model.',
    );
  }
  return outcome.status === 'proposed' ? 0 : 1;
}
