// The PAD adaptations doors have accepted (issue 26), kept in the database: the file as accepted
// with its sha256 pinned, and the camera the door had then. The live check uses the camera door's
// adaptation only while it still matches: a changed file, other shipped models or another camera
// make it tampered or stale, and the shipped model judges until the self-test is run again.
import type { Database, Statement } from 'better-sqlite3';
import { FacegateError, systemClock, type Clock } from '../../core/index.ts';
import type { Config } from '../../config/index.ts';
import { decodeAdaptation, padModelVersions, parseAdaptation, staleModels, type PadAdaptationFile, type PadModelVersions } from './adaptation.ts';
import { sha256Hex } from './model.ts';

/** active: judging the camera door's faces; stale or invalid: kept, but the shipped model judges. */
export type DoorAdaptationState = 'none' | 'active' | 'stale' | 'invalid';

export interface DoorAdaptationStatus {
  door: string;
  state: DoorAdaptationState;
  /** Why a kept adaptation is not used, in words; null when none or active. */
  problem: string | null;
  sha256: string | null;
  acceptedAt: string | null;
  acceptedBy: string | null;
  /** The door's camera when it was accepted. */
  camera: string | null;
  /** The parsed file, when it still parses and matches its pin (stale ones included). */
  file: PadAdaptationFile | null;
}

export interface DoorPadAdaptationsOptions {
  db: Database;
  doors: readonly string[];
  /** The door the camera watches: the only one whose faces are judged. */
  cameraDoor: string;
  /** The camera as it is configured now (cameraDescriptor): another one makes an adaptation stale. */
  camera: string;
  /** The shipped PAD files installed now (padModelVersions). */
  versions: PadModelVersions;
  clock?: Clock;
}

interface Row {
  door: string;
  file: Buffer;
  sha256: string;
  camera: string;
  accepted_at: string;
  accepted_by: string;
}

/**
 * What identifies the door's camera for an adaptation: source, device and analysis size. A
 * network camera is named by host and path only (a password in its URL stays out).
 */
export function cameraDescriptor(c: Config['camera']): string {
  let where: string;
  switch (c.source) {
    case 'libcamera':
      where = `camera ${c.libcamera.camera}`;
      break;
    case 'v4l2':
      where = c.v4l2.device;
      break;
    case 'rtsp':
    case 'http':
      try {
        const u = new URL(c.network.url ?? '');
        where = `${u.host}${u.pathname}`;
      } catch {
        where = 'unset';
      }
      break;
    case 'gstreamer':
      where = `sensor ${c.gstreamer.sensor_id}`;
      break;
    case 'replay':
      where = c.replay.path ?? 'unset';
      break;
    default:
      where = c.source;
  }
  return `${c.source}:${where} ${c.width}x${c.height}`;
}

/** The adaptations store for a daemon's config (the daemon's, or the CLI's self-test with the daemon stopped). */
export function doorPadAdaptationsFor(db: Database, config: Config, modelsDir: string): DoorPadAdaptations {
  return new DoorPadAdaptations({
    db,
    doors: config.doors.map((d) => d.id),
    cameraDoor: config.camera.door,
    camera: cameraDescriptor(config.camera),
    versions: padModelVersions(modelsDir),
  });
}

export class DoorPadAdaptations {
  readonly #o: DoorPadAdaptationsOptions;
  readonly #clock: Clock;
  readonly #get: Statement<[string], Row>;
  readonly #put: Statement<[string, Buffer, string, string, string, string]>;
  readonly #delete: Statement<[string]>;

  constructor(o: DoorPadAdaptationsOptions) {
    this.#o = o;
    this.#clock = o.clock ?? systemClock;
    this.#get = o.db.prepare('SELECT door, file, sha256, camera, accepted_at, accepted_by FROM pad_adaptations WHERE door = ?');
    this.#put = o.db.prepare(
      `INSERT INTO pad_adaptations (door, file, sha256, camera, accepted_at, accepted_by) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (door) DO UPDATE SET file = excluded.file, sha256 = excluded.sha256, camera = excluded.camera,
         accepted_at = excluded.accepted_at, accepted_by = excluded.accepted_by`,
    );
    this.#delete = o.db.prepare('DELETE FROM pad_adaptations WHERE door = ?');
  }

  /** A door's adaptation and whether it is in use; unknown_door for an id that is not configured. */
  status(door: string): DoorAdaptationStatus {
    this.#door(door);
    const row = this.#get.get(door);
    if (!row) return { door, state: 'none', problem: null, sha256: null, acceptedAt: null, acceptedBy: null, camera: null, file: null };
    const kept = { door, sha256: row.sha256, acceptedAt: row.accepted_at, acceptedBy: row.accepted_by, camera: row.camera };
    let file: PadAdaptationFile;
    try {
      // Decoded whatever models it names: other models make it stale (below), and a stale file still shows its figures.
      file = decodeAdaptation(row.file, `of door ${door}`, row.sha256);
    } catch (err) {
      return { ...kept, state: 'invalid', problem: (err as Error).message, file: null };
    }
    const changed = staleModels(file, this.#o.versions);
    const problem =
      changed.length > 0
        ? `fitted on other ${changed.join(' and ')} model files than the ones installed`
        : row.camera !== this.#o.camera
          ? `accepted on camera "${row.camera}"; the camera is now "${this.#o.camera}"`
          : door !== this.#o.cameraDoor
            ? `the camera watches door ${this.#o.cameraDoor}`
            : null;
    return { ...kept, state: problem === null ? 'active' : 'stale', problem, file };
  }

  /**
   * Accepts (or replaces) a door's adaptation: checked in full against the installed models first;
   * a refused file changes nothing. `replaced` tells whether one was kept before.
   */
  accept(door: string, bytes: Uint8Array, actor: string): { status: DoorAdaptationStatus; replaced: boolean } {
    this.#door(door);
    if (door !== this.#o.cameraDoor)
      throw new FacegateError('pad_adaptation_door', `door ${door} has no camera (camera.door is ${this.#o.cameraDoor}): no face is judged there`);
    parseAdaptation(bytes, `for door ${door}`, this.#o.versions);
    const replaced = this.#get.get(door) !== undefined;
    const stored = Buffer.from(bytes);
    this.#put.run(door, stored, sha256Hex(stored), this.#o.camera, new Date(this.#clock.now()).toISOString(), actor);
    return { status: this.status(door), replaced };
  }

  /** Removes a door's adaptation (the shipped model judges again); false when there was none. */
  remove(door: string): boolean {
    this.#door(door);
    return this.#delete.run(door).changes > 0;
  }

  /** The adaptation the live check uses: the camera door's, when active. */
  inUse(): PadAdaptationFile | null {
    const s = this.status(this.#o.cameraDoor);
    return s.state === 'active' ? s.file : null;
  }

  /** Kept adaptations the live check does not use, in words (for /api/health and the panel). */
  problems(): string[] {
    return this.#o.doors
      .map((d) => this.status(d))
      .filter((s) => s.state === 'stale' || s.state === 'invalid')
      .map((s) => `door ${s.door}: PAD adaptation ${s.state}, the shipped model judges (${s.problem})`);
  }

  #door(door: string): void {
    if (!this.#o.doors.includes(door)) throw new FacegateError('unknown_door', `no door ${JSON.stringify(door)} is configured`);
  }
}

/**
 * The sha256 a door pins for an adaptation given as JSON: the admin keeps a body in its compact
 * form (JSON.stringify), so an indented file on disk has another sha256sum than the one shown.
 */
export function adaptationPin(file: unknown): string {
  return sha256Hex(Buffer.from(JSON.stringify(file)));
}

/** A door's adaptation as the admin API gives it (snake_case; the file's figures, never its weights). */
export function doorAdaptationJson(s: DoorAdaptationStatus) {
  const f = s.file;
  return {
    door: s.door,
    state: s.state,
    problem: s.problem,
    sha256: s.sha256,
    accepted_at: s.acceptedAt,
    accepted_by: s.acceptedBy,
    camera: s.camera,
    adaptation: f
      ? {
          created_at: f.createdAt,
          camera: f.camera,
          level: f.level,
          thresholds: f.thresholds,
          frames: f.report.frames,
          presenters: f.report.presenters,
          before: f.report.before,
          after: f.report.after,
        }
      : null,
  };
}
