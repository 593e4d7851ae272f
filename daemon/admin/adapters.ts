/**
 * The admin interfaces over the real rooms, for main.ts: identity for people, door for doors.
 * Kept here (admin may import rooms to its left) so main.ts stays a list of wiring lines.
 */
import { EnrollmentRefusedError, FacegateError, PersonNotFoundError, REFUSAL_TEXT, SECURITY_LEVELS } from './deps.ts';
import type { BusEvents, Clock, EventBus, Doors, FaceObservation, Identity, IdentityDraft, IdentityPerson, PhotoOutcome, RefusalReason } from './deps.ts';
import {
  ServiceError,
  type AdaptationView,
  type CalibrationService,
  type DoorService,
  type PadAdaptationService,
  type NewPerson,
  type PadSelftestService,
  type PeopleService,
  type Person,
  type QualityVerdict,
  type SelftestView,
  type TemplateResult,
} from './services.ts';

const toPerson = (p: IdentityPerson | IdentityDraft): Person => ({
  id: p.id,
  name: p.displayName,
  validFrom: p.validFrom,
  validUntil: p.validUntil,
  schedule: p.schedule,
  templates: 'templates' in p ? p.templates : 0,
  createdAt: p.createdAt,
});

/** Identity's own errors become 409/422 with its message; anything else stays a 500. */
function translate(err: unknown): never {
  if (err instanceof FacegateError && !(err instanceof PersonNotFoundError)) {
    throw new ServiceError(err.code === 'person_exists' ? 'conflict' : 'invalid', err.message.split('\n')[0] ?? err.message);
  }
  throw err;
}

async function orNull<T>(fn: () => T | Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof PersonNotFoundError) return null;
    return translate(err);
  }
}

export interface CameraFace {
  face: FaceObservation | null;
  /** Faces seen (0, 1 or more): enrollment wants exactly one. */
  faces: number;
  width: number;
  height: number;
  jpeg: Uint8Array | null;
}

export interface IdentityPeopleOptions {
  /** The next analysed camera frame of the door; absent when no camera runs. */
  nextCameraFace?: () => Promise<CameraFace>;
}

/**
 * Identity enrolls a person only with a first accepted photo ("nothing saved" otherwise), so a person
 * added from the panel is one of identity's drafts (stored sealed) until their first template is accepted.
 */
export function identityPeople(identity: Identity, options: IdentityPeopleOptions = {}): PeopleService {
  // Identity's outcome carries what vision saw (box, image size): the photo is analysed once.
  function verdictFor(outcome: PhotoOutcome | undefined, refusal: RefusalReason | null): QualityVerdict {
    const reasons = refusal ? [outcome?.detail ?? REFUSAL_TEXT[refusal]] : [];
    return { ok: refusal === null, reasons, box: outcome?.box ?? null, imageWidth: outcome?.imageWidth ?? 0, imageHeight: outcome?.imageHeight ?? 0 };
  }

  const isDraft = (id: string): boolean => identity.drafts.has(id);

  const templatesOf = (id: string): number => {
    try {
      return identity.people.get(id).templates;
    } catch {
      return 0;
    }
  };

  /** A change to a person, or to a draft when the id is one: either way the stored record. */
  const edit = (
    id: string,
    patch: { displayName?: string; validFrom?: string | null; validUntil?: string | null; schedule?: Person['schedule'] },
    actor: string,
  ) => orNull(() => toPerson(isDraft(id) ? identity.drafts.update(id, patch, actor) : identity.people.update(id, patch, actor)));

  return {
    list: () => [...identity.people.list(), ...identity.drafts.list()].map(toPerson),
    get: (id) => orNull(() => toPerson(isDraft(id) ? identity.drafts.get(id) : identity.people.get(id))),
    create(input: NewPerson, actor) {
      const draft = { displayName: input.name, validFrom: input.validFrom ?? null, validUntil: input.validUntil ?? null, schedule: input.schedule ?? null };
      try {
        return toPerson(identity.drafts.create(draft, actor));
      } catch (err) {
        return translate(err);
      }
    },
    rename: (id, name, actor) => edit(id, { displayName: name }, actor),
    setValidity: (id, v, actor) => edit(id, { validFrom: v.validFrom, validUntil: v.validUntil }, actor),
    setSchedule: (id, schedule, actor) => edit(id, { schedule }, actor),
    async addTemplateFromPhoto(id, bytes, actor) {
      let outcome: PhotoOutcome | undefined;
      try {
        const photos = [{ name: 'upload', bytes }];
        const r = isDraft(id) ? await identity.drafts.enroll(id, photos, actor) : await identity.addPhotos(id, photos, actor);
        outcome = r.photos[0];
      } catch (err) {
        if (err instanceof PersonNotFoundError) return null;
        if (!(err instanceof EnrollmentRefusedError)) return translate(err);
        outcome = err.photos[0];
      }
      const added = outcome?.templateId !== null && outcome?.templateId !== undefined;
      const verdict = verdictFor(outcome, added ? null : (outcome?.reason ?? 'poor_quality'));
      if (added && outcome?.similarTo)
        verdict.reasons.push(`looks like another enrolled person (score ${outcome.similarTo.score.toFixed(2)}); check the photo`);
      return { added, verdict, templates: templatesOf(id) } satisfies TemplateResult;
    },
    async addTemplateFromCamera(id, actor) {
      if (!(await this.get(id))) return null;
      if (!options.nextCameraFace) throw new ServiceError('unavailable', 'no camera is running; enroll from photos instead');
      if (isDraft(id)) throw new ServiceError('conflict', 'add a first photo before camera templates (identity stores a person with a photo)');
      const cam = await options.nextCameraFace();
      const base = { imageWidth: cam.width, imageHeight: cam.height };
      if (!cam.face || cam.faces !== 1) {
        const why = cam.faces === 0 ? REFUSAL_TEXT.no_face : REFUSAL_TEXT.several_faces;
        return { added: false, templates: templatesOf(id), previewJpeg: cam.jpeg, verdict: { ok: false, reasons: [why], box: cam.face?.box ?? null, ...base } };
      }
      try {
        identity.addFace(id, cam.face, actor);
        return { added: true, templates: templatesOf(id), previewJpeg: cam.jpeg, verdict: { ok: true, reasons: [], box: cam.face.box, ...base } };
      } catch (err) {
        if (err instanceof PersonNotFoundError) return null;
        if (!(err instanceof EnrollmentRefusedError)) return translate(err);
        const o = err.photos[0];
        return {
          added: false,
          templates: templatesOf(id),
          previewJpeg: cam.jpeg,
          verdict: { ok: false, reasons: [o?.detail ?? REFUSAL_TEXT[o?.reason ?? 'poor_quality']], box: cam.face.box, ...base },
        };
      }
    },
    // Identity erases a person or a draft alike: rows, and the key destroyed.
    erase: async (id, actor) => (await orNull(() => identity.erasePerson(id, actor))) !== null,
    export: (id, actor) => orNull(() => identity.exportPerson(id, actor)),
  };
}

/** The door room's Doors behind DoorService; a stopped door or a refused hold is a clear 409/422. */
export function doorService(doors: Doors): DoorService {
  const run = <T>(id: string, fn: () => T): T | null => {
    if (!doors.has(id)) return null;
    try {
      return fn();
    } catch (err) {
      if (err instanceof FacegateError) throw new ServiceError(err.code === 'door_stopped' ? 'conflict' : 'invalid', err.message);
      throw err;
    }
  };
  return {
    list: () => doors.list(),
    status: (id) => (doors.has(id) ? doors.status(id) : null),
    unlock: (id, actor) => run(id, () => doors.get(id).unlock({ kind: 'api', actor })),
    holdUnlockedUntil: (id, until, actor) =>
      run(id, () => {
        doors.get(id).holdUnlockedUntil(until, actor);
        return true;
      }),
    setLockdown: (id, on, actor) =>
      run(id, () => {
        doors.get(id).setLockdown(on, actor);
        return true;
      }),
  };
}

/**
 * The thresholds a door's faces are decided by now: identity's (one for every door; a person's own
 * threshold is not shown) and access's PAD threshold. `fixedMatch`: identity.match_threshold is set,
 * so no level decides.
 */
export function calibrationService(identity: Identity, doors: Doors, options: { livenessMin: number; fixedMatch: boolean }): CalibrationService {
  return {
    thresholds: (door) =>
      doors.has(door)
        ? {
            match: identity.levelThreshold,
            level: options.fixedMatch ? null : identity.securityLevel,
            levels: SECURITY_LEVELS.map((level) => ({ level, threshold: identity.thresholds[level] })),
            pad: options.livenessMin,
          }
        : null,
  };
}

/**
 * The next analysed camera frame, from the bus: 'frame' carries the JPEG, 'analysis' the faces of the
 * same frame (by seq). Frames are held only while someone waits; no answer in `timeoutMs` → 503.
 */
export function nextFaceFromBus(bus: EventBus<BusEvents>, clock: Clock, timeoutMs = 5000): () => Promise<CameraFace> {
  return () =>
    new Promise<CameraFace>((resolve, reject) => {
      const jpegs = new Map<number, Uint8Array | null>();
      const offFrame = bus.on('frame', (f) => {
        jpegs.set(f.seq, f.jpeg ?? null);
        if (jpegs.size > 8) jpegs.delete(jpegs.keys().next().value as number);
      });
      const offAnalysis = bus.on('analysis', (a) => {
        done();
        const face = a.faces.find((f) => f.embedding !== null) ?? a.faces[0] ?? null;
        resolve({ face, faces: a.faces.length, width: a.width, height: a.height, jpeg: jpegs.get(a.frameSeq) ?? null });
      });
      const timer = clock.setTimeout(() => {
        done();
        reject(
          new ServiceError('unavailable', `no analysed camera frame within ${Math.round(timeoutMs / 1000)} s; is the camera running and the face pipeline on?`),
        );
      }, timeoutMs);
      function done(): void {
        offFrame();
        offAnalysis();
        clock.clearTimeout(timer);
      }
    });
}

/** What admin needs of vision's SelftestRuns (built in main.ts): S is vision's own state type. */
export interface SelftestRunsLike<S> {
  start(start: { seconds?: number; attacks?: string[]; adaptPeople?: number }): S;
  advance(): S;
  cancel(): S;
  current(): { state(): S; proposal(): unknown } | null;
}

const SELFTEST_ERRORS: Record<string, ServiceError['kind']> = {
  selftest_running: 'conflict',
  selftest_state: 'conflict',
  selftest_invalid: 'invalid',
  no_camera: 'unavailable',
  pad_disabled: 'unavailable',
};

/** Vision's self-tests behind PadSelftestService: its refusals become 409/422/503, "no run yet" null (404). */
export function padSelftestService<S>(runs: SelftestRunsLike<S>, view: (state: S) => SelftestView): PadSelftestService {
  const call = (fn: () => S): SelftestView | null => {
    try {
      return view(fn());
    } catch (err) {
      if (err instanceof FacegateError && err.code === 'selftest_none') return null;
      const kind = err instanceof FacegateError ? SELFTEST_ERRORS[err.code] : undefined;
      if (kind) throw new ServiceError(kind, (err as Error).message);
      throw err;
    }
  };
  return {
    start: (input) => call(() => runs.start(input)) as SelftestView,
    next: () => call(() => runs.advance()),
    state: () => {
      const run = runs.current();
      return run ? view(run.state()) : null;
    },
    cancel: () => call(() => runs.cancel()),
    proposal: () => runs.current()?.proposal() ?? null,
  };
}

/** What admin needs of vision's DoorPadAdaptations (built in main.ts): S is vision's own status type. */
export interface PadAdaptationsLike<S> {
  status(door: string): S;
  accept(door: string, bytes: Uint8Array, actor: string): { status: S; replaced: boolean };
  remove(door: string): boolean;
}

const ADAPTATION_REFUSALS = new Set(['PAD_ADAPTATION_INVALID', 'PAD_ADAPTATION_STALE', 'PAD_ADAPTATION_HASH', 'pad_adaptation_door']);

/**
 * Vision's per-door adaptations behind PadAdaptationService: an unknown door is null (404), a file
 * the door cannot use a ServiceError (422). `changed` tells the live check after an accept or remove.
 */
export function padAdaptationService<S>(store: PadAdaptationsLike<S>, view: (s: S) => AdaptationView, changed: () => Promise<void>): PadAdaptationService {
  const call = async <T>(fn: () => T): Promise<T | null> => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof FacegateError && err.code === 'unknown_door') return null;
      if (err instanceof FacegateError && ADAPTATION_REFUSALS.has(err.code)) throw new ServiceError('invalid', err.message);
      throw err;
    }
  };
  return {
    status: async (door) => {
      const s = await call(() => store.status(door));
      return s === null ? null : view(s);
    },
    accept: async (door, file, actor) => {
      // The body as compact JSON text: its sha256 is what the door pins (vision's adaptationPin says the same).
      const r = await call(() => store.accept(door, Buffer.from(JSON.stringify(file)), actor));
      if (r === null) return null;
      await changed();
      return { changed: r.replaced, status: view(r.status) };
    },
    remove: async (door) => {
      const removed = await call(() => store.remove(door));
      if (removed === null) return null;
      if (removed) await changed();
      return { changed: removed, status: view(store.status(door)) };
    },
  };
}
