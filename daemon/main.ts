import { EventBus, Lifecycle, createLogger, systemClock, type BusEvents, type Logger } from './core/index.ts';
import { loadConfig, type Config } from './config/index.ts';
import { EventStore, InstanceLock, prepareDataDir } from './store/index.ts';
import { CpuLoad, DAEMON_SETTINGS_TEXT, SdNotify, Watchdog, cpuTemperature, memoryTuning } from './health/index.ts';
import { createCamera, type Camera } from './camera/index.ts';
import { Retention, openPrivacy, type Privacy } from './privacy/index.ts';
import { createDoors, type Doors } from './door/index.ts';
import { createIdentity, identitySettings, type Identity } from './identity/index.ts';
import { createAccess, validateSchedule } from './access/index.ts';
// Only the thread-side parts of vision: the index would load TensorFlow.js and onnxruntime into
// the main thread (~100 MB) where only the vision worker needs them.
import { AnalysisLoop } from './vision/analysis-loop.ts';
import { createVisionWorker, type VisionWorkerStats } from './vision/worker-client.ts';
import { describeBackend } from './vision/backend-info.ts';
import { modelKey } from './vision/manifest.ts';
import { createPadTrackCheck } from './vision/pad/track-check.ts';
import { createSelftests, selftestStateJson } from './vision/pad/selftest-run.ts';
import { selftestReportJson } from './vision/pad/selftest-report.ts';
import { MqttService, type MetricsProvider } from './mqtt/index.ts';
import { adminPanelUrl, applyStoredSettings, createAdminHost, doorService, identityPeople, nextFaceFromBus, padSelftestService, type AdminHost } from './admin/index.ts';

export interface DaemonOptions {
  configFile?: string | undefined;
  env?: NodeJS.ProcessEnv;
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
  admin: AdminHost | null;
  /** Resolves when the daemon has stopped; stop() may be called any number of times. */
  stop(reason: string): Promise<void>;
}

/** The composition root: the only place that builds concrete modules and wires them together. */
export async function startDaemon(options: DaemonOptions = {}): Promise<RunningDaemon> {
  const env = options.env ?? process.env;
  const { config: fileConfig, layers } = loadConfig({ file: options.configFile, env });
  let config = fileConfig;
  const log = createLogger({ level: config.daemon.log_level });
  log.info({ layers }, 'configuration loaded');

  const dataDir = config.daemon.data_dir;
  prepareDataDir(dataDir);
  const lock = InstanceLock.acquire(dataDir);
  const db = lock.openDatabase();
  // Keys an operator changed in the admin panel (admin_settings) override the file, before any room reads them.
  const stored = applyStoredSettings(db, config);
  config = stored.config;
  if (stored.applied.length > 0) log.info({ keys: stored.applied }, 'settings changed in the admin panel applied');
  log.level = config.daemon.log_level;

  // A wrong or missing key stops the start here, before any gallery could load empty.
  const privacy = (() => {
    try {
      return openPrivacy({ db, dataDir, env, log });
    } catch (err) {
      db.close();
      lock.release();
      throw err;
    }
  })();

  const bus = new EventBus<BusEvents>(log);
  const lifecycle = new Lifecycle(log);

  // A bad pin or a pin used twice stops the start here; the lock outputs are claimed at start().
  const doors = (() => {
    try {
      return createDoors({ config, bus, log, clock: systemClock, sysfsRoot: config.daemon.sysfs_gpio_root, gpiodEnv: env });
    } catch (err) {
      db.close();
      lock.release();
      throw err;
    }
  })();
  const notify = new SdNotify(env);

  lifecycle.add('store', { start: () => undefined, stop: () => { db.close(); lock.release(); } });
  let stopReason = 'stop';
  lifecycle.add('audit', {
    start: () => { privacy.audit.append({ actor: 'daemon', action: 'daemon.start', detail: { keyId: privacy.keys.id, persons: privacy.health.persons } }); },
    stop: () => { privacy.audit.append({ actor: 'daemon', action: 'daemon.stop', detail: { reason: stopReason } }); },
  });

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

  lifecycle.add('retention', new Retention({
    clock: systemClock, log,
    intervalMs: config.privacy.retention_sweep_min * 60_000,
    rules: [
      { name: 'events', days: () => config.privacy.event_retention_days, purge: (cutoff) => events.purgeBefore(cutoff) },
      { name: 'snapshots', days: () => config.privacy.snapshot_retention_days, purge: (cutoff) => privacy.snapshots.purgeBefore(cutoff) },
      // Events waiting for a broker that stayed away are not kept longer than the events themselves.
      { name: 'mqtt_outbox', days: () => config.privacy.event_retention_days, purge: (cutoff) => mqtt.outbox.purgeBefore(cutoff) },
    ],
    onPurged: (counts) => { privacy.audit.append({ actor: 'daemon', action: 'retention.purge', detail: counts }); },
  }));

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

  // One vision worker for camera frames and enrollment photos, started on first use (with
  // camera.source none only enrollment ever starts it). A worker that died is replaced on next use.
  let visionWorker: ReturnType<typeof createVisionWorker> | null = null;
  // What the status page shows: null before the first start, not ready while the models load.
  let visionStatus: { backend: string | null; models: string[]; ready: boolean } | null = null;
  const vision = (): ReturnType<typeof createVisionWorker> => {
    if (visionWorker) return visionWorker;
    // The operator's pad settings reach the worker; with PAD off no face is ever judged live.
    const started = createVisionWorker(config.vision, log, config.pad.enabled ? { livenessModule: new URL('./vision/pad/module.ts', import.meta.url).href, livenessOptions: config.pad } : {});
    visionWorker = started;
    visionStatus = { backend: null, models: [], ready: false };
    started.then((w) => {
      visionStatus = { backend: describeBackend(w.backend), models: Object.values(w.models), ready: true };
      log.info({ backend: visionStatus.backend, models: visionStatus.models }, 'vision backend chosen');
      return w.exited.then(() => { if (visionWorker === started) { visionWorker = null; visionStatus = null; } });
    }, () => { if (visionWorker === started) { visionWorker = null; visionStatus = null; } });
    return started;
  };
  const analyzeImage = async (bytes: Uint8Array) => (await vision()).analyzeImage(bytes);
  const identity = createIdentity({
    db, personKeys: privacy.persons, pseudonyms: privacy.pseudonyms, audit: privacy.audit, consents: privacy.consents, snapshots: privacy.snapshots,
    // The outbox is mqtt's, which identity may not import: a person's waiting events go with them.
    erasers: [{ table: 'mqtt_outbox', erase: ({ subject }) => mqtt.outbox.deleteSubject(subject) }],
    analyzeImage,
    model: config.vision.embedder.model,
    thresholdsKey: modelKey(config.vision.embedder.model, config.vision.variant),
    settings: identitySettings(config),
    validateSchedule,
    door: config.camera.door,
    // Across a track's frames: a photo's landmarks move as one plane, a head's do not; blinks; challenge.
    trackLiveness: config.pad.enabled ? createPadTrackCheck(config.pad) : null,
    log, bus, clock: systemClock,
  });
  // identity: bus 'analysis' → tracks → votes → bus 'verdict'; access: 'verdict' → 'decision' + public event.
  lifecycle.add('identity', {
    start: () => identity.start(),
    stop: async () => {
      identity.stop();
      const worker = visionWorker;
      visionWorker = null;
      if (worker) await (await worker.catch(() => null))?.close();
    },
  });
  const access = createAccess({
    bus, clock: systemClock, log,
    settings: {
      livenessMin: config.access.liveness_min,
      lockoutAttempts: config.access.lockout_attempts,
      lockoutWindowMs: config.access.lockout_window_s * 1000,
      lockoutCooldownMs: config.access.lockout_cooldown_s * 1000,
    },
    lookupPerson: (personId) => identity.people.access(personId),
    subjectOf: (personId) => privacy.pseudonyms.subject(personId),
  });
  lifecycle.add('access', access);
  bus.on('decision', (decision) => {
    if (!decision.granted || !doors.has(decision.door)) return;
    const actor = decision.personId !== null ? privacy.pseudonyms.subject(decision.personId) : undefined;
    doors.get(decision.door).unlock({ kind: 'face', ...(actor !== undefined ? { actor } : {}) });
  });

  // The camera: source → MJPEG splitter → decode → motion gate → bus 'frame'; camera_lost/restored
  // as public events; its capture loop sends the 'camera' heartbeat the watchdog waits for.
  // A keep-alive frame the analysis loop would skip (a still scene) is not even decoded to RGB.
  const camera = createCamera({ config: config.camera, bus, log, clock: systemClock, wantsKeepalive: () => analysis.wantsKeepalive() });
  lifecycle.add('camera', camera);

  // The live pipeline: bus 'frame' (after the motion gate) → vision worker → bus 'analysis'.
  // At most one frame in flight; while the worker is busy the newest frame waits and older ones
  // are dropped (counted). Errors are logged, never fatal.
  const analysis = new AnalysisLoop({
    bus, log, clock: systemClock, stallMs: config.daemon.watchdog_stall_s * 1000,
    analyze: async (frame) => (await vision()).analyze(frame),
  });
  lifecycle.add('analysis', {
    start: () => {
      analysis.start();
      // With a camera, load the models now rather than on the first face at the door.
      if (config.camera.source !== 'none') vision().catch((err: unknown) => log.error({ err }, 'vision worker failed to start'));
    },
    stop: () => analysis.stop(),
  });

  // MQTT: events (after the store persisted them) through its outbox, door state, HA discovery and
  // commands to the doors; with no mqtt.url an embedded broker on 127.0.0.1. Stopped before the doors and the store.
  // Read from the kernel, not through systeminformation: its shell and tools cost an idle door ~1.5 % CPU.
  const cpuLoad = new CpuLoad();
  const mqttMetrics: MetricsProvider = async () => ({ cameraFps: camera.metrics().fpsIn, boardTemperatureC: await cpuTemperature(), cpuLoadPct: cpuLoad.sample() });
  const mqtt = new MqttService({
    config: config.mqtt, doors: config.doors, db, dataDir, bus, log, clock: systemClock,
    doorControl: (id) => (doors.has(id) ? doors.get(id) : undefined),
    doorStatuses: () => doors.list(),
    metrics: mqttMetrics,
    configurationUrl: config.mqtt.discovery.configuration_url ?? (config.admin.enabled ? adminPanelUrl(config.admin) : null),
    ...(config.camera.source === 'none' ? {} : { camera: { door: config.camera.door, connected: () => camera.status().state === 'running' } }),
    // Home Assistant's select changes the level as the panel would: the admin room keeps and audits it.
    securityLevel: {
      level: config.access.security_level,
      change: config.admin.enabled ? (level, actor) => admin!.changeSetting('access.security_level', level, actor) : null,
    },
  });
  lifecycle.add('mqtt', mqtt);

  // Until the camera pipeline owns the work loop, the supervisor tick shows the event loop is alive
  // (and, being a live timer, keeps the process running until stop).
  const supervisor = setInterval(() => bus.emit('heartbeat', { source: 'supervisor', at: systemClock.monotonic() }), 1000);
  lifecycle.add('supervisor', { start: () => undefined, stop: () => clearInterval(supervisor) });

  lifecycle.add('watchdog', new Watchdog({
    notify, bus, clock: systemClock, log,
    stallMs: config.daemon.watchdog_stall_s * 1000,
    intervalMs: SdNotify.watchdogIntervalMs(env),
    sources: ['supervisor', 'camera', 'analysis'],
  }));

  // Some boards read a thermal sensor over I2C: the status route shares one reading per 5 s, so a
  // busy panel or a poller cannot pile those up.
  let temperature: { at: number; value: Promise<number | null> } | null = null;
  const boardTemperature = () => {
    const now = systemClock.monotonic();
    if (!temperature || now - temperature.at > 5000) temperature = { at: now, value: cpuTemperature() };
    return temperature.value;
  };

  // A face captured from the camera for enrollment: the next frame is analysed even if the scene is still.
  const nextFace = nextFaceFromBus(bus, systemClock);
  const nextCameraFace = () => {
    analysis.wantNextFrame();
    return nextFace();
  };

  // The installer's PAD self-test (admin wizard): the live pipeline's raw scores per phase; only
  // the resulting numbers are kept, in memory and in the audit log.
  const selftests = createSelftests({
    bus, clock: systemClock, pad: config.pad, camera: config.camera.source !== 'none', wantFrame: () => analysis.wantNextFrame(),
    onReport: (report) => { privacy.audit.append({ actor: 'daemon', action: 'pad.selftest.report', detail: { ...selftestReportJson(report), warnings: report.warnings.length } }); },
  });

  // Admin API and web panel on the rooms above (through admin's interfaces), in a worker thread
  // of lower priority so that a busy panel cannot slow the door; started last, stopped first.
  const admin = config.admin.enabled
    ? await createAdminHost({
      config, bus, log,
      live: {
        'daemon.log_level': (c) => { log.level = c.daemon.log_level; },
        'access.security_level': (c) => {
          identity.setSecurityLevel(c.access.security_level);
          mqtt.securityLevelChanged(c.access.security_level);
        },
      },
      services: {
        people: identityPeople(identity, { analyzeImage, nextCameraFace }),
        doors: doorService(doors),
        events: { query: (q) => events.query(q) },
        audit: privacy.audit,
        loginNameTag: (typed) => privacy.pseudonyms.loginName(typed),
        padSelftest: padSelftestService(selftests, selftestStateJson),
        status: {
          snapshot: async () => {
            const m = camera.metrics();
            const temperatureC = await boardTemperature();
            return {
              vision: visionStatus,
              camera: { state: camera.status().state, fps: m.fpsIn, droppedFrames: m.dropped },
              temperatureC,
            };
          },
        },
      },
    })
    : null;
  if (admin) {
    lifecycle.add('admin', { start: async () => { await admin.start(); }, stop: () => admin.stop() });
  }

  await lifecycle.start();
  await notify.ready('facegate running');
  log.info({ dataDir, doors: config.doors.map((d) => d.id) }, 'facegate started');
  const tuning = memoryTuning();
  if (!tuning.tuned) {
    log.warn({ malloc_arena_max: tuning.mallocArenaMax, semi_space_mb: tuning.semiSpaceMb },
      `node was started without facegate's memory settings (${DAEMON_SETTINGS_TEXT}): expect ~100 MB more memory; the systemd unit and npm start set them`);
  }

  let stopped: Promise<void> | null = null;
  return {
    config, log, bus, privacy, doors, camera, identity, admin, analysis,
    visionStats: async () => (visionWorker ? (await visionWorker).stats() : null),
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
}
