import {
  makeEvent,
  type AccessDecision,
  type BusEvents,
  type Clock,
  type EventBus,
  type EventType,
  type Logger,
  type PersonAccess,
  type Service,
  type TrackVerdict,
} from '../core/index.ts';
import { Lockout } from './lockout.ts';
import { decide, type DecisionReason } from './policy.ts';

export interface AccessSettings {
  livenessMin: number;
  lockoutAttempts: number;
  lockoutWindowMs: number;
  lockoutCooldownMs: number;
}

export interface AccessDeps {
  bus: EventBus<BusEvents>;
  clock: Clock;
  log: Logger;
  settings: AccessSettings;
  /** Identity's person lookup (main wires identity.people.access). */
  lookupPerson(personId: string): PersonAccess | null;
  /** Privacy's pseudonym of a person id (main wires Pseudonyms.subject). */
  subjectOf(personId: string): string;
}

export interface Access extends Service {
  /** Decides on one verdict (also what the bus 'verdict' listener calls). */
  handle(verdict: TrackVerdict): AccessDecision;
  lockedOut(door: string): boolean;
  start(): void;
  stop(): void;
}

const EVENT_OF: Partial<Record<DecisionReason, EventType>> = {
  match: 'access_granted',
  unknown: 'unknown_face',
  spoof_suspected: 'spoof_suspected',
};

/**
 * The access room at run time: verdicts in (bus 'verdict'), decisions out (bus 'decision', which
 * main routes to the door) and one public event per decision (bus 'event', pseudonymous subject).
 */
export function createAccess(deps: AccessDeps): Access {
  const { bus, clock, log, settings } = deps;
  const lockouts = new Map<string, Lockout>();

  const lockoutOf = (door: string): Lockout => {
    let l = lockouts.get(door);
    if (!l) {
      l = new Lockout({
        attempts: settings.lockoutAttempts,
        windowMs: settings.lockoutWindowMs,
        cooldownMs: settings.lockoutCooldownMs,
        clock,
        onStart: (until) => {
          log.warn({ door, until: new Date(until).toISOString() }, 'too many denied attempts: door locked out');
          bus.emit('event', makeEvent({ door, type: 'lockout_started', reason: 'too_many_denied_attempts' }, clock.now()));
        },
        onEnd: () => {
          log.info({ door }, 'lockout ended');
          bus.emit('event', makeEvent({ door, type: 'lockout_ended' }, clock.now()));
        },
      });
      lockouts.set(door, l);
    }
    return l;
  };

  const handle = (verdict: TrackVerdict): AccessDecision => {
    const now = clock.now();
    const lockout = lockoutOf(verdict.door);
    const lockedOut = lockout.active();
    const person = !lockedOut && verdict.personId !== null ? deps.lookupPerson(verdict.personId) : null;
    const { granted, reason } = decide({ verdict, person, lockedOut, livenessMin: settings.livenessMin, now });
    // During a lockout nothing about the face is looked up or disclosed.
    const personId = lockedOut ? null : verdict.personId;
    const event = makeEvent(
      {
        door: verdict.door,
        type: EVENT_OF[reason] ?? 'access_denied',
        subject: personId !== null ? deps.subjectOf(personId) : null,
        score: lockedOut ? null : verdict.score,
        liveness: lockedOut ? null : verdict.liveness,
        reason,
        // First sight to this decision, on the monotonic clock the frames were captured by.
        decision_ms: Math.max(0, Math.round(clock.monotonic() - verdict.firstAt)),
      },
      now,
    );
    const decision: AccessDecision = {
      door: verdict.door,
      granted,
      reason,
      personId,
      score: event.score,
      liveness: event.liveness,
      at: now,
      eventId: event.id,
      frameAt: verdict.at,
    };
    bus.emit('decision', decision);
    bus.emit('event', event);
    if (granted) lockout.recordGrant();
    else if (!lockedOut) lockout.recordDenial();
    return decision;
  };

  let off: (() => void) | null = null;
  return {
    handle,
    lockedOut: (door) => lockoutOf(door).active(),
    start() {
      off ??= bus.on('verdict', (v) => void handle(v));
    },
    stop() {
      off?.();
      off = null;
      for (const l of lockouts.values()) l.stop();
    },
  };
}
