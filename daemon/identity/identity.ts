import { randomUUID } from 'node:crypto';
import { FacegateError, type FrameAnalysis, type MatchResult } from '../core/index.ts';
import { validateProfile } from './profile.ts';
import { Gallery } from './gallery/gallery.ts';
import { DraftRepository, newDraftId, type Draft, type DraftProfile } from './drafts.ts';
import { erasePersonData, exportPersonData } from './person-data.ts';
import { PersonNotFoundError, PersonRepository, checkPersonId, newPersonId, toAccess, type Person, type PersonProfile } from './persons.ts';
import { REFUSAL_TEXT, checkBytes, checkFace, type EnrollSource } from './quality.ts';
import { loadThresholds } from './thresholds.ts';
import { FaceTracker } from './tracker.ts';
import {
  EnrollmentRefusedError,
  type DraftInput,
  type EnrollPhoto,
  type EnrollResult,
  type Identity,
  type IdentityDeps,
  type PhotoOutcome,
} from './contracts.ts';

const blankOutcome = (name: string): PhotoOutcome => ({
  name,
  templateId: null,
  reason: null,
  detail: null,
  similarTo: null,
  box: null,
  imageWidth: 0,
  imageHeight: 0,
});

/** What vision saw of a photo, for the verdict's drawing: one analysis serves the check and the box. */
const seenIn = (analysis: FrameAnalysis): Pick<PhotoOutcome, 'box' | 'imageWidth' | 'imageHeight'> => ({
  box: analysis.faces.length === 1 ? (analysis.faces[0]?.box ?? null) : null,
  imageWidth: analysis.width,
  imageHeight: analysis.height,
});

/** A batch of photos after the checks: every photo's outcome, and the templates to store. */
interface Examined {
  outcomes: PhotoOutcome[];
  accepted: { outcome: PhotoOutcome; embedding: Float32Array }[];
}

export function createIdentity(deps: IdentityDeps): Identity {
  const { db, log, bus, clock, settings } = deps;
  const repo = new PersonRepository(db, deps.personKeys);
  const drafts = new DraftRepository(db, deps.personKeys);
  const data = { ...deps, repo, drafts, erasers: deps.erasers ?? [] };
  const { thresholds, source } = loadThresholds(settings.thresholdsFile, log, deps.thresholdsKey ?? deps.model);
  // The panel (and Home Assistant's select, through it) can change the level while the daemon runs.
  let securityLevel = settings.securityLevel;
  let levelThreshold = settings.matchThreshold ?? thresholds[securityLevel];
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
    get securityLevel() {
      return securityLevel;
    },
    setSecurityLevel(level) {
      const before = levelThreshold;
      securityLevel = level;
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
      if (repo.exists(personId))
        throw new FacegateError('person_exists', `a person with id ${JSON.stringify(personId)} is already enrolled; add photos to them instead`, {
          exitCode: 65,
        });
      if (drafts.exists(personId))
        throw new FacegateError(
          'person_exists',
          `a person with id ${JSON.stringify(personId)} was added and waits for a first photo; add photos to them instead`,
          { exitCode: 65 },
        );
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
        const merged: PersonProfile = validateProfile(
          {
            displayName: patch.displayName ?? current.displayName,
            enabled: patch.enabled ?? current.enabled,
            validFrom: patch.validFrom === undefined ? current.validFrom : patch.validFrom,
            validUntil: patch.validUntil === undefined ? current.validUntil : patch.validUntil,
            schedule: patch.schedule === undefined ? current.schedule : patch.schedule,
            threshold: patch.threshold === undefined ? current.threshold : patch.threshold,
          },
          deps.validateSchedule,
        );
        db.transaction(() => {
          repo.update(personId, merged, iso());
          deps.audit.append({ actor, action: 'person.update', target: personId, detail: { fields: Object.keys(patch) } });
        })();
        return refresh(personId);
      },
      removeTemplate(personId, templateId, actor) {
        if (!people.has(personId)) throw new PersonNotFoundError(personId);
        db.transaction(() => {
          if (!repo.deleteTemplate(personId, templateId))
            throw new FacegateError('template_not_found', `person ${personId} has no template ${JSON.stringify(templateId)}`, { exitCode: 66 });
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
