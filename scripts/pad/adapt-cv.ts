// How well a door's own PAD adaptation (issue 26) carries over to people it did not see: the
// subjects of a folder in a ring, each split adapting on `adaptOn` consecutive subjects (with the
// product's fitAdaptation, rails included) and judging every other subject with the result, at
// each security level, against the shipped model on the same frames. A refused adaptation leaves
// the door on the shipped model, and is judged so.
import { join } from 'node:path';
import type { AdaptEvidence } from '../../daemon/vision/pad/index.ts';
import { PAD_LEVELS, adaptedScore, fitAdaptation, type AdaptFrame, type PadAdaptationFile, type PadSecurityLevel } from '../../daemon/vision/pad/index.ts';
import { LIVE_PHASE } from '../../daemon/vision/index.ts';
import { createFaceFinder, type PadRow } from './dataset.ts';

export interface AdaptCvLevel {
  before: { apcer: number; bpcer: number };
  after: { apcer: number; bpcer: number };
}

export interface AdaptCvReport {
  subjects: number;
  adaptOn: number;
  splits: number;
  refused: number;
  refusals: string[];
  /** Frames judged across all splits (each subject is judged in every split it is not adapted on). */
  judgedLive: number;
  judgedAttacks: number;
  levels: Record<PadSecurityLevel, AdaptCvLevel>;
  fitMs: { max: number; mean: number };
}

export interface EvidenceFrame extends AdaptFrame {
  relpath: string;
}

/** Every image's largest face through the shipped check and the texture recipe; the face-less and unjudged ones keep a null. */
export async function collectAdaptFrames(dir: string, rows: readonly PadRow[], evidence: AdaptEvidence): Promise<{ frames: EvidenceFrame[]; noFace: number }> {
  const finder = await createFaceFinder();
  const frames: EvidenceFrame[] = [];
  let noFace = 0;
  for (const row of rows) {
    const f = await finder.find(join(dir, row.relpath));
    if (!f) {
      noFace++;
      continue;
    }
    const e = await evidence.frame(f.image.data, f.image.width, f.image.height, f.box);
    frames.push({
      relpath: row.relpath,
      presenter: row.subject,
      phase: row.phase,
      cnn: e?.cnn ?? null,
      texture: e?.texture ?? null,
      shippedRaw: e?.shippedRaw ?? null,
    });
  }
  return { frames, noFace };
}

/** Whether a frame is accepted as live at a level: by the adaptation when there is one, else by the shipped levels. */
function accepts(f: AdaptFrame, level: PadSecurityLevel, shipped: Record<PadSecurityLevel, number>, a: PadAdaptationFile | null): boolean {
  if (f.cnn === null || f.texture === null || f.shippedRaw === null) return false;
  if (!a) return f.shippedRaw >= shipped[level];
  return adaptedScore(a, f.cnn, f.texture) >= a.thresholds[level];
}

export function adaptCrossValidation(frames: readonly AdaptFrame[], evidence: AdaptEvidence, level: PadSecurityLevel, adaptOn: number): AdaptCvReport {
  const subjects = [...new Set(frames.map((f) => f.presenter))].sort();
  if (subjects.length <= adaptOn) throw new Error(`--adapt-cv ${adaptOn} needs more than ${adaptOn} subjects (found ${subjects.length})`);
  const shipped = evidence.scorer.fusion.operatingPoints;
  const counts = Object.fromEntries(PAD_LEVELS.map((l) => [l, { before: { acc: 0, rej: 0 }, after: { acc: 0, rej: 0 } }]));
  let judgedLive = 0;
  let judgedAttacks = 0;
  let refused = 0;
  const refusals: string[] = [];
  const fitMs: number[] = [];
  for (let i = 0; i < subjects.length; i++) {
    const on = new Set(Array.from({ length: adaptOn }, (_, k) => subjects[(i + k) % subjects.length]));
    const outcome = fitAdaptation(
      frames.filter((f) => on.has(f.presenter)),
      { level, shippedThresholds: shipped, features: evidence.features, models: evidence.versions, camera: 'images', now: new Date(0) },
    );
    fitMs.push(outcome.ms);
    if (outcome.status === 'refused') {
      refused++;
      refusals.push(`adapting on ${[...on].join('+')}: ${outcome.reasons.map((r) => r.code).join(', ')}`);
    }
    for (const f of frames.filter((x) => !on.has(x.presenter))) {
      const live = f.phase === LIVE_PHASE;
      if (live) judgedLive++;
      else judgedAttacks++;
      for (const l of PAD_LEVELS) {
        const c = counts[l]!;
        // APCER counts accepted attacks, BPCER refused live faces (an unjudged face is refused).
        if (live) {
          if (!accepts(f, l, shipped, null)) c.before.rej++;
          if (!accepts(f, l, shipped, outcome.adaptation)) c.after.rej++;
        } else {
          if (accepts(f, l, shipped, null)) c.before.acc++;
          if (accepts(f, l, shipped, outcome.adaptation)) c.after.acc++;
        }
      }
    }
  }
  const rate = (n: number, d: number): number => (d > 0 ? n / d : 0);
  const levels = Object.fromEntries(
    PAD_LEVELS.map((l) => {
      const c = counts[l]!;
      return [
        l,
        {
          before: { apcer: rate(c.before.acc, judgedAttacks), bpcer: rate(c.before.rej, judgedLive) },
          after: { apcer: rate(c.after.acc, judgedAttacks), bpcer: rate(c.after.rej, judgedLive) },
        },
      ];
    }),
  ) as Record<PadSecurityLevel, AdaptCvLevel>;
  return {
    subjects: subjects.length,
    adaptOn,
    splits: subjects.length,
    refused,
    refusals,
    judgedLive,
    judgedAttacks,
    levels,
    fitMs: { max: Math.max(...fitMs), mean: fitMs.reduce((a, b) => a + b, 0) / fitMs.length },
  };
}
