/**
 * The admin API and panel in a worker thread of their own (worker.ts), driven from the daemon's
 * main thread: the main thread keeps the camera, the decision and the door, and answers the
 * worker's service calls. A worker that dies is started again; the door never depended on it.
 */
import { Worker } from 'node:worker_threads';
import { FacegateError, WORKER_YOUNG_GENERATION_MB, moduleUrl, type BusEvents, type Config, type EventBus, type Logger } from './deps.ts';
import { serveAdminServices } from './remote-services.ts';
import { servePreview } from './preview/channel.ts';
import type { AdminServices } from './services.ts';
import { FORWARDED_EVENTS, type AdminWorkerData, type FromWorker, type ToWorker } from './worker-messages.ts';

/** Nice 10: under CPU contention the worker gets about a tenth of what a nice-0 thread gets. */
export const ADMIN_WORKER_NICE = 10;
const RESTART_DELAY_MS = 1000;
const STOP_TIMEOUT_MS = 5000;

export interface AdminHostOptions {
  config: Config;
  services: AdminServices;
  bus: EventBus<BusEvents>;
  log: Logger;
  version?: string;
  /** Settings the main thread applies when the panel changes them, by key. */
  live?: Record<string, (config: Config) => void>;
  nice?: number;
  /** The worker's module; tests wrap worker.ts to make it fail on cue. */
  entry?: URL;
}

export interface AdminHost {
  /** The setup code made at this start (null once an admin exists); also in the log and <data_dir>/setup-code. */
  readonly setupCode: string | null;
  /** The URL the panel serves, once started. */
  readonly address: string | null;
  start(): Promise<string>;
  stop(): Promise<void>;
  /**
   * Changes one runtime setting as the panel's PATCH would (validated, kept, audited with `actor`,
   * applied live where a room applies it); throws when it is refused or the panel is not running.
   */
  changeSetting(path: string, value: unknown, actor: string): Promise<void>;
}

interface Running {
  worker: Worker;
  exited: Promise<number>;
  next(types: FromWorker['type'][], which?: (m: FromWorker) => boolean): Promise<FromWorker>;
}

/** Builds the admin server in its worker; resolves when it is ready to listen, throws what stopped it. */
export async function createAdminHost(opts: AdminHostOptions): Promise<AdminHost> {
  const log = opts.log.child({ room: 'admin' });
  const live = opts.live ?? {};
  const data: AdminWorkerData = {
    entry: (opts.entry ?? moduleUrl('./worker.ts', import.meta.url)).href,
    config: opts.config,
    ...(opts.version === undefined ? {} : { version: opts.version }),
    padSelftest: opts.services.padSelftest !== undefined,
    padAdaptation: opts.services.padAdaptation !== undefined,
    preview: opts.services.preview !== undefined,
    liveKeys: Object.keys(live),
    nice: opts.nice ?? ADMIN_WORKER_NICE,
  };
  let setupCode: string | null = null;
  let address: string | null = null;
  let wanted = false;
  let current: Running | null = null;
  let restartTimer: NodeJS.Timeout | null = null;
  let changeIds = 0;

  const spawn = async (): Promise<Running> => {
    const worker = new Worker(new URL('../core/worker-boot.mjs', import.meta.url), {
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
      workerData: data,
    });
    const stopServing = serveAdminServices(worker, opts.services);
    const stopPreview = opts.services.preview ? servePreview(worker, opts.services.preview) : () => undefined;
    const offBus = FORWARDED_EVENTS.map((name) =>
      opts.bus.on(name, (payload: unknown) => {
        worker.postMessage({ type: 'bus', name, payload: name === 'frame' ? withoutPixels(payload as BusEvents['frame']) : payload } satisfies ToWorker);
      }),
    );
    const waiters = new Set<(m: FromWorker) => void>();
    worker.on('message', (m: FromWorker | { rpc: string }) => {
      if (!('type' in m)) return;
      if (m.type === 'setting') live[m.path]?.(m.config);
      for (const w of [...waiters]) w(m);
    });
    worker.on('error', (err) => log.error({ err }, 'admin worker failed'));
    const exited = new Promise<number>((resolve) =>
      worker.once('exit', (code) => {
        stopServing();
        stopPreview();
        for (const off of offBus) off();
        resolve(code);
      }),
    );
    const next = (types: FromWorker['type'][], which?: (m: FromWorker) => boolean): Promise<FromWorker> =>
      new Promise((resolve, reject) => {
        const w = (m: FromWorker): void => {
          if (!types.includes(m.type) || (which && !which(m))) return;
          waiters.delete(w);
          resolve(m);
        };
        waiters.add(w);
        void exited.then((code) => {
          waiters.delete(w);
          reject(new FacegateError('admin_worker', `admin worker exited (code ${code})`));
        });
      });
    const running: Running = { worker, exited, next };
    const ready = await next(['ready', 'failed']).catch(async (err: unknown) => {
      await worker.terminate();
      throw err;
    });
    if (ready.type === 'failed') {
      await worker.terminate();
      throw new FacegateError('admin_start', ready.message);
    }
    if (ready.type === 'ready') setupCode = ready.setupCode;
    void exited.then((code) => {
      if (current === running) onUnexpectedExit(code);
    });
    return running;
  };

  const listen = async (r: Running): Promise<string> => {
    r.worker.postMessage({ type: 'start' } satisfies ToWorker);
    const m = await r.next(['started', 'failed']);
    if (m.type !== 'started') throw new FacegateError('admin_listen', m.type === 'failed' ? m.message : 'admin worker did not start');
    address = m.address;
    return m.address;
  };

  const onUnexpectedExit = (code: number): void => {
    current = null;
    if (!wanted) return;
    log.error({ code }, `admin worker exited; starting it again in ${RESTART_DELAY_MS} ms (the door is not affected)`);
    restartTimer = setTimeout(() => {
      restartTimer = null;
      void (async () => {
        try {
          const r = await spawn();
          current = r;
          await listen(r);
          log.info({ address }, 'admin worker started again');
        } catch (err) {
          log.error({ err }, 'admin worker could not be started again');
          if (wanted && current === null) onUnexpectedExit(-1);
        }
      })();
    }, RESTART_DELAY_MS);
  };

  current = await spawn();

  return {
    get setupCode() {
      return setupCode;
    },
    get address() {
      return address;
    },
    async start() {
      wanted = true;
      return listen(current!);
    },
    async stop() {
      wanted = false;
      if (restartTimer) clearTimeout(restartTimer);
      const r = current;
      current = null;
      if (!r) return;
      r.worker.postMessage({ type: 'stop' } satisfies ToWorker);
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS).unref());
      await Promise.race([r.next(['stopped']).catch(() => undefined), timeout]);
      await r.worker.terminate();
    },
    async changeSetting(path, value, actor) {
      const r = current;
      if (!r || !wanted) throw new FacegateError('admin_unavailable', 'the admin panel is not running: settings cannot change now');
      const id = ++changeIds;
      const answer = r.next(['setting-changed'], (m) => m.type === 'setting-changed' && m.id === id);
      r.worker.postMessage({ type: 'change-setting', id, path, value, actor } satisfies ToWorker);
      const m = await answer;
      if (m.type === 'setting-changed' && m.problems !== null) throw new FacegateError('setting_refused', m.problems.join('; '));
    },
  };
}

/** The worker only needs to know that the scene moved: no pixels cross. */
function withoutPixels(f: BusEvents['frame']): BusEvents['frame'] {
  const { jpeg: _jpeg, ...rest } = f;
  return { ...rest, rgb: new Uint8Array(0) };
}
