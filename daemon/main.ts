import { EventBus, Lifecycle, createLogger, systemClock, type BusEvents, type Logger } from './core/index.ts';
import { loadConfig, type Config } from './config/index.ts';
import { EventStore, InstanceLock, openDatabase, prepareDataDir } from './store/index.ts';
import { SdNotify, Watchdog } from './health/index.ts';

export interface DaemonOptions {
  configFile?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

export interface RunningDaemon {
  config: Config;
  log: Logger;
  bus: EventBus<BusEvents>;
  /** Resolves when the daemon has stopped; stop() may be called any number of times. */
  stop(reason: string): Promise<void>;
}

/** The composition root: the only place that builds concrete modules and wires them together. */
export async function startDaemon(options: DaemonOptions = {}): Promise<RunningDaemon> {
  const env = options.env ?? process.env;
  const { config, layers } = loadConfig({ file: options.configFile, env });
  const log = createLogger({ level: config.daemon.log_level });
  log.info({ layers }, 'configuration loaded');

  const dataDir = config.daemon.data_dir;
  prepareDataDir(dataDir);
  const lock = InstanceLock.acquire(dataDir);
  const db = (() => {
    try {
      return openDatabase(dataDir);
    } catch (err) {
      lock.release();
      throw err;
    }
  })();

  const bus = new EventBus<BusEvents>(log);
  const lifecycle = new Lifecycle(log);
  const notify = new SdNotify(env);

  lifecycle.add('store', { start: () => undefined, stop: () => { db.close(); lock.release(); } });

  const events = new EventStore(db);
  bus.on('event', (event) => {
    events.append(event);
    bus.emit('event:stored', event);
  });

  // Until the camera pipeline owns the work loop, the supervisor tick shows the event loop is alive
  // (and, being a live timer, keeps the process running until stop).
  const supervisor = setInterval(() => bus.emit('heartbeat', { source: 'supervisor', at: Date.now() }), 1000);
  lifecycle.add('supervisor', { start: () => undefined, stop: () => clearInterval(supervisor) });

  lifecycle.add('watchdog', new Watchdog({
    notify, bus, clock: systemClock, log,
    stallMs: config.daemon.watchdog_stall_s * 1000,
    intervalMs: SdNotify.watchdogIntervalMs(env),
    sources: ['supervisor'],
  }));

  await lifecycle.start();
  await notify.ready('facegate running');
  log.info({ dataDir, doors: config.doors.map((d) => d.id) }, 'facegate started');

  let stopped: Promise<void> | null = null;
  return {
    config, log, bus,
    stop(reason: string) {
      stopped ??= (async () => {
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
