/** A door's configuration and the checks made on it at run time (the schema bounds the same for loaded files). */
import { FacegateError } from '../core/index.ts';
import type { Config } from '../config/index.ts';

export type DoorConfig = Config['doors'][number];
export type InputRole = 'door_contact' | 'exit_button' | 'tamper';

export const PULSE_MS = { min: 100, max: 60_000 } as const;

function configError(id: string, why: string): FacegateError {
  return new FacegateError('door_config', `door "${id}": ${why}`, { exitCode: 78 });
}

/** Checks at run time what the schema also bounds, for doors built without the config loader. */
export function checkDoorConfig(c: DoorConfig): void {
  const p = c.unlock_pulse_ms;
  if (!Number.isInteger(p) || p < PULSE_MS.min || p > PULSE_MS.max) {
    throw configError(c.id, `unlock_pulse_ms must be a whole number of ms from ${PULSE_MS.min} to ${PULSE_MS.max}, not ${String(p)}`);
  }
  if (!Number.isInteger(c.held_open_s) || c.held_open_s < 1 || c.held_open_s > 3600) {
    throw configError(c.id, `held_open_s must be 1–3600, not ${String(c.held_open_s)}`);
  }
  for (const role of ['door_contact', 'exit_button', 'tamper'] as const) {
    const d = c[role]?.debounce_ms;
    if (d !== undefined && (!Number.isInteger(d) || d < 0 || d > 1000)) throw configError(c.id, `${role}.debounce_ms must be 0–1000, not ${String(d)}`);
  }
}
