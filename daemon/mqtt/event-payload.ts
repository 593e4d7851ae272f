import type { EventAttributes, FacegateEvent } from '../core/index.ts';

/** What a pseudonymous subject looks like (privacy's HMAC pseudonyms); anything else is not published. */
export const PSEUDONYM = /^p_[A-Za-z0-9_-]{6,80}$/;

const ATTRIBUTE_KEYS = ['emotion', 'age_band', 'gender'] as const;

export interface PayloadOptions {
  publishAttributes: boolean;
}

export interface PublicPayload {
  json: string;
  /** Fields that were withheld because they did not look anonymous. */
  withheld: string[];
}

function round(n: number | null): number | null {
  return n === null || !Number.isFinite(n) ? null : Math.round(n * 1000) / 1000;
}

/**
 * Only a grant publishes its scores. A denial's exact match and liveness scores would let someone
 * at the door (or on the broker) tune a spoof against them; the local store keeps them for the admin.
 */
const SCORED_TYPES = new Set(['access_granted']);

function shortString(s: unknown, max: number): string | null {
  return typeof s === 'string' ? s.slice(0, max) : null;
}

function attributes(a: EventAttributes | null, enabled: boolean): EventAttributes | null {
  if (!enabled || a === null || typeof a !== 'object') return null;
  const out: EventAttributes = {};
  for (const key of ATTRIBUTE_KEYS) {
    const v = a[key];
    if (typeof v === 'string') out[key] = v.slice(0, 32);
  }
  return Object.keys(out).length > 0 ? out : null;
}

/**
 * The event as published: the contract's fields and nothing else, built field by field so that
 * whatever else an event object carries at run time (a name, an image, an embedding) cannot leak.
 */
export function publicEventPayload(event: FacegateEvent, options: PayloadOptions): PublicPayload {
  const withheld: string[] = [];
  let subject: string | null = null;
  if (typeof event.subject === 'string') {
    if (PSEUDONYM.test(event.subject)) subject = event.subject;
    else withheld.push('subject');
  }
  const scored = SCORED_TYPES.has(event.type);
  const body: FacegateEvent = {
    v: 1,
    id: String(event.id),
    ts: String(event.ts),
    door: String(event.door),
    type: event.type,
    subject,
    score: scored ? round(event.score) : null,
    liveness: scored ? round(event.liveness) : null,
    reason: shortString(event.reason, 200),
    attributes: attributes(event.attributes, options.publishAttributes),
  };
  return { json: JSON.stringify(body), withheld };
}

const DECISION_TYPES = new Set(['access_granted', 'access_denied', 'unknown_face', 'spoof_suspected']);

/** The retained "last decision" message: type, reason and time only. */
export function decisionPayload(event: FacegateEvent): string | null {
  if (!DECISION_TYPES.has(event.type)) return null;
  return JSON.stringify({ type: event.type, reason: shortString(event.reason, 200), ts: event.ts });
}
