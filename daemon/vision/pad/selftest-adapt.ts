// The self-test's adaptation mode (issue 26): each person presents live and then their own photo
// or screen, so the fit can choose its thresholds across presenters; each judged face's evidence
// is kept in memory for the fit only, and dropped once it is fitted or the run is cancelled.
import { FacegateError } from '../../core/index.ts';
import type { AdaptFrame, AdaptOutcome } from './adapt-fit.ts';
import { selftestReportJson } from './selftest-report.ts';

export const MIN_ADAPT_PEOPLE = 2;
export const MAX_ADAPT_PEOPLE = 6;
export const DEFAULT_ADAPT_PEOPLE = 2;

export interface SelftestAdaptOptions {
  /** People presenting in turn (each live, then each attack type with their own face). */
  people: number;
  /** Turns the live pipeline's PAD evidence on for the run, and off after it. */
  collect: (on: boolean) => Promise<void> | void;
  /** Fits the proposal (the daemon: in its own thread). */
  fit: (frames: AdaptFrame[]) => Promise<AdaptOutcome>;
}

export type AdaptStatus = 'collecting' | 'fitting' | 'proposed' | 'refused' | 'failed' | 'cancelled';

export interface SelftestAdaptation {
  status: AdaptStatus;
  people: number;
  outcome: AdaptOutcome | null;
  /** Why there is no outcome (the fit failed, or evidence could not be collected). */
  error: string | null;
}

/** One phase of a run: what to present, and who presents it (null outside adaptation mode). */
export interface PlannedPhase {
  phase: string;
  person: number | null;
}

export function checkPeople(people: number): number {
  if (!Number.isInteger(people) || people < MIN_ADAPT_PEOPLE || people > MAX_ADAPT_PEOPLE)
    throw new FacegateError('selftest_invalid', `an adaptation needs ${MIN_ADAPT_PEOPLE} to ${MAX_ADAPT_PEOPLE} people presenting, got ${people}`, {
      exitCode: 64,
    });
  return people;
}

/** The phases: live then each attack, once; or once per person when adapting. */
export function planPhases(kinds: readonly string[], people: number | null): PlannedPhase[] {
  if (people === null) return kinds.map((phase) => ({ phase, person: null }));
  const plan: PlannedPhase[] = [];
  for (let p = 1; p <= people; p++) for (const phase of kinds) plan.push({ phase, person: p });
  return plan;
}

/** The prompt with who presents: the person themselves, or their own photo or screen. */
export function personPrompt(prompt: string, phase: string, person: number | null, people: number): string {
  if (person === null) return prompt;
  const whose = phase === 'live' ? `Person ${person} of ${people}` : `Person ${person} of ${people}, with a picture of their own face`;
  return `${whose}. ${prompt}`;
}

/** A collected face, as the fit reads it. */
export function adaptFrame(phase: string, person: number, evidence: { cnn: number; texture: Float32Array; shippedRaw: number } | undefined): AdaptFrame {
  return {
    presenter: `person ${person}`,
    phase,
    cnn: evidence?.cnn ?? null,
    texture: evidence?.texture ?? null,
    shippedRaw: evidence?.shippedRaw ?? null,
  };
}

/** The adaptation part of a run's state as the admin API gives it (the figures, never the weights). */
export function selftestAdaptationJson(a: SelftestAdaptation) {
  const o = a.outcome;
  return {
    status: a.status,
    people: a.people,
    error: a.error,
    level: o?.level ?? null,
    reasons: o?.reasons ?? [],
    fit_ms: o ? Math.round(o.ms) : null,
    before: o ? selftestReportJson(o.before) : null,
    after: o?.after ? selftestReportJson(o.after) : null,
  };
}
