// identity's public shapes: what it is given (IdentityDeps), what it offers (Identity) and what
// enrollment takes and returns. createIdentity (identity.ts) builds the room on them.
import type { Database } from 'better-sqlite3';
import {
  FacegateError,
  type Box,
  type BusEvents,
  type Clock,
  type EventBus,
  type FaceObservation,
  type FrameAnalysis,
  type Logger,
  type MatchResult,
  type PersonAccess,
  type Service,
  type WeeklySchedule,
} from '../core/index.ts';
import type { EventStore } from '../store/index.ts';
import type { AuditLog, ConsentInput, Consents, Pseudonyms, Snapshots } from '../privacy/index.ts';
import type { ProfileInput } from './profile.ts';
import type { Gallery } from './gallery/gallery.ts';
import type { Draft } from './drafts.ts';
import type { ErasureCounts, PersonEraser } from './person-data.ts';
import type { Person, PersonSealer } from './persons.ts';
import type { RefusalReason } from './quality.ts';
import type { IdentitySettings } from './settings.ts';
import type { SecurityLevel, Thresholds } from './thresholds.ts';
import type { TrackLiveness } from './tracker.ts';

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
  /** The access.security_level in force (the last one set). */
  readonly securityLevel: SecurityLevel;
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
