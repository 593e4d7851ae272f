import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createAdminHost, ServiceError, type AdminHost } from '../../../daemon/admin/index.ts';
import { makeEvent } from '../../../daemon/core/index.ts';
import type { Config } from '../../../daemon/config/index.ts';
import { adminHarness, type AdminHarness } from '../../support/admin.ts';
import { eventually } from '../../support/within.ts';

/** Nice values of this process's threads, by thread id, from the kernel. */
function threadNices(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    out.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
  }
  return out;
}

async function signIn(base: string, code: string | null): Promise<Record<string, string>> {
  const res = await fetch(`${base}/api/auth/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, username: 'owner', password: 'correct horse battery' }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const jar = Object.fromEntries(res.headers.getSetCookie().map((c) => c.split(';')[0]!.split('=') as [string, string]));
  return { cookie: `fg_session=${jar.fg_session}; fg_csrf=${jar.fg_csrf}`, 'x-csrf-token': jar.fg_csrf ?? '', 'content-type': 'application/json' };
}

async function hosted(h: AdminHarness, extra: Partial<Parameters<typeof createAdminHost>[0]> = {}): Promise<{ host: AdminHost; base: string }> {
  const host = await createAdminHost({ config: h.config, services: h.services, bus: h.bus, log: h.log, ...extra });
  try {
    return { host, base: await host.start() };
  } catch (err) {
    await host.stop();
    throw err;
  }
}

test("admin in its worker thread: real HTTP in, the main thread's services answer (dates, errors and all), events read from the worker's own connection, live stream and settings cross, the worker runs at nice 10", async () => {
  const h = await adminHarness((c) => {
    c.daemon.log_level = 'silent';
  });
  const niceBefore = threadNices();
  const applied: Config[] = [];
  const services = {
    ...h.services,
    doors: {
      ...h.services.doors,
      unlock: (door: string) => {
        if (door === 'back') throw new ServiceError('unavailable', 'the back door is not wired');
        return h.doors.unlock(door);
      },
    },
  };
  services.doors.list = () => h.doors.list();
  services.doors.status = (d) => h.doors.status(d);
  services.doors.holdUnlockedUntil = (d, u) => h.doors.holdUnlockedUntil(d, u);
  services.doors.setLockdown = (d, on) => h.doors.setLockdown(d, on);
  const { host, base } = await hosted(h, { services, live: { 'daemon.log_level': (c) => applied.push(c) } });
  try {
    const headers = await signIn(base, host.setupCode);

    // One thread more than before, at nice 10; every thread that was there keeps its value.
    const niceAfter = threadNices();
    const added = [...niceAfter].filter(([tid]) => !niceBefore.has(tid));
    assert.ok(
      added.some(([, nice]) => nice === 10),
      `a new thread at nice 10 (${JSON.stringify(added)})`,
    );
    for (const [tid, nice] of niceBefore) if (niceAfter.has(tid)) assert.equal(niceAfter.get(tid), nice, `thread ${tid} kept its priority`);

    const created = await fetch(`${base}/api/people`, { method: 'POST', headers, body: JSON.stringify({ name: 'Subject One' }) });
    assert.equal(created.status, 201);
    assert.deepEqual(h.people.calls, ['create'], "the main thread's people service made the person");
    const until = new Date(Date.now() + 60_000).toISOString();
    const held = await fetch(`${base}/api/doors/front/hold`, { method: 'POST', headers, body: JSON.stringify({ until }) });
    assert.equal(held.status, 200);
    assert.equal(h.doors.state.get('front')!.heldUnlockedUntil, until, 'the Date crossed as a Date');
    const refused = await fetch(`${base}/api/doors/back/unlock`, { method: 'POST', headers, body: '{}' });
    assert.equal(refused.status, 503);
    assert.deepEqual(await refused.json(), { error: 'unavailable', message: 'the back door is not wired' });
    const audit = h.audit.list({ limit: 20 }).map((r) => r.action);
    assert.ok(audit.includes('auth.setup') && audit.includes('door.hold'), `audited on the main thread: ${audit.join(', ')}`);

    // The live stream: a door status on the main thread's bus reaches the panel.
    const ac = new AbortController();
    const stream = await fetch(`${base}/api/events/stream`, { headers, signal: ac.signal });
    const reader = stream.body!.getReader();
    h.bus.emit('event', makeEvent({ door: 'front', type: 'access_denied', reason: 'unknown_face' }, Date.now()));
    let text = '';
    await eventually(
      5000,
      async () => {
        const { value } = await reader.read();
        text += new TextDecoder().decode(value);
        return text.includes('access_denied');
      },
      'the stored event reached the stream',
    );
    ac.abort();

    const listed = await fetch(`${base}/api/events?limit=5`, { headers });
    assert.equal(listed.status, 200);
    assert.ok(JSON.stringify(await listed.json()).includes('unknown_face'), 'the worker reads the events the main thread stored');

    const patched = await fetch(`${base}/api/settings`, { method: 'PATCH', headers, body: JSON.stringify({ daemon: { log_level: 'debug' } }) });
    assert.equal(patched.status, 200, await patched.clone().text());
    assert.deepEqual(((await patched.json()) as { applied_now: string[] }).applied_now, ['daemon.log_level']);
    await eventually(2000, () => applied.length === 1, 'the main thread applied the new log level');
    assert.equal(applied[0]!.daemon.log_level, 'debug');
  } finally {
    await host.stop();
  }
  const left = [...threadNices()].filter(([tid]) => !niceBefore.has(tid));
  assert.deepEqual(left, [], 'stop leaves no thread behind');
});

test("a setting changed for another authorized actor (Home Assistant's select): kept, audited with that actor, applied live, shown by the panel; a bad one changes nothing", async () => {
  const h = await adminHarness((c) => {
    c.daemon.log_level = 'silent';
  });
  const applied: string[] = [];
  const host = await createAdminHost({
    config: h.config,
    services: h.services,
    bus: h.bus,
    log: h.log,
    live: { 'access.security_level': (c) => applied.push(c.access.security_level) },
  });
  try {
    await assert.rejects(host.changeSetting('access.security_level', 'far_1e-5', 'mqtt:user:ha'), /not running/, 'before start: refused, not queued');
    const base = await host.start();
    await host.changeSetting('access.security_level', 'far_1e-5', 'mqtt:user:ha');
    assert.deepEqual(applied, ['far_1e-5'], 'the main thread applied it');
    const row = h.db.prepare("SELECT value, changed_by FROM admin_settings WHERE key = 'access.security_level'").get();
    assert.deepEqual(row, { value: '"far_1e-5"', changed_by: 'mqtt:user:ha' }, 'kept for the next start');
    const audited = h.audit.list({ limit: 5 }).find((r) => r.action === 'settings.update');
    assert.equal(audited?.actor, 'mqtt:user:ha');
    const headers = await signIn(base, host.setupCode);
    const shown = (await (await fetch(`${base}/api/settings`, { headers })).json()) as { effective: { access: { security_level: string } } };
    assert.equal(shown.effective.access.security_level, 'far_1e-5', 'the panel shows the level Home Assistant chose');

    await assert.rejects(host.changeSetting('access.security_level', 'far_1e-9', 'mqtt:user:ha'), /security_level/);
    await assert.rejects(host.changeSetting('admin.port', 1, 'mqtt:user:ha'), /cannot be changed at run time/);
    assert.deepEqual(applied, ['far_1e-5'], 'nothing else applied');
    assert.equal((h.db.prepare("SELECT value FROM admin_settings WHERE key = 'access.security_level'").get() as { value: string }).value, '"far_1e-5"');
  } finally {
    await host.stop();
  }
});

test('a worker that dies is started again and serves again; the sign-in it had still holds (it lives in the database)', async () => {
  const h = await adminHarness((c) => {
    c.daemon.log_level = 'silent';
  });
  const { host, base } = await hosted(h, { entry: new URL('../../fixtures/workers/admin-worker-crashing.ts', import.meta.url) });
  try {
    const headers = await signIn(base, host.setupCode);
    h.bus.emit('door:status', { door: 'crash', lock: 'locked', position: 'unknown', mode: 'normal', alarm: 'none', heldUnlockedUntil: null });
    await eventually(10_000, () => host.address !== base, 'a new worker listens (port 0: a new port)');
    const again = await fetch(`${host.address!}/api/people`, { headers });
    assert.equal(again.status, 200);
  } finally {
    await host.stop();
  }
});

test('an admin that cannot start says why and leaves no worker: a missing certificate at build, a taken port at start', async () => {
  const h = await adminHarness((c) => {
    c.daemon.log_level = 'silent';
  });
  const before = threadNices().size;
  const config = structuredClone(h.config);
  config.admin.tls_cert_file = '/nonexistent/cert.pem';
  config.admin.tls_key_file = '/nonexistent/key.pem';
  await assert.rejects(createAdminHost({ config, services: h.services, bus: h.bus, log: h.log }), /tls_cert_file/);
  const first = await hosted(h);
  try {
    const taken = structuredClone(h.config);
    taken.admin.port = Number(new URL(first.base).port);
    await assert.rejects(hosted({ ...h, config: taken }), /EADDRINUSE|in use/);
  } finally {
    await first.host.stop();
  }
  await eventually(2000, () => threadNices().size <= before, 'no worker thread left');
});
