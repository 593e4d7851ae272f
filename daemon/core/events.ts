import type { AccessDecision, Frame, FrameAnalysis, TrackVerdict } from './contracts.ts';

/**
 * The public event contract (DESIGN.md): what MQTT, the admin API and the store carry.
 * `subject` is a pseudonym, never a name, an image or an embedding.
 */
export const EVENT_TYPES = [
  'access_granted',
  'access_denied',
  'unknown_face',
  'spoof_suspected',
  'door_opened',
  'door_closed',
  'door_held_open',
  'door_forced',
  'door_locked',
  'door_unlocked',
  'unlocked_manually',
  'rex_unlock',
  'lockout_started',
  'lockout_ended',
  'lockdown_changed',
  'tamper',
  'camera_lost',
  'camera_restored',
  'command_rejected',
  'gpio_error',
  'lock_jammed',
  // facegate as a reader of an access-control panel (osdp): the panel's link, and what it asked the reader to show
  'osdp_online',
  'osdp_offline',
  'osdp_led',
  'osdp_buzzer',
  'osdp_output',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export interface EventAttributes {
  emotion?: string;
  age_band?: string;
  gender?: string;
}

export interface FacegateEvent {
  v: 1;
  id: string;
  ts: string;
  door: string;
  type: EventType;
  subject: string | null;
  score: number | null;
  liveness: number | null;
  reason: string | null;
  attributes: EventAttributes | null;
  /**
   * A face decision's time from the face's first frame to the decision (the door unlocks on it), in
   * ms. Kept in the store for the per-person figures; not part of what MQTT or the events list send.
   */
  decision_ms?: number;
}

/** Everything but the envelope: what a module supplies when it raises an event. */
export type EventInput = Pick<FacegateEvent, 'door' | 'type'> &
  Partial<Pick<FacegateEvent, 'subject' | 'score' | 'liveness' | 'reason' | 'attributes' | 'decision_ms'>>;

export function makeEvent(input: EventInput, now: number = Date.now()): FacegateEvent {
  return {
    v: 1,
    id: crypto.randomUUID(),
    ts: new Date(now).toISOString(),
    door: input.door,
    type: input.type,
    subject: input.subject ?? null,
    score: input.score ?? null,
    liveness: input.liveness ?? null,
    reason: input.reason ?? null,
    attributes: input.attributes ?? null,
    ...(input.decision_ms !== undefined ? { decision_ms: input.decision_ms } : {}),
  };
}

/** jammed: the lock output could not be set to its locked level; the door may be open to anyone. */
export type LockState = 'locked' | 'unlocked' | 'jammed';
export type DoorPosition = 'open' | 'closed' | 'unknown';

export interface DoorStatus {
  door: string;
  lock: LockState;
  position: DoorPosition;
  mode: 'normal' | 'held_unlocked' | 'lockdown';
  alarm: 'none' | 'held_open' | 'forced' | 'tamper';
  heldUnlockedUntil: string | null;
}

/** Internal bus events between rooms. The bus is the only channel rooms share at run time. */
export interface BusEvents {
  /** A frame passed the motion gate and should be analysed. */
  frame: Frame;
  /** Vision finished a frame. */
  analysis: FrameAnalysis;
  /** Identity concluded who a tracked face is (once per track); access decides on it. */
  verdict: TrackVerdict;
  /** Access decided for a tracked face. */
  decision: AccessDecision;
  'camera:status': { sourceId: string; state: 'running' | 'lost' | 'none'; detail?: string };
  /** A public event was raised; the events store persists it, then mqtt/admin fan it out. */
  event: FacegateEvent;
  /** A public event has been persisted (has its final id) and may be published. */
  'event:stored': FacegateEvent;
  'door:status': DoorStatus;
  /** An MQTT command was carried out; actor is mqtt:signed, mqtt:unsigned or mqtt:user:<trusted broker user>. */
  'mqtt:command': { door: string; command: 'lock' | 'lockdown' | 'hold'; action: string; actor: string };
  /** The work loop ticked; the systemd watchdog is fed from this, not from a bare timer. `at` is Clock.monotonic(). */
  heartbeat: { source: string; at: number };
}
