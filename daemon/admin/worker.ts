/**
 * The admin worker thread: the API and panel on their own event loop, at a lower CPU priority,
 * so that 200 busy clients cannot delay a face at the door (issue 17). It opens its own
 * connection to the daemon's database (auth, sessions, panel settings) and reaches the rooms
 * through calls to the main thread (remote-services.ts). Messages: see host.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger, EventBus, lowerThreadPriority, openDatabase, type BusEvents, type Config } from './deps.ts';
import { remoteAdminServices } from './remote-services.ts';
import { remotePreview } from './preview/channel.ts';
import { createAdminServer } from './server.ts';
import { storeReads } from './store-reads.ts';
import { availableRuntimeKeys, nested } from './settings.ts';
import type { AdminWorkerData, FromWorker, ToWorker } from './worker-messages.ts';

const port = parentPort!;
const data = workerData as AdminWorkerData;
const post = (m: FromWorker): void => port.postMessage(m);
const log = createLogger({ level: data.config.daemon.log_level }).child({ thread: 'admin' });

try {
  const tid = lowerThreadPriority(data.nice);
  log.debug({ tid, nice: data.nice }, 'admin worker priority lowered');
} catch (err) {
  log.warn({ err }, 'admin worker: could not lower its priority; it competes with the door on equal terms');
}

const config: Config = data.config;
const db = openDatabase(config.daemon.data_dir, { migrate: false });
const bus = new EventBus<BusEvents>(log);
// The events list, the panel's busiest read, the scans of the calibration report, the dashboard
// and a person's figures are answered here: the main thread gives only thresholds and pseudonyms.
const remote = remoteAdminServices(port, {
  padSelftest: data.padSelftest,
  padAdaptation: data.padAdaptation,
  events: storeReads(db),
});
const preview = data.preview ? remotePreview(port) : null;
if (preview) remote.services.preview = preview;

port.on('message', (m: ToWorker | { rpc: string }) => {
  if (!('type' in m)) return;
  if (m.type === 'bus') bus.emit(m.name, m.payload as never);
  else if (m.type === 'start') void start();
  else if (m.type === 'stop') void stop();
  else if (m.type === 'change-setting') void changeSetting(m);
});

let server: Awaited<ReturnType<typeof createAdminServer>> | null = null;
try {
  server = await createAdminServer({ config, services: remote.services, db, bus, log, version: data.version });
  for (const path of data.liveKeys) {
    server.settings.subscribe(path, (c) => {
      if (path === 'daemon.log_level') log.level = c.daemon.log_level;
      post({ type: 'setting', path, config: c });
    });
  }
  post({ type: 'ready', setupCode: server.setupCode, transport: server.transport.source });
} catch (err) {
  db.close();
  post({ type: 'failed', message: (err as Error).message });
}

async function start(): Promise<void> {
  try {
    post({ type: 'started', address: await server!.start() });
  } catch (err) {
    post({ type: 'failed', message: (err as Error).message });
  }
}

/** What the panel's PATCH /api/settings does, for one key and an actor the main thread authorized. */
async function changeSetting(m: Extract<ToWorker, { type: 'change-setting' }>): Promise<void> {
  const answer = (problems: string[] | null): void => post({ type: 'setting-changed', id: m.id, problems });
  try {
    if (!server) return answer(['the admin server did not start']);
    if (!availableRuntimeKeys().includes(m.path)) return answer([`${m.path} cannot be changed at run time`]);
    const patch = nested(m.path, m.value);
    const out = server.settings.update(patch, m.actor, new Date().toISOString());
    if ('problems' in out) return answer(out.problems);
    await remote.services.audit.append({ actor: m.actor, action: 'settings.update', target: null, detail: { changed: out.changed, values: patch } });
    answer(null);
  } catch (err) {
    log.error({ err, path: m.path }, 'a setting could not be changed');
    answer([(err as Error).message]);
  }
}

async function stop(): Promise<void> {
  remote.close(new Error('the admin worker is stopping'));
  preview?.close();
  await server?.stop().catch((err: unknown) => log.error({ err }, 'admin server did not close cleanly'));
  db.close();
  log.flush();
  post({ type: 'stopped' });
  port.close();
}
