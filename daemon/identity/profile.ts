import { FacegateError, type WeeklySchedule } from '../core/index.ts';
import type { PersonProfile } from './persons.ts';

/** What an operator may set about a person besides photos. */
export interface ProfileInput {
  displayName?: string;
  enabled?: boolean;
  validFrom?: string | null;
  validUntil?: string | null;
  schedule?: WeeklySchedule | null;
  threshold?: number | null;
}

function bad(message: string): FacegateError {
  return new FacegateError('person_invalid', message, { exitCode: 65 });
}

function instant(field: string, v: string | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  const t = typeof v === 'string' ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(t)) throw bad(`${field} must be an ISO date-time (e.g. 2026-12-31T18:00:00Z), got ${JSON.stringify(v)}`);
  return new Date(t).toISOString();
}

/** Checks every field and returns the profile to store; throws one clear error per problem. */
export function validateProfile(input: ProfileInput, validateSchedule: (s: WeeklySchedule) => WeeklySchedule): PersonProfile {
  const name = input.displayName;
  if (typeof name !== 'string' || name.trim().length === 0 || name.length > 200) throw bad('display name must be 1-200 characters');
  const validFrom = instant('valid_from', input.validFrom);
  const validUntil = instant('valid_until', input.validUntil);
  if (validFrom !== null && validUntil !== null && Date.parse(validUntil) <= Date.parse(validFrom)) throw bad('valid_until must be after valid_from');
  const threshold = input.threshold ?? null;
  if (threshold !== null && (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold <= -1 || threshold >= 1)) {
    throw bad(`threshold must be a cosine similarity between -1 and 1, got ${JSON.stringify(threshold)}`);
  }
  if (input.enabled !== undefined && typeof input.enabled !== 'boolean') throw bad('enabled must be true or false');
  const schedule = input.schedule ?? null;
  return {
    displayName: name.trim(),
    enabled: input.enabled ?? true,
    validFrom,
    validUntil,
    schedule: schedule === null ? null : validateSchedule(schedule),
    threshold,
  };
}
