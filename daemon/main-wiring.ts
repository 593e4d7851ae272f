/**
 * main.ts's wiring helpers: each builds one room's part (or its options) from the configuration and
 * the parts start-up built before it, and connects it to the bus. Only main.ts imports this file;
 * it reaches the rooms as main.ts does, through their index.ts (vision: main-thread.ts).
 */
import { FacegateError, systemClock, type BusEvents, type EventBus, type Lifecycle, type Logger } from './core/index.ts';
import type { Config } from './config/index.ts';
import { EventStore, MetricSamples, type Database } from './store/index.ts';
import { CpuLoad, MetricsSampler, cpuTemperature } from './health/index.ts';
import type { Camera } from './camera/index.ts';
import { Retention, type Privacy } from './privacy/index.ts';
import type { Doors } from './door/index.ts';
import { createIdentity, identitySettings, type Identity } from './identity/index.ts';
import { validateSchedule } from './access/index.ts';
import {
  createPadTrackCheck,
  doorAdaptationJson,
  modelKey,
  selftestStateJson,
  type AnalysisLoop,
  type DoorPadAdaptations,
  type VisionService,
  type createSelftests,
} from './vision/main-thread.ts';
import { MqttService } from './mqtt/index.ts';
import type { OsdpStore } from './osdp/index.ts';
import {
  adminPanelUrl,
  calibrationService,
  cameraPreview,
  doorService,
  identityPeople,
  personStatsService,
  nextFaceFromBus,
  padAdaptationService,
  padSelftestService,
  storeReads,
  type AdminHost,
  type OsdpService,
  type createAdminHost,
} from './admin/index.ts';

/** What main.ts's start-up steps have built so far, for the steps and builders after them. */
export interface Base {
  env: NodeJS.ProcessEnv;
  config: Config;
  log: Logger;
  lifecycle: Lifecycle;
  db: Database;
  privacy: Privacy;
  bus: EventBus<BusEvents>;
}

/** Public events are stored (then 'event:stored' for mqtt and admin); door actuations and MQTT commands are audited. */
export function storeEvents({ db, bus, privacy }: Base): EventStore {
  const events = new EventStore(db);
  bus.on('event', (event) => {
    events.append(event);
    bus.emit('event:stored', event);
  });
  // Every door actuation is accountable: an unlock (face, manual, exit button, hold) or a lockdown
  // change gets a row in the hash-chained audit log; the automatic relock ends the same pulse.
  bus.on('event', (event) => {
    if (event.type !== 'door_unlocked' && event.type !== 'lockdown_changed') return;
    const action = event.type === 'door_unlocked' ? 'door.actuate.unlock' : 'door.actuate.lockdown';
    privacy.audit.append({ actor: event.subject ?? 'door', action, target: event.door, detail: { by: event.reason, event: event.id } });
  });
  // Who asked over MQTT (signed, or the trusted broker user): the door's own row says only "mqtt".
  bus.on('mqtt:command', (c) => {
    privacy.audit.append({ actor: c.actor, action: `mqtt.command.${c.command}`, target: c.door, detail: { action: c.action } });
  });
  return events;
}

export function retention({ config, log, privacy }: Base, events: EventStore, mqtt: MqttService, identity: Identity): Retention {
  return new Retention({
    clock: systemClock,
    log,
    intervalMs: config.privacy.retention_sweep_min * 60_000,
    rules: [
      { name: 'events', days: () => config.privacy.event_retention_days, purge: (cutoff) => events.purgeBefore(cutoff) },
      { name: 'snapshots', days: () => config.privacy.snapshot_retention_days, purge: (cutoff) => privacy.snapshots.purgeBefore(cutoff) },
      // Events waiting for a broker that stayed away are not kept longer than the events themselves.
      { name: 'mqtt_outbox', days: () => config.privacy.event_retention_days, purge: (cutoff) => mqtt.outbox.purgeBefore(cutoff) },
      // A person added in the panel but never enrolled: erased like a person, their key destroyed.
      { name: 'person_drafts', days: () => config.privacy.draft_retention_days, purge: (cutoff) => identity.purgeDraftsBefore(cutoff) },
    ],
    onPurged: (counts) => {
      privacy.audit.append({ actor: 'daemon', action: 'retention.purge', detail: counts });
    },
  });
}

/**
 * MQTT: events (after the store persisted them) through its outbox, door state, HA discovery and
 * commands to the doors; with no mqtt.url an embedded broker on 127.0.0.1.
 */
export function createMqtt({ config, db, bus, log }: Base, doors: Doors, camera: Camera, admin: () => AdminHost | null): MqttService {
  // Read from the kernel, not through systeminformation: its shell and tools cost an idle door ~1.5 % CPU.
  const cpuLoad = new CpuLoad();
  return new MqttService({
    config: config.mqtt,
    doors: config.doors,
    db,
    dataDir: config.daemon.data_dir,
    bus,
    log,
    clock: systemClock,
    doorControl: (id) => (doors.has(id) ? doors.get(id) : undefined),
    doorStatuses: () => doors.list(),
    metrics: async () => ({
      cameraFps: camera.metrics().fpsIn,
      boardTemperatureC: await cpuTemperature(config.daemon.thermal_root),
      cpuLoadPct: cpuLoad.sample(),
    }),
    configurationUrl: config.mqtt.discovery.configuration_url ?? (config.admin.enabled ? adminPanelUrl(config.admin) : null),
    ...(config.camera.source === 'none' ? {} : { camera: { door: config.camera.door, connected: () => camera.status().state === 'running' } }),
    // Home Assistant's select changes the level as the panel would: the admin room keeps and audits it.
    securityLevel: {
      level: config.access.security_level,
      change: config.admin.enabled ? (level, actor) => requireAdmin(admin()).changeSetting('access.security_level', level, actor) : null,
    },
  });
}

/** A change that arrives while the daemon is still starting is refused (and the level republished). */
function requireAdmin(admin: AdminHost | null): AdminHost {
  if (!admin) throw new FacegateError('admin_unavailable', 'the admin panel has not started yet: settings cannot change now');
  return admin;
}

export function createIdentityRoom(
  { config, db, privacy, log, bus }: Base,
  events: EventStore,
  vision: VisionService,
  mqtt: MqttService,
  osdp: Pick<OsdpStore, 'deleteCredential' | 'credential'>,
): Identity {
  return createIdentity({
    db,
    events,
    personKeys: privacy.persons,
    pseudonyms: privacy.pseudonyms,
    audit: privacy.audit,
    consents: privacy.consents,
    snapshots: privacy.snapshots,
    // The outbox is mqtt's and the card credential osdp's, rooms identity may not import: they go with the person.
    erasers: [
      { table: 'mqtt_outbox', erase: ({ subject }) => mqtt.outbox.deleteSubject(subject) },
      { table: 'osdp_credentials', erase: ({ personId }) => osdp.deleteCredential(personId), exportData: ({ personId }) => osdp.credential(personId) },
    ],
    analyzeImage: (bytes) => vision.analyzeImage(bytes),
    model: config.vision.embedder.model,
    thresholdsKey: modelKey(config.vision.embedder.model, config.vision.variant),
    settings: identitySettings(config),
    validateSchedule,
    door: config.camera.door,
    // Across a track's frames: a photo's landmarks move as one plane, a head's do not; blinks; challenge.
    trackLiveness: config.pad.enabled ? createPadTrackCheck(config.pad) : null,
    log,
    bus,
    clock: systemClock,
  });
}

/** The dashboard's history: camera fps, the live pipeline's analysis rate and the board temperature, sampled into the store. */
export function metricsSampler({ config, db, log }: Base, camera: Camera, analysis: AnalysisLoop): MetricsSampler {
  const samples = new MetricSamples(db);
  const cameraOn = config.camera.source !== 'none';
  return new MetricsSampler({
    clock: systemClock,
    log,
    intervalMs: config.daemon.metrics_sample_s * 1000,
    read: async () => ({
      cameraFps: cameraOn ? camera.metrics().fpsIn : null,
      analysed: cameraOn ? analysis.stats().analysed : null,
      temperatureC: await cpuTemperature(config.daemon.thermal_root),
    }),
    write: (sample) => void samples.add(sample),
  });
}

/** A granted decision unlocks its door, on behalf of the person's pseudonym. */
export function wireDecisions({ bus, privacy }: Base, doors: Doors): void {
  bus.on('decision', (decision) => {
    if (!decision.granted || !doors.has(decision.door)) return;
    const actor = decision.personId !== null ? privacy.pseudonyms.subject(decision.personId) : undefined;
    doors.get(decision.door).unlock({ kind: 'face', ...(actor !== undefined ? { actor } : {}) });
  });
}

export interface AdminRooms {
  identity: Identity;
  doors: Doors;
  vision: VisionService;
  camera: Camera;
  analysis: AnalysisLoop;
  mqtt: MqttService;
  selftests: ReturnType<typeof createSelftests>;
  /** null with PAD off. */
  padAdaptations: DoorPadAdaptations | null;
  osdp: OsdpService;
}

/** The admin worker's view of the rooms, and the settings it may change while the daemon runs. */
export function adminOptions({ config, db, bus, log, privacy }: Base, r: AdminRooms): Parameters<typeof createAdminHost>[0] {
  // A face captured from the camera for enrollment: the next frame is analysed even if the scene is still.
  const nextFace = nextFaceFromBus(bus, systemClock);
  const nextCameraFace = () => {
    r.analysis.wantNextFrame();
    return nextFace();
  };
  // Some boards read a thermal sensor over I2C: the status route shares one reading per 5 s, so a
  // busy panel or a poller cannot pile those up.
  let temperature: { at: number; value: Promise<number | null> } | null = null;
  const boardTemperature = () => {
    const now = systemClock.monotonic();
    if (!temperature || now - temperature.at > 5000) temperature = { at: now, value: cpuTemperature(config.daemon.thermal_root) };
    return temperature.value;
  };
  return {
    config,
    bus,
    log,
    live: {
      'daemon.log_level': (c) => {
        log.level = c.daemon.log_level;
      },
      'access.security_level': (c) => {
        r.identity.setSecurityLevel(c.access.security_level);
        r.mqtt.securityLevelChanged(c.access.security_level);
      },
    },
    services: {
      people: identityPeople(r.identity, { nextCameraFace }),
      doors: doorService(r.doors),
      // Unused in the worker, which reads its own connection (remote-services.ts), but the services are whole here.
      events: storeReads(db),
      calibration: calibrationService(r.identity, r.doors, { livenessMin: config.access.liveness_min, fixedMatch: config.identity.match_threshold !== null }),
      personStats: personStatsService(r.identity, (id) => privacy.pseudonyms.subject(id)),
      snapshots: privacy.snapshots,
      audit: privacy.audit,
      osdp: r.osdp,
      loginNameTag: (typed) => privacy.pseudonyms.loginName(typed),
      padSelftest: padSelftestService(r.selftests, selftestStateJson),
      // The framing preview samples frames only while an admin watches (docs/PRIVACY.md).
      preview: cameraPreview({
        bus,
        clock: systemClock,
        log,
        settings: config.admin.preview,
        available: () => config.camera.source !== 'none' && r.camera.status().state !== 'none',
        wantFrame: () => r.analysis.wantNextFrame(),
      }),
      // An accepted or removed adaptation reaches the live check at once.
      ...(r.padAdaptations
        ? { padAdaptation: padAdaptationService(r.padAdaptations, doorAdaptationJson, () => r.vision.setPadAdaptation(r.padAdaptations?.inUse() ?? null)) }
        : {}),
      status: {
        snapshot: async () => {
          const m = r.camera.metrics();
          return {
            vision: r.vision.status(),
            camera: { state: r.camera.status().state, fps: m.fpsIn, droppedFrames: m.dropped },
            temperatureC: await boardTemperature(),
            warnings: r.padAdaptations?.problems() ?? [],
          };
        },
      },
    },
  };
}
