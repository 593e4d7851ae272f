import { EventBus, FacegateError, Lifecycle, createLogger, systemClock, type BusEvents, type Logger } from './core/index.ts';
import { loadConfig, type Config } from './config/index.ts';
import { EventStore, InstanceLock, prepareDataDir, type Database } from './store/index.ts';
import { CpuLoad, DAEMON_SETTINGS_TEXT, SdNotify, Watchdog, cpuTemperature, memoryTuning } from './health/index.ts';
import { createCamera, type Camera } from './camera/index.ts';
import { Retention, SnapshotTaker, openPrivacy, type Privacy } from './privacy/index.ts';
import { createDoors, type Doors } from './door/index.ts';
import { createIdentity, identitySettings, type Identity } from './identity/index.ts';
import { createAccess, validateSchedule } from './access/index.ts';
import {
  AnalysisLoop,
  VisionService,
  createPadTrackCheck,
  createSelftests,
  modelKey,
  selftestReportJson,
  selftestStateJson,
  type VisionWorkerStats,
} from './vision/main-thread.ts';
import { MqttService } from './mqtt/index.ts';
import {
  adminPanelUrl,
  applyStoredSettings,
  createAdminHost,
  doorService,
  identityPeople,
  nextFaceFromBus,
  padSelftestService,
  type AdminHost,
} from './admin/index.ts';

export interface DaemonOptions {
  configFile?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** For the rollback tests: the start-up step of this name fails (see Lifecycle). */
  failAt?: string | undefined;
}

export interface RunningDaemon {
  config: Config;
  log: Logger;
  bus: EventBus<BusEvents>;
  privacy: Privacy;
  /** Door controls, status and the GPIO line log (for admin and mqtt). */
  doors: Doors;
  /** Persons, enrollment, matching, export and erasure (for admin). */
  identity: Identity;
  /** Frame source status and metrics (for admin and health). */
  camera: Camera;
  /** The live pipeline's counters (analysed, skipped, failed frames). */
  analysis: AnalysisLoop;
  /** Tensor count and heap inside the vision worker; null while no worker runs. */
  visionStats(): Promise<VisionWorkerStats | null>;
  /** The admin API and panel; null when admin.enabled is false. */
  readonly admin: AdminHost | null;
  /** The start-up steps' names in the order they ran (what DaemonOptions.failAt can name). */
  steps: readonly string[];
  /** Resolves when the daemon has stopped; stop() may be called any number of times. */
  stop(reason: string): Promise<void>;
}

/** What the steps below have built so far, for the steps after them. */
interface Base {
  env: NodeJS.ProcessEnv;
  config: Config;
  log: Logger;
  lifecycle: Lifecycle;
  db: Database;
  privacy: Privacy;
  bus: EventBus<BusEvents>;
}

/**
 * The composition root: the only place that builds concrete modules and wires them together.
 * Start-up is the named steps below; whichever fails, lifecycle.stop() undoes the ones before it
 * (instance lock released, worker threads and camera child ended, lock outputs at their locked level).
 */
export async function startDaemon(options: DaemonOptions = {}): Promise<RunningDaemon> {
  const env = options.env ?? process.env;
  const { config: fileConfig, layers } = loadConfig({ file: options.configFile, env });
  const log = createLogger({ level: fileConfig.daemon.log_level });
  log.info({ layers }, 'configuration loaded');
  const lifecycle = new Lifecycle(log, { failAt: options.failAt });
  try {
    const { db, config } = initStore(fileConfig, log, lifecycle);
    // A wrong or missing key stops the start here, before any gallery could load empty.
    const privacy = lifecycle.step('privacy', () => openPrivacy({ db, dataDir: config.daemon.data_dir, env, log }));
    const base: Base = { env, config, log, lifecycle, db, privacy, bus: new EventBus<BusEvents>(log) };
    const daemon = await composeRooms(base);
    await lifecycle.start();
    await announceStart(base, daemon.notify);
    return daemon.running;
  } catch (err) {
    await lifecycle.stop();
    throw err;
  }
}

/** The data directory, its single-instance lock and the database; settings kept by the panel applied. */
function initStore(fileConfig: Config, log: Logger, lifecycle: Lifecycle): { db: Database; config: Config } {
  const dataDir = fileConfig.daemon.data_dir;
  const { db } = lifecycle.acquire(
    'store',
    () => {
      prepareDataDir(dataDir);
      const lock = InstanceLock.acquire(dataDir);
      try {
        return { lock, db: lock.openDatabase() };
      } catch (err) {
        lock.release();
        throw err;
      }
    },
    ({ lock, db: opened }) => {
      opened.close();
      lock.release();
    },
  );
  // Keys an operator changed in the admin panel (admin_settings) override the file, before any room reads them.
  const stored = lifecycle.step('settings', () => applyStoredSettings(db, fileConfig));
  if (stored.applied.length > 0) log.info({ keys: stored.applied }, 'settings changed in the admin panel applied');
  log.level = stored.config.daemon.log_level;
  return { db, config: stored.config };
}

/** Every room built in the order they need each other, then queued in the order they start. */
async function composeRooms(b: Base): Promise<{ running: RunningDaemon; notify: SdNotify }> {
  const { config, log, lifecycle, bus, privacy } = b;
  const events = storeEvents(b);
  // A bad pin or a pin used twice stops the start here; the lock outputs are claimed at start.
  const doors = lifecycle.step('doors:config', () =>
    createDoors({ config, bus, log, clock: systemClock, sysfsRoot: config.daemon.sysfs_gpio_root, gpiodEnv: b.env }),
  );
  // With PAD off no face is ever judged live.
  const vision = new VisionService({ config: config.vision, pad: config.pad.enabled ? config.pad : null, log });
  // The live pipeline: bus 'frame' (after the motion gate) → vision worker → bus 'analysis'.
  // At most one frame in flight; while the worker is busy the newest frame waits and older ones
  // are dropped (counted). Errors are logged, never fatal.
  const analysis = new AnalysisLoop({
    bus,
    log,
    clock: systemClock,
    stallMs: config.daemon.watchdog_stall_s * 1000,
    analyze: (frame) => vision.analyze(frame),
  });
  // The camera: source → MJPEG splitter → decode → motion gate → bus 'frame'; camera_lost/restored
  // as public events; its capture loop sends the 'camera' heartbeat the watchdog waits for.
  // A keep-alive frame the analysis loop would skip (a still scene) is not even decoded to RGB.
  const camera = createCamera({ config: config.camera, bus, log, clock: systemClock, wantsKeepalive: () => analysis.wantsKeepalive() });
  let admin: AdminHost | null = null;
  const mqtt = createMqtt(b, doors, camera, () => admin);
  const identity = createIdentityRoom(b, events, vision, mqtt);
  wireDecisions(b, doors);
  const notify = new SdNotify(b.env);
  const selftests = createSelftests({
    bus,
    clock: systemClock,
    pad: config.pad,
    camera: config.camera.source !== 'none',
    wantFrame: () => analysis.wantNextFrame(),
    // The installer's PAD self-test: only the resulting numbers are kept, in memory and in the audit log.
    onReport: (report) => {
      privacy.audit.append({ actor: 'daemon', action: 'pad.selftest.report', detail: { ...selftestReportJson(report), warnings: report.warnings.length } });
    },
  });

  let stopReason = 'stop';
  lifecycle.add('audit', {
    start: () => {
      privacy.audit.append({ actor: 'daemon', action: 'daemon.start', detail: { keyId: privacy.keys.id, persons: privacy.health.persons } });
    },
    stop: () => {
      privacy.audit.append({ actor: 'daemon', action: 'daemon.stop', detail: { reason: stopReason } });
    },
  });
  lifecycle.add('retention', retention(b, events, mqtt, identity));
  // After the store (events of the last relock are stored) and stopped before it: on stop every
  // lock output goes to its locked level; a process 'exit' handler covers crashes.
  // A door whose lock line cannot be held (gpiod: its holder exits) stops the start-up.
  lifecycle.add('doors', {
    start: async () => {
      doors.start();
      try {
        await doors.settled();
      } catch (err) {
        doors.stop();
        throw err;
      }
    },
    stop: () => doors.stop(),
  });
  lifecycle.add('vision', { start: () => undefined, stop: () => vision.close() });
  // identity: bus 'analysis' → tracks → votes → bus 'verdict'; access: 'verdict' → 'decision' + public event.
  lifecycle.add('identity', { start: () => identity.start(), stop: () => identity.stop() });
  lifecycle.add(
    'access',
    createAccess({
      bus,
      clock: systemClock,
      log,
      settings: {
        livenessMin: config.access.liveness_min,
        lockoutAttempts: config.access.lockout_attempts,
        lockoutWindowMs: config.access.lockout_window_s * 1000,
        lockoutCooldownMs: config.access.lockout_cooldown_s * 1000,
      },
      lookupPerson: (personId) => identity.people.access(personId),
      subjectOf: (personId) => privacy.pseudonyms.subject(personId),
    }),
  );
  // Off by default (minimisation): the frame that concluded each decision, sealed, linked to its event.
  if (config.privacy.snapshots_enabled) lifecycle.add('snapshots', new SnapshotTaker({ bus, snapshots: privacy.snapshots, log }));
  lifecycle.add('camera', camera);
  lifecycle.add('analysis', {
    start: () => {
      analysis.start();
      // With a camera, load the models now rather than on the first face at the door.
      if (config.camera.source !== 'none') vision.warmUp();
    },
    stop: () => analysis.stop(),
  });
  // Stopped before the doors and the store.
  lifecycle.add('mqtt', mqtt);
  // The supervisor tick shows the event loop is alive (and, being a live timer, keeps the process running until stop).
  let supervisor: NodeJS.Timeout | undefined;
  lifecycle.add('supervisor', {
    start: () => {
      supervisor = setInterval(() => bus.emit('heartbeat', { source: 'supervisor', at: systemClock.monotonic() }), 1000);
    },
    stop: () => clearInterval(supervisor),
  });
  lifecycle.add(
    'watchdog',
    new Watchdog({
      notify,
      bus,
      clock: systemClock,
      log,
      stallMs: config.daemon.watchdog_stall_s * 1000,
      intervalMs: SdNotify.watchdogIntervalMs(b.env),
      sources: ['supervisor', 'camera', 'analysis'],
    }),
  );
  // Admin API and web panel on the rooms above (through admin's interfaces), in a worker thread
  // of lower priority so that a busy panel cannot slow the door; started last, stopped first.
  if (config.admin.enabled) {
    lifecycle.add('admin', {
      start: async () => {
        const host = await createAdminHost(adminOptions(b, { identity, doors, events, vision, camera, analysis, mqtt, selftests }));
        admin = host;
        try {
          await host.start();
        } catch (err) {
          await host.stop();
          throw err;
        }
      },
      stop: () => admin?.stop(),
    });
  }

  let stopped: Promise<void> | null = null;
  const running: RunningDaemon = {
    config,
    log,
    bus,
    privacy,
    doors,
    camera,
    identity,
    analysis,
    get admin() {
      return admin;
    },
    get steps() {
      return lifecycle.steps;
    },
    visionStats: () => vision.stats(),
    stop(reason: string) {
      stopped ??= (async () => {
        stopReason = reason;
        log.info({ reason }, 'facegate stopping');
        await notify.stopping();
        await lifecycle.stop();
        log.info('facegate stopped');
        log.flush();
      })();
      return stopped;
    },
  };
  return { running, notify };
}

/** Public events are stored (then 'event:stored' for mqtt and admin); door actuations and MQTT commands are audited. */
function storeEvents({ db, bus, privacy }: Base): EventStore {
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

function retention({ config, log, privacy }: Base, events: EventStore, mqtt: MqttService, identity: Identity): Retention {
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
function createMqtt({ config, db, bus, log }: Base, doors: Doors, camera: Camera, admin: () => AdminHost | null): MqttService {
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
    metrics: async () => ({ cameraFps: camera.metrics().fpsIn, boardTemperatureC: await cpuTemperature(), cpuLoadPct: cpuLoad.sample() }),
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

function createIdentityRoom({ config, db, privacy, log, bus }: Base, events: EventStore, vision: VisionService, mqtt: MqttService): Identity {
  return createIdentity({
    db,
    events,
    personKeys: privacy.persons,
    pseudonyms: privacy.pseudonyms,
    audit: privacy.audit,
    consents: privacy.consents,
    snapshots: privacy.snapshots,
    // The outbox is mqtt's, which identity may not import: a person's waiting events go with them.
    erasers: [{ table: 'mqtt_outbox', erase: ({ subject }) => mqtt.outbox.deleteSubject(subject) }],
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

/** A granted decision unlocks its door, on behalf of the person's pseudonym. */
function wireDecisions({ bus, privacy }: Base, doors: Doors): void {
  bus.on('decision', (decision) => {
    if (!decision.granted || !doors.has(decision.door)) return;
    const actor = decision.personId !== null ? privacy.pseudonyms.subject(decision.personId) : undefined;
    doors.get(decision.door).unlock({ kind: 'face', ...(actor !== undefined ? { actor } : {}) });
  });
}

interface AdminRooms {
  identity: Identity;
  doors: Doors;
  events: EventStore;
  vision: VisionService;
  camera: Camera;
  analysis: AnalysisLoop;
  mqtt: MqttService;
  selftests: ReturnType<typeof createSelftests>;
}

/** The admin worker's view of the rooms, and the settings it may change while the daemon runs. */
function adminOptions({ config, bus, log, privacy }: Base, r: AdminRooms): Parameters<typeof createAdminHost>[0] {
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
    if (!temperature || now - temperature.at > 5000) temperature = { at: now, value: cpuTemperature() };
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
      events: { query: (q) => r.events.query(q) },
      snapshots: privacy.snapshots,
      audit: privacy.audit,
      loginNameTag: (typed) => privacy.pseudonyms.loginName(typed),
      padSelftest: padSelftestService(r.selftests, selftestStateJson),
      status: {
        snapshot: async () => {
          const m = r.camera.metrics();
          return {
            vision: r.vision.status(),
            camera: { state: r.camera.status().state, fps: m.fpsIn, droppedFrames: m.dropped },
            temperatureC: await boardTemperature(),
          };
        },
      },
    },
  };
}

async function announceStart({ config, log }: Base, notify: SdNotify): Promise<void> {
  await notify.ready('facegate running');
  // compiled: the build in dist/ runs (bin/runtime.js chose it), not the TypeScript source through tsx.
  log.info({ dataDir: config.daemon.data_dir, doors: config.doors.map((d) => d.id), compiled: import.meta.url.endsWith('.js') }, 'facegate started');
  const tuning = memoryTuning();
  if (!tuning.tuned) {
    log.warn(
      { malloc_arena_max: tuning.mallocArenaMax, semi_space_mb: tuning.semiSpaceMb },
      `node was started without facegate's memory settings (${DAEMON_SETTINGS_TEXT}): expect ~100 MB more memory; the systemd unit and npm start set them`,
    );
  }
}
