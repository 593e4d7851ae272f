// Admin API latency on a real listening server, real SQLite (1,000 stored events) and real auth:
// health, an authenticated events page, and a sign-in (scrypt) — what a phone on the LAN waits for.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBus, createLogger, makeEvent, type BusEvents, type DoorStatus } from '../../daemon/core/index.ts';
import { embeddedDefaults } from '../../daemon/config/index.ts';
import { EventStore, openDatabase } from '../../daemon/store/index.ts';
import { AuditLog, Pseudonyms } from '../../daemon/privacy/index.ts';
import { ServiceError, createAdminServer, storeReads, type PeopleService } from '../../daemon/admin/index.ts';
import type { BenchPart } from './types.ts';

/** This part measures the admin API alone: nobody is enrolled and every change of a person is refused. */
const refuse = (): never => {
  throw new ServiceError('unavailable', 'no identity in the admin bench');
};
const noPeople: PeopleService = {
  list: () => [],
  get: () => null,
  create: refuse,
  rename: refuse,
  setValidity: refuse,
  setSchedule: refuse,
  addTemplateFromPhoto: refuse,
  addTemplateFromCamera: refuse,
  erase: refuse,
  export: refuse,
};

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}

async function timed(n: number, fn: () => Promise<Response>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fn();
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    out.push(performance.now() - t0);
  }
  return out;
}

const part: BenchPart = {
  name: 'admin',
  async run(log) {
    const dir = mkdtempSync(join(tmpdir(), 'facegate-bench-admin-'));
    const config = embeddedDefaults();
    config.daemon.data_dir = dir;
    config.admin.port = 0;
    config.admin.rate_limit_per_min = 100000;
    const quiet = createLogger({ level: 'silent' });
    const db = openDatabase(dir);
    const bus = new EventBus<BusEvents>(quiet);
    const events = new EventStore(db);
    const t0 = Date.now() - 1000 * 60_000;
    for (let i = 0; i < 1000; i++)
      events.append(makeEvent({ door: 'front', type: i % 3 ? 'access_denied' : 'access_granted', subject: `p_${i % 40}` }, t0 + i * 60_000));
    const door: DoorStatus = { door: 'front', lock: 'locked', position: 'closed', mode: 'normal', alarm: 'none', heldUnlockedUntil: null };
    const pseudonyms = new Pseudonyms(randomBytes(32));
    const server = await createAdminServer({
      config,
      db,
      bus,
      log: quiet,
      transport: { https: null, source: 'plain-localhost' },
      services: {
        people: noPeople,
        doors: { list: () => [door], status: () => door, unlock: () => true, holdUnlockedUntil: () => true, setLockdown: () => true },
        status: { snapshot: () => ({ vision: null, camera: null, temperatureC: null }) },
        events: storeReads(db),
        calibration: { thresholds: () => null },
        personStats: { basis: () => null },
        snapshots: { forEvent: () => null },
        audit: new AuditLog(db),
        osdp: { status: () => null, card: () => null, setCard: () => null },
        loginNameTag: (typed) => pseudonyms.loginName(typed),
      },
    });
    try {
      const base = await server.start();
      const setup = await fetch(`${base}/api/auth/setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: server.setupCode, username: 'bench', password: 'bench password 1' }),
      });
      const cookie = setup.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      await timed(50, () => fetch(`${base}/api/health`)); // warm-up
      const health = await timed(300, () => fetch(`${base}/api/health`));
      const page = await timed(200, () => fetch(`${base}/api/events?limit=50`, { headers: { cookie } }));
      const login = await timed(10, () =>
        fetch(`${base}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'bench', password: 'bench password 1' }),
        }),
      );
      // Throughput with 16 concurrent clients for 3 s on the events page.
      const until = performance.now() + 3000;
      let done = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (performance.now() < until) {
            const r = await fetch(`${base}/api/events?limit=50`, { headers: { cookie } });
            await r.arrayBuffer();
            done += 1;
          }
        }),
      );
      log(`admin: health p50 ${pct(health, 50).toFixed(2)} ms, events page p50 ${pct(page, 50).toFixed(2)} ms, login p50 ${pct(login, 50).toFixed(0)} ms`);
      return {
        'admin.health_ms.p50': pct(health, 50),
        'admin.health_ms.p90': pct(health, 90),
        'admin.events_page_ms.p50': pct(page, 50),
        'admin.events_page_ms.p90': pct(page, 90),
        'admin.login_ms.p50': pct(login, 50),
        'admin.events_page_rps.c16': done / 3,
      };
    } finally {
      await server.stop();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default part;
