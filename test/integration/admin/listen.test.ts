import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { makeEvent } from '../../../daemon/core/index.ts';
import { chooseTransport } from '../../../daemon/admin/index.ts';
import { adminHarness } from '../../support/admin.ts';
import { quietLog } from '../../support/privacy.ts';
import { tempDir } from '../../support/tmp.ts';

/** Reads SSE frames from a fetch body until `want` frames of type `name` arrived. */
async function readSse(body: ReadableStream<Uint8Array>, name: string, want: number): Promise<unknown[]> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  const out: unknown[] = [];
  while (out.length < want) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const frame = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const ev = /^event: (.+)$/m.exec(frame)?.[1];
      const data = /^data: (.+)$/m.exec(frame)?.[1];
      if (ev === name && data) out.push(JSON.parse(data));
    }
  }
  await reader.cancel();
  return out;
}

test('a real listening server: setup, cookies and CSRF over fetch, then a stored event arrives live on SSE', async () => {
  const h = await adminHarness();
  const base = await h.server.start();
  assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);

  const page = await fetch(`${base}/`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<script type="module" src="\/js\/app.js">/);
  assert.match((await fetch(`${base}/js/app.js`)).headers.get('content-type') ?? '', /^(text|application)\/javascript/);

  const setup = await fetch(`${base}/api/auth/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: h.server.setupCode, username: 'owner', password: 'correct horse battery' }),
  });
  assert.equal(setup.status, 200);
  const setCookies = setup.headers.getSetCookie();
  assert.ok(setCookies.some((c) => /^fg_session=[^;]+;.*HttpOnly/i.test(c) && /SameSite=Strict/i.test(c)));
  assert.ok(
    setCookies.every((c) => !/;\s*Secure/i.test(c)),
    'no Secure flag on plain localhost HTTP (the browser would drop it)',
  );
  const jar = setCookies.map((c) => c.split(';')[0]).join('; ');
  const csrf = /fg_csrf=([^;]+)/.exec(jar)?.[1] ?? '';

  const noAuth = await fetch(`${base}/api/events/stream`);
  assert.equal(noAuth.status, 401);
  assert.deepEqual(await noAuth.json(), { error: 'unauthorized', message: 'sign in first (no valid session)' });

  const stream = await fetch(`${base}/api/events/stream`, { headers: { cookie: jar } });
  assert.equal(stream.status, 200);
  assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/);
  const got = readSse(stream.body!, 'event', 2);
  const unlock = await fetch(`${base}/api/doors/front/unlock`, { method: 'POST', headers: { cookie: jar, 'x-csrf-token': csrf } });
  assert.equal(unlock.status, 200);
  // The unlock round-trip above ends after the stream's handler subscribed, so these cannot be missed.
  const first = makeEvent({ door: 'front', type: 'access_granted', subject: 'p_abc', score: 0.81, liveness: 0.97, reason: 'match' });
  h.bus.emit('event', first);
  h.bus.emit('event', makeEvent({ door: 'front', type: 'unknown_face' }));
  const events = (await got) as { id: string; type: string }[];
  assert.deepEqual(
    events.map((e) => e.type),
    ['access_granted', 'unknown_face'],
  );
  assert.equal(events[0]?.id, first.id);
  const stored = await fetch(`${base}/api/events?type=access_granted`, { headers: { cookie: jar } });
  assert.equal(((await stored.json()) as { events: unknown[] }).events.length, 1);
});

test('TLS: on a LAN address without a certificate a self-signed one is made once (key 0600) and HTTPS is served', async () => {
  const dir = tempDir('facegate-tls-');
  const admin = { host: '0.0.0.0', tls_cert_file: null, tls_key_file: null, allow_plain_http_on_lan: false } as Parameters<typeof chooseTransport>[0];
  const t = chooseTransport(admin, dir, quietLog);
  assert.equal(t.source, 'self-signed');
  assert.match(t.https?.cert.toString() ?? '', /BEGIN CERTIFICATE/);
  assert.equal(statSync(join(dir, 'tls', 'admin-key.pem')).mode & 0o777, 0o600);
  const again = chooseTransport(admin, dir, quietLog);
  assert.ok(again.https?.cert.equals(t.https!.cert), 'the certificate is reused at the next start');

  assert.equal(chooseTransport({ ...admin, host: '127.0.0.1' }, dir, quietLog).source, 'plain-localhost');
  assert.equal(chooseTransport({ ...admin, allow_plain_http_on_lan: true }, dir, quietLog).source, 'plain-lan');
  assert.throws(
    () => chooseTransport({ ...admin, tls_cert_file: join(dir, 'missing.pem'), tls_key_file: join(dir, 'missing.key') }, dir, quietLog),
    /admin\.tls_cert_file: cannot read .*missing\.pem: ENOENT/,
  );
  assert.throws(() => chooseTransport({ ...admin, tls_cert_file: join(dir, 'tls', 'admin-cert.pem') }, dir, quietLog), /must be given together/);

  const hs = await adminHarness();
  assert.ok(existsSync(join(dir, 'tls', 'admin-cert.pem')));
  // The harness fixes plain HTTP; build one over the configured certificate directly.
  const { createAdminServer } = await import('../../../daemon/admin/index.ts');
  const secure = await createAdminServer({
    config: { ...hs.config, admin: { ...hs.config.admin, tls_cert_file: join(dir, 'tls', 'admin-cert.pem'), tls_key_file: join(dir, 'tls', 'admin-key.pem') } },
    services: { ...hs.services, status: { snapshot: () => ({ vision: null, camera: null, temperatureC: null }) } },
    db: hs.db,
    bus: hs.bus,
    log: hs.log,
  });
  assert.equal(secure.transport.source, 'configured');
  const url = new URL(await secure.start());
  const res = await new Promise<{ status: number; hsts: string | undefined; body: string }>((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port: url.port, path: '/api/health', ca: t.https!.cert, servername: 'localhost' }, (r) => {
      let body = '';
      r.on('data', (c: Buffer) => {
        body += c.toString();
      });
      r.on('end', () => resolve({ status: r.statusCode ?? 0, hsts: r.headers['strict-transport-security'] as string | undefined, body }));
    });
    req.on('error', reject);
    req.end();
  });
  await secure.stop();
  assert.equal(res.status, 200);
  assert.match(res.hsts ?? '', /max-age=/);
  assert.equal((JSON.parse(res.body) as { status: string }).status, 'ok');
});
