/**
 * What a caller may ask of a door, checked before the state machine acts on it: callers behind the
 * API and MQTT may hand in anything, and a door never unlocks on what is not a request.
 */
import { FacegateError, type Clock, type DoorControl } from '../core/index.ts';

export type UnlockRequest = Parameters<DoorControl['unlock']>[0];

/** The longest "hold unlocked until" accepted: a week covers any office-hours schedule. */
export const MAX_HOLD_MS = 7 * 24 * 3600_000;
export const MANUAL_KINDS = new Set<UnlockRequest['kind']>(['manual', 'api', 'mqtt']);
const KINDS = new Set<string>(['face', 'rex', ...MANUAL_KINDS]);

export function badRequest(id: string, why: string): FacegateError {
  return new FacegateError('door_bad_request', `door "${id}": ${why}`, { exitCode: 64 });
}

/** An unlock request names a known kind, and its override, if any, is a boolean. */
export function checkUnlockRequest(id: string, by: UnlockRequest): void {
  const kind: unknown = (by as Partial<UnlockRequest> | null)?.kind;
  if (typeof kind !== 'string' || !KINDS.has(kind))
    throw badRequest(id, `unlock needs kind face, rex, manual, api or mqtt, not ${JSON.stringify(kind) ?? 'nothing'}`);
  if (by.override !== undefined && typeof by.override !== 'boolean') throw badRequest(id, 'override must be true or false');
}

/** When a hold ends (epoch ms) and how long from now: a valid date, in the future, at most MAX_HOLD_MS ahead. */
export function holdTime(id: string, until: Date, clock: Clock): { at: number; ms: number } {
  const at = until instanceof Date ? until.getTime() : Number.NaN;
  if (!Number.isFinite(at)) throw new FacegateError('door_hold_time', `door "${id}": hold until needs a valid date`, { exitCode: 64 });
  const ms = at - clock.now();
  if (ms <= 0) throw new FacegateError('door_hold_time', `door "${id}": hold until ${until.toISOString()} is not in the future`, { exitCode: 64 });
  if (ms > MAX_HOLD_MS) throw new FacegateError('door_hold_time', `door "${id}": hold until is more than 7 days ahead`, { exitCode: 64 });
  return { at, ms };
}
