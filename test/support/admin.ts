import { after } from 'node:test';
import sharp from 'sharp';
import { EventBus, createLogger, type BusEvents, type Clock, type DoorStatus, type Logger } from '../../daemon/core/index.ts';
import { embeddedDefaults, type Config } from '../../daemon/config/index.ts';
import { EventStore, openDatabase, type Database } from '../../daemon/store/index.ts';
import { randomBytes } from 'node:crypto';
import { AuditLog, DeviceKeys, PersonKeys, Pseudonyms, Snapshots } from '../../daemon/privacy/index.ts';
import {
  createAdminServer,
  storeReads,
  type AdminServer,
  type AdminServices,
  type CalibrationService,
  type DoorService,
  type NewPerson,
  type OsdpService,
  type PadAdaptationService,
  type PadSelftestService,
  type PeopleService,
  type Person,
  type PersonStatsService,
  type WeeklySchedule,
  type StatusService,
  type TemplateResult,
  ServiceError,
} from '../../daemon/admin/index.ts';
import { credentialProblem, type Credential } from '../../daemon/osdp/index.ts';
import { tempDir } from './tmp.ts';
import { STAND_IN_THRESHOLDS } from './calibration.ts';

/**
 * Stand-in for identity's enrollment until it lands: keeps people in memory and judges a photo by its
 * size only (a real face check is identity's). It records every call so tests can prove nothing was stored.
 */
/** The osdp room as admin reaches it: cards of the stand-in people in memory, no reader (osdp.enabled off). */
export function standInOsdp(people: StandInPeople): OsdpService & { cards: Map<string, Credential> } {
  const cards = new Map<string, Credential>();
  return {
    cards,
    status: () => null,
    card: (id) => (people.get(id) ? { credential: cards.get(id) ?? null } : null),
    setCard: (id, credential) => {
      if (!people.get(id)) return null;
      if (credential === null) cards.delete(id);
      else {
        const problem = credentialProblem(credential);
        if (problem) throw new ServiceError('invalid', problem);
        cards.set(id, credential);
      }
      return { credential };
    },
  };
}

export class StandInPeople implements PeopleService {
  readonly people = new Map<string, Person>();
  readonly calls: string[] = [];
  #n = 0;

  list(): Person[] {
    return [...this.people.values()];
  }
  get(id: string): Person | null {
    return this.people.get(id) ?? null;
  }
  create(input: NewPerson): Person {
    this.calls.push('create');
    const p: Person = {
      id: `p${++this.#n}`,
      name: input.name,
      validFrom: input.validFrom ?? null,
      validUntil: input.validUntil ?? null,
      schedule: input.schedule ?? null,
      templates: 0,
      createdAt: new Date().toISOString(),
    };
    this.people.set(p.id, p);
    return p;
  }
  #edit(id: string, change: Partial<Person>): Person | null {
    const p = this.people.get(id);
    if (!p) return null;
    Object.assign(p, change);
    return p;
  }
  rename(id: string, name: string): Person | null {
    this.calls.push('rename');
    return this.#edit(id, { name });
  }
  setValidity(id: string, v: { validFrom: string | null; validUntil: string | null }): Person | null {
    this.calls.push('setValidity');
    return this.#edit(id, v);
  }
  setSchedule(id: string, schedule: WeeklySchedule | null): Person | null {
    this.calls.push('setSchedule');
    return this.#edit(id, { schedule });
  }
  async addTemplateFromPhoto(id: string, bytes: Uint8Array): Promise<TemplateResult | null> {
    this.calls.push('addTemplateFromPhoto');
    const p = this.people.get(id);
    if (!p) return null;
    const meta = await sharp(bytes).metadata();
    const w = meta.width ?? 0;
    const h = meta.height ?? 0;
    const ok = Math.min(w, h) >= 100;
    if (ok) p.templates += 1;
    const side = Math.round(Math.min(w, h) / 2);
    return {
      added: ok,
      templates: p.templates,
      verdict: {
        ok,
        reasons: ok ? [] : ['too small'],
        box: { x: Math.round((w - side) / 2), y: Math.round((h - side) / 2), width: side, height: side },
        imageWidth: w,
        imageHeight: h,
      },
    };
  }
  addTemplateFromCamera(id: string): TemplateResult | null {
    this.calls.push('addTemplateFromCamera');
    const p = this.people.get(id);
    if (!p) return null;
    return {
      added: false,
      templates: p.templates,
      verdict: { ok: false, reasons: ['no face in the frame'], box: null, imageWidth: 640, imageHeight: 480 },
      previewJpeg: null,
    };
  }
  erase(id: string): boolean {
    this.calls.push('erase');
    return this.people.delete(id);
  }
  export(id: string): Record<string, unknown> | null {
    const p = this.people.get(id);
    return p ? { person: { ...p }, templates: p.templates } : null;
  }
}

/** Stand-in for the door room until it lands: the state machine only, no GPIO, emitting door:status. */
export class StandInDoors implements DoorService {
  readonly state = new Map<string, DoorStatus>();
  readonly #bus: EventBus<BusEvents>;
  constructor(bus: EventBus<BusEvents>, ids: string[]) {
    this.#bus = bus;
    for (const door of ids) this.state.set(door, { door, lock: 'locked', position: 'closed', mode: 'normal', alarm: 'none', heldUnlockedUntil: null });
  }
  #set(door: string, change: Partial<DoorStatus>): boolean | null {
    const s = this.state.get(door);
    if (!s) return null;
    Object.assign(s, change);
    this.#bus.emit('door:status', { ...s });
    return true;
  }
  list(): DoorStatus[] {
    return [...this.state.values()].map((s) => ({ ...s }));
  }
  status(door: string): DoorStatus | null {
    const s = this.state.get(door);
    return s ? { ...s } : null;
  }
  unlock(door: string): boolean | null {
    const s = this.state.get(door);
    if (!s) return null;
    if (s.mode === 'lockdown') return false;
    return this.#set(door, { lock: 'unlocked' });
  }
  holdUnlockedUntil(door: string, until: Date | null): boolean | null {
    const s = this.state.get(door);
    if (!s) return null;
    if (s.mode === 'lockdown' && until) return false;
    return this.#set(
      door,
      until ? { mode: 'held_unlocked', lock: 'unlocked', heldUnlockedUntil: until.toISOString() } : { mode: 'normal', lock: 'locked', heldUnlockedUntil: null },
    );
  }
  setLockdown(door: string, on: boolean): boolean | null {
    return this.#set(door, on ? { mode: 'lockdown', lock: 'locked', heldUnlockedUntil: null } : { mode: 'normal' });
  }
}

/** Stand-in for identity's and access's thresholds (STAND_IN_THRESHOLDS) at the configured doors. */
export function standInCalibration(doors: string[]): CalibrationService {
  return { thresholds: (door) => (doors.includes(door) ? STAND_IN_THRESHOLDS : null) };
}

/** Stand-in for identity and privacy: the stand-in people's pseudonyms, every one at the stand-in level threshold. */
export function standInPersonStats(people: StandInPeople, subjectOf: (id: string) => string): PersonStatsService {
  return { basis: (id) => (people.get(id) ? { subject: subjectOf(id), threshold: STAND_IN_THRESHOLDS.match } : null) };
}

export const standInStatus: StatusService = {
  snapshot: () => ({
    vision: { backend: 'wasm', models: ['stand-in'], ready: true },
    camera: { state: 'running', fps: 9.5, droppedFrames: 0 },
    temperatureC: 51.2,
  }),
};

export interface AdminHarness {
  server: AdminServer;
  /** What the server was given, for tests that start a second server on the same parts. */
  services: AdminServices;
  db: Database;
  bus: EventBus<BusEvents>;
  events: EventStore;
  audit: AuditLog;
  /** Privacy's real sealed snapshots, on the harness's database. */
  snapshots: Snapshots;
  people: StandInPeople;
  /** The pseudonyms the stand-in people's events carry (standInPersonStats reads by them). */
  pseudonyms: Pseudonyms;
  doors: StandInDoors;
  config: Config;
  dataDir: string;
  log: Logger;
}

/** An admin server on a real SQLite file, the real bus, EventStore and AuditLog; people and doors as above. */
export interface AdminHarnessOptions {
  clock?: Clock;
  /** The PAD self-test service, built on the harness's bus (absent: the routes answer 503). */
  padSelftest?: (bus: EventBus<BusEvents>) => PadSelftestService;
  /** The doors' PAD adaptations, on the harness's database. */
  padAdaptation?: (db: Database) => PadAdaptationService;
  /** The thresholds the calibration report judges by (default: standInCalibration). */
  calibration?: CalibrationService;
  /** A person's pseudonym and threshold (default: standInPersonStats). */
  personStats?: PersonStatsService;
}

export async function adminHarness(change: (c: Config) => void = () => undefined, options: AdminHarnessOptions = {}): Promise<AdminHarness> {
  const dataDir = tempDir('facegate-admin-');
  const config = embeddedDefaults();
  config.daemon.data_dir = dataDir;
  config.admin.port = 0;
  change(config);
  const log = createLogger({ level: 'silent' });
  const db = openDatabase(dataDir);
  const bus = new EventBus<BusEvents>(log);
  const events = new EventStore(db);
  bus.on('event', (e) => {
    events.append(e);
    bus.emit('event:stored', e);
  });
  const audit = new AuditLog(db);
  const people = new StandInPeople();
  const doors = new StandInDoors(
    bus,
    config.doors.map((d) => d.id),
  );
  const pseudonyms = new Pseudonyms(randomBytes(32));
  const snapshots = new Snapshots(db, new PersonKeys(db, DeviceKeys.open({ dataDir, env: {}, log, db })));
  const services: AdminServices = {
    people,
    doors,
    status: standInStatus,
    audit,
    events: storeReads(db),
    osdp: standInOsdp(people),
    calibration: options.calibration ?? standInCalibration(config.doors.map((d) => d.id)),
    personStats: options.personStats ?? standInPersonStats(people, (id) => pseudonyms.subject(id)),
    loginNameTag: (typed) => pseudonyms.loginName(typed),
    snapshots,
    ...(options.padSelftest ? { padSelftest: options.padSelftest(bus) } : {}),
    ...(options.padAdaptation ? { padAdaptation: options.padAdaptation(db) } : {}),
  };
  const server = await createAdminServer({
    config,
    services,
    db,
    bus,
    log,
    version: '9.9.9-test',
    transport: { https: null, source: 'plain-localhost' },
    ...(options.clock ? { clock: options.clock } : {}),
  });
  after(async () => {
    await server.stop();
    db.close();
  });
  return { server, services, db, bus, events, audit, snapshots, people, pseudonyms, doors, config, dataDir, log };
}

/** Headers of a signed-in admin session (cookie + CSRF), made through the real setup route. */
export async function setUpAdmin(h: AdminHarness, username = 'owner', password = 'correct horse battery'): Promise<Record<string, string>> {
  const res = await h.server.app.inject({ method: 'POST', url: '/api/auth/setup', payload: { code: h.server.setupCode, username, password } });
  if (res.statusCode !== 200) throw new Error(`setup failed: ${res.statusCode} ${res.body}`);
  return sessionHeaders(res);
}

export function sessionHeaders(res: { cookies: { name: string; value: string }[] }): Record<string, string> {
  const jar = Object.fromEntries(res.cookies.map((c) => [c.name, c.value]));
  return { cookie: `fg_session=${jar.fg_session}; fg_csrf=${jar.fg_csrf}`, 'x-csrf-token': jar.fg_csrf ?? '' };
}

/** A multipart body with the given files under field "photo". */
export function multipart(files: { name: string; bytes: Buffer; type?: string }[], field = 'photo'): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----facegate${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const f of files) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${f.name}"\r\nContent-Type: ${f.type ?? 'image/jpeg'}\r\n\r\n`),
    );
    parts.push(f.bytes, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
