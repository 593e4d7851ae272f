import type { AccessDecision, PersonAccess, TrackVerdict } from '../core/index.ts';
import { inSchedule } from './schedule.ts';

export type DecisionReason = AccessDecision['reason'];

export interface PolicyInput {
  verdict: TrackVerdict;
  /** The matched person's access data; null when unknown or no longer enrolled. */
  person: PersonAccess | null;
  lockedOut: boolean;
  /** PAD score a face needs to count as live. */
  livenessMin: number;
  now: number;
}

const isFiniteNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/**
 * The rule, in order: a locked-out door decides nothing; a face that is not shown live (or
 * cannot be judged, or whose score is not a finite number) is refused before anyone is looked up;
 * then the match must be a finite score of a known person, enabled, inside their validity window
 * and inside their schedule.
 */
export function decide(input: PolicyInput): { granted: boolean; reason: DecisionReason } {
  const { verdict, person, now } = input;
  const deny = (reason: DecisionReason): { granted: boolean; reason: DecisionReason } => ({ granted: false, reason });
  if (input.lockedOut) return deny('lockout');
  // NaN compares false with everything, so only a finite score (and threshold) may pass a comparison.
  if (!isFiniteNumber(verdict.liveness) || !isFiniteNumber(input.livenessMin)) return deny('liveness_unknown');
  if (verdict.liveness < input.livenessMin) return deny('spoof_suspected');
  if (verdict.personId === null || person === null || !isFiniteNumber(verdict.score)) return deny('unknown');
  if (!person.enabled) return deny('disabled');
  if (person.validFrom !== null && now < Date.parse(person.validFrom)) return deny('not_yet_valid');
  if (person.validUntil !== null && now >= Date.parse(person.validUntil)) return deny('expired');
  if (person.schedule !== null && !inSchedule(person.schedule, now)) return deny('outside_schedule');
  return { granted: true, reason: 'match' };
}
