import { EventBus, Lifecycle, createLogger, systemClock, type BusEvents, type Logger } from './core/index.ts';
import { loadConfig, type Config } from './config/index.ts';
import { InstanceLock, prepareDataDir, type Database } from './store/index.ts';
import { DAEMON_SETTINGS_TEXT, SdNotify, Watchdog, memoryTuning } from './health/index.ts';
import { createCamera, type Camera } from './camera/index.ts';
import { SnapshotTaker, openPrivacy, type Privacy } from './privacy/index.ts';
import { createDoors, type Doors } from './door/index.ts';
import type { Identity } from './identity/index.ts';
import { createAccess } from './access/index.ts';
import {
  AnalysisLoop,
  doorPadAdaptationsFor,
  type DoorPadAdaptations,
  MODELS_DIR,
  VisionService,
  cameraDescriptor,
  createSelftests,
  fitAdaptationInThread,
  shippedAdaptOptions,
  readPadLevels,
  selftestReportJson,
  type VisionWorkerStats,
} from './vision/main-thread.ts';
import { applyStoredSettings, createAdminHost, type AdminHost } from './admin/index.ts';
import { adminOptions, createIdentityRoom, createMqtt, metricsSampler, retention, storeEvents, wireDecisions, type Base } from './main-wiring.ts';
import { createOsdpStore, osdpAdminService, osdpReader } from './main-osdp.ts';

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

/**
 * The composition root: the only place that builds concrete modules and wires them together (its
 * wiring helpers are in main-wiring.ts).
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
  // The doors' own PAD models (issue 26); the camera door's judges its faces while it still matches
  // the installed models and camera. With PAD off no face is ever judged live.
  const padAdaptations = config.pad.enabled ? lifecycle.step('pad:adaptations', () => doorPadAdaptations(b)) : null;
  const vision = new VisionService({ config: config.vision, pad: config.pad.enabled ? config.pad : null, log, padAdaptation: padAdaptations?.inUse() ?? null });
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
  const osdpStore = createOsdpStore(b);
  const identity = createIdentityRoom(b, events, vision, mqtt, osdpStore);
  wireDecisions(b, doors);
  // With osdp.enabled, a grant's credential also goes to the access-control panel (which may drive the lock itself).
  const osdp = osdpReader(b, osdpStore, doors);
  const notify = new SdNotify(b.env);
  const selftests = createSelftests({
    bus,
    clock: systemClock,
    pad: config.pad,
    camera: config.camera.source !== 'none',
    wantFrame: () => analysis.wantNextFrame(),
    // Judged as the door judges: by its adaptation's thresholds while one is in use.
    thresholds: () => padAdaptations?.inUse()?.thresholds ?? readPadLevels(),
    // A run that fits the door's own model: evidence from the worker, the fit in a thread of its own.
    ...(padAdaptations
      ? {
          adapt: {
            collect: (on: boolean) => vision.collectPadEvidence(on),
            fit: (frames) => fitAdaptationInThread(frames, shippedAdaptOptions(config.pad.security_level, cameraDescriptor(config.camera), MODELS_DIR)),
          },
        }
      : {}),
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
  // The panel's line: open before the first decision, closed after the last.
  if (osdp) lifecycle.add('osdp', osdp.service);
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
  // After the camera and the pipeline it samples, stopped before them and the store.
  lifecycle.add('metrics', metricsSampler(b, camera, analysis));
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
        const host = await createAdminHost(
          adminOptions(b, {
            identity,
            doors,
            vision,
            camera,
            analysis,
            mqtt,
            selftests,
            padAdaptations,
            osdp: osdpAdminService(b, osdpStore, osdp?.status ?? null),
          }),
        );
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

/** The doors' accepted PAD adaptations; one kept but not usable is said at start (and in /api/health). */
function doorPadAdaptations({ db, config, log }: Base): DoorPadAdaptations {
  const store = doorPadAdaptationsFor(db, config, MODELS_DIR);
  for (const problem of store.problems()) log.warn(problem);
  const used = store.inUse();
  if (used) log.info({ door: config.camera.door, created_at: used.createdAt, level: used.level }, "the door's own PAD adaptation judges its faces");
  return store;
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
