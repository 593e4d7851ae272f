import type { Clock } from '../core/index.ts';
import type { AuditLog, AuditRow } from './audit-log.ts';
import type { ConsentRecord, Consents } from './consents.ts';
import type { Snapshots } from './snapshots.ts';

export const SUBJECT_ACCESS_FORMAT = 'facegate.subject-access.v1';

/** What privacy adds to an export from its own tables, and where the export is recorded. */
export interface SubjectAccessSources {
  consents: Pick<Consents, 'history'>;
  snapshots: Pick<Snapshots, 'forPerson'>;
  audit: Pick<AuditLog, 'append' | 'list'>;
  clock: Clock;
}

/** The parts of the person's data held by identity and the event store, already opened. */
export interface SubjectAccessInput {
  personId: string;
  /** Who asked: `admin:<user>`, `cli`… (audit). */
  actor: string;
  person: Record<string, unknown>;
  templates: readonly unknown[];
  events: readonly unknown[];
}

// A type, not an interface: it is a plain JSON record wherever Record<string, unknown> is expected.
export type SubjectAccessDocument = {
  format: typeof SUBJECT_ACCESS_FORMAT;
  exported_at: string;
  person: Record<string, unknown>;
  templates: readonly unknown[];
  consents: ConsentRecord[];
  events: readonly unknown[];
  snapshots: { id: string; event_id: string | null; taken_at: string; mime: string; image_base64: string }[];
  audit: AuditRow[];
};

/**
 * The subject-access document (GDPR Art. 15), and its audit row. The only builder: the admin
 * panel's export and `facegate privacy export` both come here, so they cannot drift apart.
 */
export function subjectAccessDocument(sources: SubjectAccessSources, input: SubjectAccessInput): SubjectAccessDocument {
  const { personId } = input;
  // Snapshots are sealed under the person's key: opened here for the person themself.
  const snapshots = sources.snapshots
    .forPerson(personId)
    .map((s) => ({ id: s.id, event_id: s.event_id, taken_at: s.taken_at, mime: s.mime, image_base64: Buffer.from(s.image).toString('base64') }));
  const doc: SubjectAccessDocument = {
    format: SUBJECT_ACCESS_FORMAT,
    exported_at: new Date(sources.clock.now()).toISOString(),
    person: input.person,
    templates: input.templates,
    consents: sources.consents.history(personId),
    events: input.events,
    snapshots,
    audit: sources.audit.list({ target: personId, limit: 1000 }),
  };
  sources.audit.append({
    actor: input.actor,
    action: 'privacy.export',
    target: personId,
    detail: { templates: input.templates.length, events: input.events.length, snapshots: snapshots.length },
  });
  return doc;
}
