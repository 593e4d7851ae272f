import { makeEvent, systemClock } from '../../daemon/core/index.ts';
import { openDatabase } from '../../daemon/store/index.ts';
import { AuditLog, Consents, DeviceKeys, PersonKeys, Pseudonyms, Snapshots } from '../../daemon/privacy/index.ts';
import { DraftRepository, PersonRepository } from '../../daemon/identity/index.ts';
import { OsdpStore } from '../../daemon/osdp/index.ts';
import type { RunningDaemon } from '../../daemon/main.ts';
import { isolatedEnv } from './daemon.ts';
import { quietLog as log } from './privacy.ts';

/** A person as the store knows them: their id, and the pseudonym their events carry. */
export interface Who {
  id: string;
  subject: string;
}

export const ALICE = 'alice-7f3kq';
export const BOB = 'bob-2q9zx';
/** Drafts (added in the panel, no photo accepted yet): ids that hold neither person's id. */
export const ALICE_DRAFT = 'p_draft-alice-4m8wd';
export const BOB_DRAFT = 'p_draft-bob-6t1hn';

/**
 * Alice and Bob enrolled as identity stores them (profile, a template, the person key), each with
 * a consent, an audit row, a snapshot and an OSDP card credential, and a draft of each (a sealed profile and its key);
 * written before a daemon starts on `dir`.
 */
export function seedPeople(dir: string): { alice: Who; bob: Who; aliceDraft: Who; bobDraft: Who } {
  const db = openDatabase(dir);
  const keys = DeviceKeys.open({ dataDir: dir, env: {}, log, db });
  const personKeys = new PersonKeys(db, keys, log);
  const repo = new PersonRepository(db, personKeys);
  const drafts = new DraftRepository(db, personKeys);
  const consents = new Consents(db);
  const snapshots = new Snapshots(db, personKeys);
  const audit = new AuditLog(db);
  const osdp = new OsdpStore({ db, persons: personKeys, deviceKey: keys.stableKey('osdp.scbk'), clock: systemClock });
  const now = new Date().toISOString();
  for (const id of [ALICE, BOB]) {
    repo.insert(id, { displayName: `Name of ${id}`, enabled: true, validFrom: null, validUntil: null, schedule: null, threshold: null }, now);
    repo.insertTemplate({ id: `${id}-t1`, personId: id, model: 'test-embedder', embedding: new Float32Array(8).fill(0.25), createdAt: now });
    consents.record({ personId: id, basis: 'explicit_consent', method: 'in_person_signed', noticeVersion: '2026-01', recordedBy: 'admin:test' });
    audit.append({ actor: 'admin:test', action: 'person.enroll', target: id });
    snapshots.put({ image: Buffer.from(`${id}-jpeg`), mime: 'image/jpeg', personId: id });
    osdp.setCredential(id, { format: 'wiegand26', facility: 1, card: id.length });
  }
  for (const id of [ALICE_DRAFT, BOB_DRAFT]) drafts.insert(id, { displayName: `Name of ${id}`, validFrom: null, validUntil: null, schedule: null }, now);
  const pseudonyms = new Pseudonyms(keys.pseudonymSecret);
  db.close();
  const who = (id: string): Who => ({ id, subject: pseudonyms.subject(id) });
  return { alice: who(ALICE), bob: who(BOB), aliceDraft: who(ALICE_DRAFT), bobDraft: who(BOB_DRAFT) };
}

/** A daemon on `dir` without camera; MQTT pointed where nothing listens, so published events stay in the outbox. */
export function personDataEnv(dir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return isolatedEnv(dir, {
    FACEGATE_DAEMON__LOG_LEVEL: 'silent',
    FACEGATE_MQTT__URL: 'mqtt://127.0.0.1:9',
    FACEGATE_DOORS: '[{id: front, name: Front, driver: simulated}]',
    ...extra,
  });
}

/** What the door does with a person: a grant (events, MQTT outbox) and the unlock it causes (audit). */
export function passBy(daemon: RunningDaemon, who: Who): void {
  daemon.bus.emit('event', makeEvent({ door: 'front', type: 'access_granted', subject: who.subject, score: 0.8, liveness: 0.9, reason: 'match' }));
  daemon.bus.emit('event', makeEvent({ door: 'front', type: 'door_unlocked', subject: who.subject, reason: 'face' }));
}
