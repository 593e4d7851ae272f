// The door's own PAD self-test, as numbers: from the raw P(live) of the frames an installer showed
// (live faces, then each kind of attack), APCER per attack type and BPCER at every security level,
// and the level to use. Pure: no frames, no I/O; the collector and the admin panel feed it.
import type { PadSecurityLevel } from './model.ts';
import { PAD_LEVELS } from './levels.ts';

/** The phase of bona fide presentations; every other phase name is an attack type (print, screen, spoof…). */
export const LIVE_PHASE = 'live';
/** A phase with fewer judged frames than this gives figures too coarse to act on (one frame = 10 %). */
export const MIN_JUDGED_FRAMES = 10;
/** A recommended level refusing more live frames than this is flagged: people would be refused often. */
export const MAX_GOOD_BPCER = 0.1;

export interface SelftestSample {
  phase: string;
  /** The face's raw P(live); null = the check did not judge it (too small, too dark, no model…). */
  raw: number | null;
  /** This sample's own thresholds, when it was judged by a model of its own (a cross-validation fold); else the report's. */
  thresholds?: Readonly<Record<PadSecurityLevel, number>>;
}

export interface PhaseCounts {
  /** Frames with a face (the largest one was scored). */
  frames: number;
  judged: number;
  unjudged: number;
  /** Analysed frames in which no face was found: not part of any rate. */
  noFace: number;
}

export interface AttackFigures {
  /** Accepted / frames with a face; null when the phase had none. Unjudged frames are not accepted. */
  apcer: number | null;
  accepted: number;
  frames: number;
  unjudged: number;
}

export interface LevelFigures {
  level: PadSecurityLevel;
  /** Raw P(live) at or above which a face is accepted as live at this level. */
  threshold: number;
  /** Live frames not accepted (judged below the threshold, or not judged) / live frames; null without live frames. */
  bpcer: number | null;
  /** Live frames judged and scored below the threshold. */
  liveRejected: number;
  /** Live frames the check did not judge: never granted, so counted in bpcer too. */
  liveUnjudged: number;
  apcer: Record<string, AttackFigures>;
  /** Attack frames of every type accepted at this level. */
  attacksAccepted: number;
}

export interface SelftestReport {
  attacks: string[];
  phases: Record<string, PhaseCounts>;
  levels: LevelFigures[];
  /** The most convenient level at which no attack frame was accepted; null when none stops them all or nothing was judged. */
  recommended: PadSecurityLevel | null;
  warnings: string[];
  minJudgedFrames: number;
}

export interface SelftestReportInput {
  samples: readonly SelftestSample[];
  thresholds: Readonly<Record<PadSecurityLevel, number>>;
  /** The attack phases that were run, so one that saw no face still shows (and warns); else taken from the samples. */
  attacks?: readonly string[];
  /** Analysed frames without a face, per phase. */
  noFace?: Readonly<Record<string, number>>;
  minJudged?: number;
}

const isJudged = (raw: number | null): raw is number => raw !== null && Number.isFinite(raw);
const pct = (v: number): string => `${(100 * v).toFixed(1)} %`;

export function selftestReport(input: SelftestReportInput): SelftestReport {
  const minJudged = input.minJudged ?? MIN_JUDGED_FRAMES;
  const attacks = [...new Set([...(input.attacks ?? []), ...input.samples.map((s) => s.phase)])].filter((p) => p !== LIVE_PHASE);
  const byPhase = new Map<string, SelftestSample[]>();
  const phases: Record<string, PhaseCounts> = {};
  for (const phase of [LIVE_PHASE, ...attacks]) {
    byPhase.set(phase, []);
    phases[phase] = { frames: 0, judged: 0, unjudged: 0, noFace: input.noFace?.[phase] ?? 0 };
  }
  for (const s of input.samples) {
    const counts = phases[s.phase] as PhaseCounts;
    counts.frames++;
    // A NaN or infinite score is never granted: it counts as not judged, like the access room treats it.
    if (isJudged(s.raw)) {
      counts.judged++;
      byPhase.get(s.phase)?.push(s);
    } else counts.unjudged++;
  }

  const live = byPhase.get(LIVE_PHASE) ?? [];
  const liveCounts = phases[LIVE_PHASE] as PhaseCounts;
  const levels = PAD_LEVELS.map((level): LevelFigures => {
    const threshold = input.thresholds[level];
    const accepts = (s: SelftestSample): boolean => (s.raw as number) >= (s.thresholds ?? input.thresholds)[level];
    const liveRejected = live.filter((s) => !accepts(s)).length;
    const apcer: Record<string, AttackFigures> = {};
    let attacksAccepted = 0;
    for (const attack of attacks) {
      const c = phases[attack] as PhaseCounts;
      const accepted = (byPhase.get(attack) ?? []).filter(accepts).length;
      attacksAccepted += accepted;
      apcer[attack] = { apcer: c.frames > 0 ? accepted / c.frames : null, accepted, frames: c.frames, unjudged: c.unjudged };
    }
    return {
      level,
      threshold,
      liveRejected,
      liveUnjudged: liveCounts.unjudged,
      apcer,
      attacksAccepted,
      bpcer: liveCounts.frames > 0 ? (liveRejected + liveCounts.unjudged) / liveCounts.frames : null,
    };
  });

  const warnings: string[] = [];
  for (const [phase, c] of Object.entries(phases)) {
    if (c.frames === 0)
      warnings.push(`${phase}: no face was seen in this phase${c.noFace > 0 ? ` (${c.noFace} frames without a face)` : ''}; nothing was measured for it`);
    else if (c.judged < minJudged)
      warnings.push(
        `${phase}: only ${c.judged} judged frames (fewer than ${minJudged}): too few to trust: give it more frames (a longer phase with the face well in view, or more images)`,
      );
  }
  const attacksJudged = attacks.reduce((n, a) => n + (phases[a] as PhaseCounts).judged, 0);
  let recommended: PadSecurityLevel | null = null;
  if (attacks.length === 0) warnings.push('no attack was presented: no level can be recommended');
  else if (attacksJudged === 0) warnings.push('no attack frame was judged: no level can be recommended');
  else {
    recommended = levels.find((l) => l.attacksAccepted === 0)?.level ?? null;
    if (recommended === null) {
      const least = levels.reduce((a, b) => (b.attacksAccepted < a.attacksAccepted ? b : a));
      const which = attacks
        .filter((a) => (least.apcer[a]?.accepted ?? 0) > 0)
        .map((a) => `${a} ${least.apcer[a]?.accepted}/${least.apcer[a]?.frames}`)
        .join(', ');
      warnings.push(`no level stopped every attack frame (fewest accepted at ${least.level}: ${which}): do not rely on the face alone at this door`);
    }
  }
  const chosen = levels.find((l) => l.level === recommended);
  if (chosen && chosen.bpcer !== null && chosen.bpcer > MAX_GOOD_BPCER) {
    warnings.push(
      `at ${chosen.level} ${pct(chosen.bpcer)} of live frames were refused (more than ${pct(MAX_GOOD_BPCER)}): expect people to be refused often; check the light and the camera's position`,
    );
  }
  return { attacks, phases, levels, recommended, warnings, minJudgedFrames: minJudged };
}

const r4 = (v: number | null): number | null => (v === null ? null : Math.round(v * 1e4) / 1e4);

/** The report as the admin API and `facegate pad selftest --json` give it (snake_case, levels by name). */
export function selftestReportJson(report: SelftestReport) {
  return {
    attacks: report.attacks,
    recommended_level: report.recommended,
    warnings: report.warnings,
    min_judged_frames: report.minJudgedFrames,
    phases: Object.fromEntries(
      Object.entries(report.phases).map(([p, c]) => [p, { frames: c.frames, judged: c.judged, unjudged: c.unjudged, no_face: c.noFace }]),
    ),
    levels: Object.fromEntries(
      report.levels.map((l) => [
        l.level,
        {
          threshold: r4(l.threshold) as number,
          bpcer: r4(l.bpcer),
          live_rejected: l.liveRejected,
          live_unjudged: l.liveUnjudged,
          attacks_accepted: l.attacksAccepted,
          apcer: Object.fromEntries(
            Object.entries(l.apcer).map(([a, f]) => [a, { apcer: r4(f.apcer), accepted: f.accepted, frames: f.frames, unjudged: f.unjudged }]),
          ),
        },
      ]),
    ),
  };
}

export type SelftestReportJson = ReturnType<typeof selftestReportJson>;
