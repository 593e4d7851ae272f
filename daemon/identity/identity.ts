import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { FacegateError, type Box, type BusEvents, type Clock, type EventBus, type FaceObservation, type FrameAnalysis, type Logger, type MatchResult, type PersonAccess, type Service, type WeeklySchedule } from '../core/index.ts';
import type { EventStore } from '../store/index.ts';
import type { AuditLog, ConsentInput, Consents, Pseudonyms, Snapshots } from '../privacy/index.ts';
import { validateProfile, type ProfileInput } from './profile.ts';
import { Gallery } from './gallery/gallery.ts';
import { DraftRepository, newDraftId, type Draft, type DraftProfile } from './drafts.ts';
import { erasePersonData, exportPersonData, type ErasureCounts, type PersonEraser } from './person-data.ts';
import { PersonNotFoundError, PersonRepository, checkPersonId, newPersonId, toAccess, type Person, type PersonProfile, type PersonSealer } from './persons.ts';
import { REFUSAL_TEXT, checkBytes, checkFace, type EnrollSource, type RefusalReason } from './quality.ts';
import type { IdentitySettings } from './settings.ts';
import { loadThresholds, type SecurityLevel, type Thresholds } from './thresholds.ts';
import { FaceTracker, type TrackLiveness } from './tracker.ts';

export interface EnrollPhoto {
  /** For messages only, e.g. the file name. */
  name: string;
  bytes: Uint8Array;
  /** The upload's full size when `bytes` holds only its start (a file too large to read whole). */
  size?: number;
}

export interface PhotoOutcome {
  name: string;
  templateId: string | null;
  reason: RefusalReason | null;
  detail: string | null;
  /** Set when the photo looks like another enrolled person (mislabelled photo, or a look-alike). */
  similarTo: { personId: string; score: number } | null;
  /** The face the verdict is about, in the photo's pixels: the accepted one, or the only one found; null when none or several. */
  box: Box | null;
  /** The decoded photo's size; 0 when it was refused before decoding, or for a camera face (the frame is the caller's). */
  imageWidth: number;
  imageHeight: number;
}

const blankOutcome = (name: string): PhotoOutcome => ({ name, templateId: null, reason: null, detail: null, similarTo: null, box: null, imageWidth: 0, imageHeight: 0 });

/** What vision saw of a photo, for the verdict's drawing: one analysis serves the check and the box. */
const seenIn = (analysis: FrameAnalysis): Pick<PhotoOutcome, 'box' | 'imageWidth' | 'imageHeight'> => ({
  box: analysis.faces.length === 1 ? analysis.faces[0]?.box ?? null : null,
  imageWidth: analysis.width,
  imageHeight: analysis.height,
});

export interface EnrollResult {
  personId: string;
  created: boolean;
  photos: PhotoOutcome[];
}

/** What the panel's "add person" gives: a name, and optionally when and when not. */
export type DraftInput = Pick<ProfileInput, 'validFrom' | 'validUntil' | 'schedule'> & { displayName: string };

export interface EnrollInput extends ProfileInput {
  /** Chosen id; a random UUID when absent. */
  personId?: string;
  displayName: string;
  photos: EnrollPhoto[];
  /** Who enrolls: `admin:<user>`, `cli`, … (audit). */
  actor: string;
  consent?: Omit<ConsentInput, 'personId' | 'recordedBy'>;
}

export interface IdentityDeps {
  /** The store's connection: identity's tables, and one transaction around erasure. */
  db: Database;
  /** The store's event log (on the same db): a person's events go into their export and with their erasure. */
  events: Pick<EventStore, 'forSubject' | 'deleteSubject'>;
  personKeys: PersonSealer;
  pseudonyms: Pick<Pseudonyms, 'subject'>;
  audit: Pick<AuditLog, 'append' | 'list'>;
  consents: Pick<Consents, 'record' | 'history' | 'withdraw'>;
  /** Privacy's sealed snapshots: in the person's export, and gone with their erasure. */
  snapshots: Pick<Snapshots, 'forPerson' | 'deleteForPerson'>;
  /** What rooms identity may not import hold of a person (main.ts: the MQTT outbox), erased with them. */
  erasers?: readonly PersonEraser[];
  /** Vision's pipeline on one encoded photo (main wires it); identity and vision never import each other. */
  analyzeImage(bytes: Uint8Array): Promise<FrameAnalysis>;
  /** Name of the embedder templates come from; templates of another model are not loaded. */
  model: string;
  /** Key of the measured thresholds in the thresholds file: `<embedder>@<variant>`. */
  thresholdsKey?: string;
  settings: IdentitySettings;
  /** Access's schedule check (main wires it; identity and access never import each other). */
  validateSchedule(schedule: WeeklySchedule): WeeklySchedule;
  /** The door the camera watches: verdicts carry it. */
  door: string;
  log: Logger;
  bus: EventBus<BusEvents>;
  clock: Clock;
  onProgress?: (done: number, total: number, name: string) => void;
  /** Multi-frame liveness evidence per track (vision's PAD track check), or none. */
  trackLiveness?: TrackLiveness | null;
}

/** A batch of photos after the checks: every photo's outcome, and the templates to store. */
interface Examined {
  outcomes: PhotoOutcome[];
  accepted: { outcome: PhotoOutcome; embedding: Float32Array }[];
}

export class EnrollmentRefusedError extends FacegateError {
  readonly photos: PhotoOutcome[];
  constructor(photos: PhotoOutcome[]) {
    const lines = photos.map((p) => `  ${p.name}: ${p.detail ?? p.reason}`);
    super('enroll_refused', `no photo could be enrolled; nothing was saved\n${lines.join('\n')}`, { exitCode: 65 });
    this.photos = photos;
  }
}

export interface Identity extends Service {
  readonly gallery: Gallery | null;
  readonly thresholds: Thresholds;
  /** Ids of persons or templates that could not be opened at the last start (tampered, key lost). */
  readonly unreadable: readonly string[];
  /** 1:N search with the security level's (or the person's own) threshold. */
  match(embedding: Float32Array): MatchResult;
  /** The match threshold for everyone without their own: the level's, or identity.match_threshold when set (which wins). */
  readonly levelThreshold: number;
  /** Takes a new access.security_level now: the next match uses its threshold. */
  setSecurityLevel(level: SecurityLevel): void;
  /** Feeds one analysed frame to the tracker; verdicts go to the bus ('verdict'). */
  observe(analysis: FrameAnalysis): void;
  /** Photos are the `upload` source: the presentation-attack check applies only if require_liveness.upload. */
  enroll(input: EnrollInput): Promise<EnrollResult>;
  addPhotos(personId: string, photos: EnrollPhoto[], actor: string): Promise<EnrollResult>;
  /** A template from a face the camera saw (admin "enroll from camera"), the `camera` source; checked like a photo's. */
  addFace(personId: string, face: FaceObservation, actor: string): PhotoOutcome;
  people: {
    list(): Person[];
    get(personId: string): Person;
    update(personId: string, patch: Partial<ProfileInput> & { displayName?: string }, actor: string): Person;
    removeTemplate(personId: string, templateId: string, actor: string): void;
    access(personId: string): PersonAccess | null;
  };
  /** People added before their first accepted photo (the panel's "add person"): stored sealed, not in the gallery, no access. */
  drafts: {
    has(draftId: string): boolean;
    list(): Draft[];
    get(draftId: string): Draft;
    create(input: DraftInput, actor: string): Draft;
    update(draftId: string, patch: Partial<DraftInput>, actor: string): Draft;
    /** The draft becomes a person (same id and key) with its first accepted photos; if none is accepted it stays a draft. */
    enroll(draftId: string, photos: EnrollPhoto[], actor: string): Promise<EnrollResult>;
  };
  /** Retention: drafts made before the cutoff are erased, keys and all; returns how many went. */
  purgeDraftsBefore(cutoffIso: string): number;
  /** Subject-access export (of a person or a draft): everything stored about them, opened, as privacy's one document. */
  exportPerson(personId: string, actor: string): Record<string, unknown>;
  /** Erasure (of a person or a draft): rows, events, snapshots, what the erasers reach and the key, in one transaction, with an audit row. */
  erasePerson(personId: string, actor: string): ErasureCounts;
  /** Decrypts every person and template from the store into the gallery, then follows bus 'analysis'. */
  start(): void;
  stop(): void;
}

export function createIdentity(deps: IdentityDeps): Identity {
  const { db, log, bus, clock, settings } = deps;
  const repo = new PersonRepository(db, deps.personKeys);
  const drafts = new DraftRepository(db, deps.personKeys);
  const data = { ...deps, repo, drafts, erasers: deps.erasers ?? [] };
  const { thresholds, source } = loadThresholds(settings.thresholdsFile, log, deps.thresholdsKey ?? deps.model);
  // The panel (and Home Assistant's select, through it) can change the level while the daemon runs.
  let levelThreshold = settings.matchThreshold ?? thresholds[settings.securityLevel];
  const people = new Map<string, Person>();
  let gallery: Gallery | null = null;
  const tracker = new FaceTracker(deps.door, settings.tracker, deps.trackLiveness ?? null);
  const iso = (): string => new Date(clock.now()).toISOString();

  const thresholdOf = (personId: string): number => people.get(personId)?.threshold ?? levelThreshold;

  const galleryFor = (dim: number): Gallery => {
    gallery ??= new Gallery(dim);
    return gallery;
  };

  let unreadableRows: string[] = [];
  const load = (): void => {
    people.clear();
    gallery = null;
    // One unreadable row (tampered, or its key share lost) must not keep the door from working for everyone else.
    const unreadable: string[] = [];
    const onError = (id: string, err: unknown): void => {
      unreadable.push(id);
      log.error({ id, err: (err as Error).message }, 'a sealed person or template cannot be opened; it is left out of the gallery');
    };
    for (const p of repo.list(onError)) people.set(p.id, p);
    let skipped = 0;
    for (const t of repo.templates(undefined, onError)) {
      if (!people.has(t.personId)) continue;
      if (t.model !== deps.model) {
        skipped += 1;
        continue;
      }
      galleryFor(t.embedding.length).add(t.personId, t.id, t.embedding);
    }
    unreadableRows = unreadable;
    if (skipped > 0) log.warn({ skipped, model: deps.model }, 'templates made by another face model were not loaded: re-enroll those persons');
    log.info({ persons: people.size, templates: (gallery as Gallery | null)?.size ?? 0, threshold: levelThreshold, thresholds: source }, 'gallery loaded');
  };

  const match = (embedding: Float32Array): MatchResult => {
    if (!gallery || gallery.size === 0 || embedding.length !== gallery.dim) return { personId: null, score: 0, margin: 0 };
    const hit = gallery.search(embedding);
    const margin = hit.score - hit.secondScore;
    const ok = hit.personId !== null && hit.score >= thresholdOf(hit.personId) && margin >= settings.minMargin;
    return { personId: ok ? hit.personId : null, score: hit.score, margin };
  };

  /** Another enrolled person this embedding already matches, if any. */
  const similarOther = (embedding: Float32Array, personId: string): { personId: string; score: number } | null => {
    if (!gallery || gallery.size === 0 || embedding.length !== gallery.dim) return null;
    const hit = gallery.search(embedding);
    const other = hit.personId === personId ? hit.secondPersonId : hit.personId;
    const score = hit.personId === personId ? hit.secondScore : hit.score;
    if (other === null || score < thresholdOf(other)) return null;
    return { personId: other, score: Math.round(score * 1000) / 1000 };
  };

  /** Runs the checks on a batch of photos; returns what to store, touches nothing. */
  const examine = async (personId: string, photos: EnrollPhoto[]): Promise<Examined> => {
    if (photos.length === 0) throw new FacegateError('enroll_input', 'no photos given', { exitCode: 64 });
    const outcomes: PhotoOutcome[] = [];
    const accepted: { outcome: PhotoOutcome; embedding: Float32Array }[] = [];
    let done = 0;
    for (const photo of photos) {
      const outcome = blankOutcome(photo.name);
      outcomes.push(outcome);
      const early = checkBytes(photo.bytes, settings.quality, photo.size);
      let checked = early;
      if (!checked) {
        try {
          const analysis = await deps.analyzeImage(photo.bytes);
          Object.assign(outcome, seenIn(analysis));
          checked = checkFace(analysis, settings.quality, gallery?.dim ?? accepted[0]?.embedding.length ?? null, 'upload');
        } catch (err) {
          log.debug({ err, photo: photo.name }, 'photo could not be analysed');
          checked = { ok: false, reason: 'unreadable_image', detail: `${REFUSAL_TEXT.unreadable_image}: ${(err as Error).message.split('\n')[0]}` };
        }
      }
      if (checked.ok) {
        outcome.templateId = randomUUID();
        outcome.box = checked.face.box;
        outcome.similarTo = similarOther(checked.face.embedding, personId);
        accepted.push({ outcome, embedding: Float32Array.from(checked.face.embedding) });
      } else {
        outcome.reason = checked.reason;
        outcome.detail = checked.detail;
      }
      done += 1;
      deps.onProgress?.(done, photos.length, photo.name);
    }
    return { outcomes, accepted };
  };

  /** Stores accepted templates (inside the caller's transaction). */
  const storeTemplates = (personId: string, accepted: { outcome: PhotoOutcome; embedding: Float32Array }[], now: string): void => {
    for (const a of accepted) {
      repo.insertTemplate({ id: a.outcome.templateId as string, personId, model: deps.model, embedding: a.embedding, createdAt: now });
    }
  };

  const addToGallery = (personId: string, accepted: { outcome: PhotoOutcome; embedding: Float32Array }[]): void => {
    for (const a of accepted) galleryFor(a.embedding.length).add(personId, a.outcome.templateId as string, a.embedding);
  };

  /** A new person with their first accepted photos: `insert` writes their row, inside the one transaction. */
  const commitNewPerson = (personId: string, examined: Examined, actor: string, insert: (now: string) => void): EnrollResult => {
    const { outcomes, accepted } = examined;
    if (accepted.length === 0) throw new EnrollmentRefusedError(outcomes);
    const now = iso();
    db.transaction(() => {
      insert(now);
      storeTemplates(personId, accepted, now);
      deps.audit.append({ actor, action: 'person.enroll', target: personId, detail: auditPhotos(outcomes, 'upload') });
    })();
    addToGallery(personId, accepted);
    refresh(personId);
    log.info({ personId, templates: accepted.length, refused: outcomes.length - accepted.length }, 'person enrolled');
    return { personId, created: true, photos: outcomes };
  };

  const draftOf = (draftId: string): Draft => {
    const draft = drafts.get(draftId);
    if (!draft) throw new PersonNotFoundError(draftId);
    return draft;
  };

  const draftProfile = (input: DraftInput): DraftProfile => {
    const { displayName, validFrom, validUntil, schedule } = validateProfile(input, deps.validateSchedule);
    return { displayName, validFrom, validUntil, schedule };
  };

  const refresh = (personId: string): Person => {
    const p = repo.require(personId);
    people.set(personId, p);
    return p;
  };

  // The source says whether the presentation-attack check applied (require_liveness is per source).
  const auditPhotos = (outcomes: PhotoOutcome[], source: EnrollSource): Record<string, unknown> => ({
    source,
    accepted: outcomes.filter((o) => o.templateId).length,
    refused: outcomes.filter((o) => o.reason).map((o) => o.reason),
    similar_to: outcomes.filter((o) => o.similarTo).map((o) => o.similarTo?.personId),
  });

  const addPhotos = async (personId: string, photos: EnrollPhoto[], actor: string): Promise<EnrollResult> => {
    if (!people.has(personId)) throw new PersonNotFoundError(personId);
    const { outcomes, accepted } = await examine(personId, photos);
    if (accepted.length === 0) throw new EnrollmentRefusedError(outcomes);
    const now = iso();
    db.transaction(() => {
      if (!repo.exists(personId)) throw new PersonNotFoundError(personId);
      storeTemplates(personId, accepted, now);
      deps.audit.append({ actor, action: 'person.templates.add', target: personId, detail: auditPhotos(outcomes, 'upload') });
    })();
    addToGallery(personId, accepted);
    refresh(personId);
    return { personId, created: false, photos: outcomes };
  };

  const identity: Identity = {
    get gallery() {
      return gallery;
    },
    thresholds,
    get unreadable() {
      return unreadableRows;
    },
    match,
    get levelThreshold() {
      return levelThreshold;
    },
    setSecurityLevel(level) {
      const before = levelThreshold;
      levelThreshold = settings.matchThreshold ?? thresholds[level];
      log.info({ securityLevel: level, threshold: levelThreshold, before, overridden: settings.matchThreshold !== null }, 'security level changed');
    },

    observe(analysis) {
      // Track windows and timeouts are durations: monotonic capture time, or arrival time without one.
      const at = analysis.capturedMono ?? clock.monotonic();
      for (const verdict of tracker.update(at, analysis.faces, match)) bus.emit('verdict', verdict);
    },

    async enroll(input) {
      const personId = input.personId === undefined ? newPersonId() : checkPersonId(input.personId);
      const profile = validateProfile({ ...input, displayName: input.displayName }, deps.validateSchedule);
      if (repo.exists(personId)) throw new FacegateError('person_exists', `a person with id ${JSON.stringify(personId)} is already enrolled; add photos to them instead`, { exitCode: 65 });
      if (drafts.exists(personId)) throw new FacegateError('person_exists', `a person with id ${JSON.stringify(personId)} was added and waits for a first photo; add photos to them instead`, { exitCode: 65 });
      const examined = await examine(personId, input.photos);
      return commitNewPerson(personId, examined, input.actor, (now) => {
        repo.insert(personId, profile, now);
        if (input.consent) deps.consents.record({ ...input.consent, personId, recordedBy: input.actor });
      });
    },

    addPhotos,

    addFace(personId, face, actor) {
      if (!people.has(personId)) throw new PersonNotFoundError(personId);
      const analysis: FrameAnalysis = { frameSeq: 0, capturedAt: clock.now(), analysedAt: clock.now(), width: 0, height: 0, faces: [face], timings: {} };
      const checked = checkFace(analysis, settings.quality, gallery?.dim ?? null, 'camera');
      const outcome: PhotoOutcome = { ...blankOutcome('camera'), box: face.box };
      if (!checked.ok) throw new EnrollmentRefusedError([{ ...outcome, reason: checked.reason, detail: checked.detail }]);
      outcome.templateId = randomUUID();
      outcome.similarTo = similarOther(checked.face.embedding, personId);
      const accepted = [{ outcome, embedding: Float32Array.from(checked.face.embedding) }];
      db.transaction(() => {
        storeTemplates(personId, accepted, iso());
        deps.audit.append({ actor, action: 'person.templates.add', target: personId, detail: auditPhotos([outcome], 'camera') });
      })();
      addToGallery(personId, accepted);
      refresh(personId);
      return outcome;
    },

    people: {
      list: () => [...people.values()],
      get(personId) {
        const p = people.get(personId);
        if (!p) throw new PersonNotFoundError(personId);
        return p;
      },
      update(personId, patch, actor) {
        const current = people.get(personId);
        if (!current) throw new PersonNotFoundError(personId);
        const merged: PersonProfile = validateProfile({
          displayName: patch.displayName ?? current.displayName,
          enabled: patch.enabled ?? current.enabled,
          validFrom: patch.validFrom === undefined ? current.validFrom : patch.validFrom,
          validUntil: patch.validUntil === undefined ? current.validUntil : patch.validUntil,
          schedule: patch.schedule === undefined ? current.schedule : patch.schedule,
          threshold: patch.threshold === undefined ? current.threshold : patch.threshold,
        }, deps.validateSchedule);
        db.transaction(() => {
          repo.update(personId, merged, iso());
          deps.audit.append({ actor, action: 'person.update', target: personId, detail: { fields: Object.keys(patch) } });
        })();
        return refresh(personId);
      },
      removeTemplate(personId, templateId, actor) {
        if (!people.has(personId)) throw new PersonNotFoundError(personId);
        db.transaction(() => {
          if (!repo.deleteTemplate(personId, templateId)) throw new FacegateError('template_not_found', `person ${personId} has no template ${JSON.stringify(templateId)}`, { exitCode: 66 });
          deps.audit.append({ actor, action: 'person.templates.remove', target: personId, detail: { template: templateId } });
        })();
        gallery?.removeTemplate(templateId);
        refresh(personId);
      },
      access(personId) {
        const p = people.get(personId);
        return p ? toAccess(p) : null;
      },
    },

    drafts: {
      has: (draftId) => drafts.exists(draftId),
      list: () => drafts.list((id, err) => log.error({ id, err: (err as Error).message }, 'a sealed draft cannot be opened; it is not listed')),
      get: (draftId) => draftOf(draftId),
      create(input, actor) {
        const profile = draftProfile(input);
        const draftId = newDraftId();
        db.transaction(() => {
          drafts.insert(draftId, profile, iso());
          deps.audit.append({ actor, action: 'person.draft.create', target: draftId });
        })();
        return draftOf(draftId);
      },
      update(draftId, patch, actor) {
        const current = draftOf(draftId);
        const profile = draftProfile({ ...current, ...patch });
        db.transaction(() => {
          drafts.update(draftId, profile, iso());
          deps.audit.append({ actor, action: 'person.draft.update', target: draftId, detail: { fields: Object.keys(patch) } });
        })();
        return draftOf(draftId);
      },
      async enroll(draftId, photos, actor) {
        const profile = validateProfile(draftOf(draftId), deps.validateSchedule);
        const examined = await examine(draftId, photos);
        return commitNewPerson(draftId, examined, actor, (now) => {
          // Erased while its photos were examined: there is nobody to enroll.
          if (!drafts.delete(draftId)) throw new PersonNotFoundError(draftId);
          repo.insertUnderExistingKey(draftId, profile, now);
        });
      },
    },

    purgeDraftsBefore(cutoffIso) {
      const old = drafts.createdBefore(cutoffIso);
      for (const draftId of old) identity.erasePerson(draftId, 'daemon');
      return old.length;
    },

    exportPerson: (personId, actor) => exportPersonData(data, personId, actor),

    erasePerson(personId, actor) {
      if (!repo.exists(personId) && !drafts.exists(personId)) throw new PersonNotFoundError(personId);
      const counts = erasePersonData(data, personId, actor);
      // The checkpoint inside the transaction could not run: now the erased rows leave the WAL too.
      db.pragma('wal_checkpoint(TRUNCATE)');
      gallery?.removePerson(personId);
      people.delete(personId);
      log.info({ personId, ...counts }, 'person erased');
      return counts;
    },

    start() {
      load();
      off ??= bus.on('analysis', (a) => identity.observe(a));
    },
    stop() {
      off?.();
      off = null;
      tracker.reset();
    },
  };
  let off: (() => void) | null = null;
  return identity;
}
