/**
 * What the admin room needs from the rooms it serves. main.ts builds these from the real rooms;
 * admin depends only on these shapes, so it can be built and tested whatever lands when.
 * Every method may be sync or async; a missing record is `null`, never an exception.
 */
import type { Static } from '@sinclair/typebox';
import type { AdaptationViewSchema, SelftestViewSchema } from './selftest-schema.ts';
import type { CameraPreviewService } from './preview/types.ts';
import type {
  AuditRow,
  Box,
  CalibrationReport,
  CalibrationThresholds,
  DashboardRange,
  DashboardReport,
  DoorStatus,
  EventQuery,
  EventType,
  FacegateEvent,
  PersonStats,
  OsdpCredential,
  OsdpStatus,
  PrivacyAuditEntry,
  Snapshot,
  WeeklySchedule,
} from './deps.ts';

type MaybePromise<T> = T | Promise<T>;

export interface Person {
  id: string;
  name: string;
  /** ISO timestamps; null = open-ended. */
  validFrom: string | null;
  validUntil: string | null;
  schedule: WeeklySchedule | null;
  templates: number;
  createdAt: string;
}

export interface NewPerson {
  name: string;
  validFrom?: string | null;
  validUntil?: string | null;
  schedule?: WeeklySchedule | null;
}

/** The enrollment quality check for one face, with the box the panel draws it on. */
export interface QualityVerdict {
  ok: boolean;
  /** Human-readable reasons it failed (e.g. "too small", "turned away"), empty when ok. */
  reasons: string[];
  /** The face in the image's pixels, or null when no face was found. */
  box: Box | null;
  imageWidth: number;
  imageHeight: number;
}

export interface TemplateResult {
  added: boolean;
  verdict: QualityVerdict;
  /** How many templates the person has now. */
  templates: number;
  /** The camera frame the verdict is about (JPEG), only for camera enrollment, never stored. */
  previewJpeg?: Uint8Array | null;
}

/** Identity + privacy: the people the door knows. */
export interface PeopleService {
  list(): MaybePromise<Person[]>;
  get(id: string): MaybePromise<Person | null>;
  create(input: NewPerson, actor: string): MaybePromise<Person>;
  rename(id: string, name: string, actor: string): MaybePromise<Person | null>;
  setValidity(id: string, validity: { validFrom: string | null; validUntil: string | null }, actor: string): MaybePromise<Person | null>;
  setSchedule(id: string, schedule: WeeklySchedule | null, actor: string): MaybePromise<Person | null>;
  /** `bytes` is an already size-checked, image-typed upload. Throws UnprocessableImage for a photo it cannot read. */
  addTemplateFromPhoto(id: string, bytes: Uint8Array, actor: string): MaybePromise<TemplateResult | null>;
  /** Takes the next camera frame of the person's door; null person → null. */
  addTemplateFromCamera(id: string, actor: string): MaybePromise<TemplateResult | null>;
  /** Erasure (crypto-shredding): returns false when there was no such person. */
  erase(id: string, actor: string): MaybePromise<boolean>;
  /** Subject access request: everything held about the person, as JSON. */
  export(id: string, actor: string): MaybePromise<Record<string, unknown> | null>;
}

/** Door room: state and commands. */
export interface DoorService {
  list(): MaybePromise<DoorStatus[]>;
  status(door: string): MaybePromise<DoorStatus | null>;
  /** false: refused (e.g. lockdown). null: no such door. */
  unlock(door: string, actor: string): MaybePromise<boolean | null>;
  holdUnlockedUntil(door: string, until: Date | null, actor: string): MaybePromise<boolean | null>;
  setLockdown(door: string, on: boolean, actor: string): MaybePromise<boolean | null>;
}

/** Camera, vision and health figures for the dashboard. Each part null when its room is not running. */
export interface SystemStatus {
  vision: { backend: string | null; models: string[]; ready: boolean } | null;
  camera: { state: string; fps: number | null; droppedFrames: number | null } | null;
  temperatureC: number | null;
  /** What other rooms report wrong, in words (a stale PAD adaptation); health lists them. */
  warnings?: string[];
}

export interface StatusService {
  snapshot(): MaybePromise<SystemStatus>;
}

export interface StoredEvent {
  seq: number;
  event: FacegateEvent;
}

export interface EventsService {
  query(q: EventQuery): MaybePromise<StoredEvent[]>;
  /** The store's calibration report of a door over the last `days`, against these thresholds. */
  calibration(door: string, days: number, thresholds: CalibrationThresholds): MaybePromise<CalibrationReport>;
  /** The decisions by outcome and the board's sampled figures over the range that ends with the bucket holding `now` (epoch ms). */
  dashboard(range: DashboardRange, now: number): MaybePromise<DashboardReport>;
  /** The store's figures of one subject (a person's pseudonym) over the last `days`, against their match threshold. */
  personStats(subject: string, days: number, threshold: number): MaybePromise<PersonStats>;
}

/** What the per-person figures are read by: the person's pseudonym (their events' subject) and the match threshold that applies to them. */
export interface PersonStatsBasis {
  subject: string;
  threshold: number;
}

/** Identity and privacy: a person's basis for their figures; null when there is no such person (or they were erased). */
export interface PersonStatsService {
  basis(id: string): MaybePromise<PersonStatsBasis | null>;
}

/** Identity's and access's thresholds now in force, for the calibration report. */
export interface CalibrationService {
  /** null: no such door. */
  thresholds(door: string): MaybePromise<CalibrationThresholds | null>;
}

/** Privacy's sealed snapshots (privacy.snapshots_enabled): the frame that concluded an access event's decision (its Snapshots fits as it is). */
export interface SnapshotService {
  forEvent(eventId: string): MaybePromise<Pick<Snapshot, 'mime' | 'image' | 'taken_at'> | null>;
}

/** A row of privacy's audit log as the API shows it (its chain hashes stay inside privacy). */
export type AuditEntry = Omit<AuditRow, 'prev_hash' | 'hash'>;

/** What admin appends: privacy's own entry shape. */
export type AuditRecord = PrivacyAuditEntry;

/** Privacy's hash-chained audit log (its AuditLog fits this shape as it is). */
export interface AuditService {
  append(entry: AuditRecord): MaybePromise<unknown>;
  list(q: { before?: number; limit?: number; action?: string }): MaybePromise<AuditEntry[]>;
}

export type { CalibrationReport, CalibrationThresholds, DashboardRange, DashboardReport, EventType, PersonStats, WeeklySchedule };

/** The PAD self-test as the API shows it (see routes/pad-selftest.ts for every field). */
export type SelftestView = Static<typeof SelftestViewSchema>;

/**
 * Vision's per-door PAD self-test on the live camera: one run at a time. A missing run is null;
 * a refused step is a ServiceError (conflict: one runs already, or a phase is still running).
 */
export interface PadSelftestService {
  start(input: { seconds?: number; attacks?: string[]; adaptPeople?: number }): MaybePromise<SelftestView>;
  /** Starts the next phase. */
  next(): MaybePromise<SelftestView | null>;
  /** The current or last run (its report stays in memory until the next start). */
  state(): MaybePromise<SelftestView | null>;
  cancel(): MaybePromise<SelftestView | null>;
  /** The adaptation file the last run proposed; null when none was proposed. */
  proposal(): MaybePromise<unknown>;
}

/** A door's PAD adaptation as the API shows it (see selftest-schema.ts). */
export type AdaptationView = Static<typeof AdaptationViewSchema>;

/**
 * Vision's per-door PAD adaptations. null: no such door. A file the daemon cannot use (not an
 * adaptation, other models, a door without the camera) is a ServiceError (invalid) and changes nothing.
 */
export interface PadAdaptationService {
  status(door: string): MaybePromise<AdaptationView | null>;
  /** Accepts or replaces; changed: one was replaced. */
  accept(door: string, file: unknown, actor: string): MaybePromise<{ changed: boolean; status: AdaptationView } | null>;
  /** changed: one was removed. */
  remove(door: string, actor: string): MaybePromise<{ changed: boolean; status: AdaptationView } | null>;
}

/** The osdp room: a person's card credential for the access-control panel, and the reader's state. */
export interface OsdpService {
  /** null: osdp.enabled is off. */
  status(): MaybePromise<OsdpStatus | null>;
  /** null: no such enrolled person; credential null: they have none. */
  card(personId: string): MaybePromise<{ credential: OsdpCredential | null } | null>;
  /** null: no such enrolled person. A credential that cannot be sent is a ServiceError (invalid). */
  setCard(personId: string, credential: OsdpCredential | null): MaybePromise<{ credential: OsdpCredential | null } | null>;
}

export interface AdminServices {
  people: PeopleService;
  doors: DoorService;
  status: StatusService;
  events: EventsService;
  calibration: CalibrationService;
  personStats: PersonStatsService;
  snapshots: SnapshotService;
  audit: AuditService;
  osdp: OsdpService;
  /** A keyed hash of a typed sign-in name that matched no operator: the audit log keeps this, never the name. */
  loginNameTag(typed: string): MaybePromise<string>;
  /** Absent when the daemon has no live pipeline to test. */
  padSelftest?: PadSelftestService;
  /** Absent when PAD is off (no face is judged). */
  padAdaptation?: PadAdaptationService;
  /** The camera framing preview (frames pushed, not called for: see preview/channel.ts); absent: 503. */
  preview?: CameraPreviewService;
}

/**
 * What a service throws for a request it refuses: admin maps it to 409 (conflict), 422 (invalid),
 * 503 (unavailable, e.g. no camera). Anything else thrown is a 500 and is logged.
 */
export class ServiceError extends Error {
  readonly kind: 'conflict' | 'invalid' | 'unavailable';
  constructor(kind: 'conflict' | 'invalid' | 'unavailable', message: string) {
    super(message);
    this.name = 'ServiceError';
    this.kind = kind;
  }
}
