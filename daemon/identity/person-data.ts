import type { Database } from 'better-sqlite3';
import type { Clock } from '../core/index.ts';
import type { EventStore } from '../store/index.ts';
import { subjectAccessDocument, type AuditLog, type Consents, type Pseudonyms, type Snapshots, type SubjectAccessDocument } from '../privacy/index.ts';
import type { Draft, DraftRepository } from './drafts.ts';
import type { PersonRepository, PersonSealer } from './persons.ts';

/** A person's data in a room identity may not import (the MQTT outbox, the OSDP card): main.ts wires its delete (and export) in. */
export interface PersonEraser {
  /** The table it clears of the person: the key of its count, and of its part in the person's export. */
  table: string;
  erase(person: { personId: string; subject: string }): number;
  /** What the table holds of the person, opened, for the subject-access export; absent: nothing the export lacks (the outbox holds events). */
  exportData?(person: { personId: string; subject: string }): unknown;
}

export type ErasureCounts = { templates: number; events: number; snapshots: number } & Record<string, number>;

export interface PersonDataDeps {
  db: Database;
  repo: PersonRepository;
  drafts: DraftRepository;
  events: Pick<EventStore, 'forSubject' | 'deleteSubject'>;
  personKeys: PersonSealer;
  pseudonyms: Pick<Pseudonyms, 'subject'>;
  audit: Pick<AuditLog, 'append' | 'list'>;
  consents: Pick<Consents, 'history' | 'withdraw'>;
  snapshots: Pick<Snapshots, 'forPerson' | 'deleteForPerson'>;
  erasers: readonly PersonEraser[];
  clock: Clock;
}

/** Subject-access export: identity's part (profile, templates) and the person's events, into privacy's one document. */
export function exportPersonData(d: PersonDataDeps, personId: string, actor: string): SubjectAccessDocument {
  const draft = d.repo.exists(personId) ? null : d.drafts.get(personId);
  if (draft) return exportDraft(d, draft, actor);
  const person = d.repo.require(personId);
  const subject = d.pseudonyms.subject(personId);
  return subjectAccessDocument(d, {
    personId,
    actor,
    person: {
      id: person.id,
      subject,
      display_name: person.displayName,
      enabled: person.enabled,
      valid_from: person.validFrom,
      valid_until: person.validUntil,
      schedule: person.schedule,
      threshold: person.threshold,
      created_at: person.createdAt,
      updated_at: person.updatedAt,
      ...Object.fromEntries(d.erasers.flatMap((e) => (e.exportData ? [[e.table, e.exportData({ personId, subject })]] : []))),
    },
    templates: d.repo
      .templates(personId)
      .map((t) => ({ id: t.id, model: t.model, dim: t.embedding.length, created_at: t.createdAt, embedding: Array.from(t.embedding) })),
    events: d.events.forSubject(subject),
  });
}

/** A draft has a profile only: no template, and no event (it never matched). */
function exportDraft(d: PersonDataDeps, draft: Draft, actor: string): SubjectAccessDocument {
  return subjectAccessDocument(d, {
    personId: draft.id,
    actor,
    person: {
      id: draft.id,
      subject: d.pseudonyms.subject(draft.id),
      display_name: draft.displayName,
      enrolled: false,
      valid_from: draft.validFrom,
      valid_until: draft.validUntil,
      schedule: draft.schedule,
      created_at: draft.createdAt,
      updated_at: draft.updatedAt,
    },
    templates: [],
    events: [],
  });
}

/**
 * Erasure, in one transaction: the person's (or draft's) rows, their events and snapshots, what other rooms
 * hold of them (erasers), their consents withdrawn (the records stay: Art. 7(1)), an audit row,
 * and last their key. Consents and the audit chain are kept on purpose (docs/PRIVACY.md).
 */
export function erasePersonData(d: PersonDataDeps, personId: string, actor: string): ErasureCounts {
  const subject = d.pseudonyms.subject(personId);
  let counts: ErasureCounts = { templates: 0, events: 0, snapshots: 0 };
  d.db.transaction(() => {
    const templates = d.repo.templateCount(personId);
    d.repo.deletePerson(personId);
    d.drafts.delete(personId);
    counts = { templates, events: d.events.deleteSubject(subject), snapshots: d.snapshots.deleteForPerson(personId) };
    for (const eraser of d.erasers) counts[eraser.table] = eraser.erase({ personId, subject });
    d.consents.withdraw(personId, actor);
    d.audit.append({ actor, action: 'person.erase', target: personId, detail: counts });
    // Last, because shredding the key share cannot be rolled back.
    d.personKeys.destroy(personId);
  })();
  return counts;
}
