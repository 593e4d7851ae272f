import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { startDaemon } from '../../../daemon/main.ts';
import { isolatedEnv } from '../../support/daemon.ts';
import { tempDir } from '../../support/tmp.ts';

const FACE = fileURLToPath(new URL('../../fixtures/pad/live__0001_00_00_01_0.jpg', import.meta.url));

/**
 * The admin API inside the real daemon: real identity (vision worker on a real photo), real doors
 * (simulated lines), privacy's audit log. Proves main.ts wires admin to the rooms, not to stand-ins.
 */
test('daemon: admin served by main.ts; setup, enroll a real photo through identity with its face box, refuse a faceless one, unlock, export, erase', async () => {
  const dir = tempDir('facegate-admin-daemon-');
  const daemon = await startDaemon({
    env: isolatedEnv(dir, { FACEGATE_DAEMON__LOG_LEVEL: 'silent', FACEGATE_DOORS: '[{id: front, name: Front, driver: simulated}]' }),
  });
  try {
    assert.ok(daemon.admin, 'admin is enabled by default');
    const base = `http://127.0.0.1:${new URL(daemon.admin.address ?? 'http://0.0.0.0:0').port}`;
    const setup = await fetch(`${base}/api/auth/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: daemon.admin.setupCode, username: 'owner', password: 'correct horse battery' }),
    });
    assert.equal(setup.status, 200);
    const jar = setup.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const csrf = /fg_csrf=([^;]+)/.exec(jar)?.[1] ?? '';
    const headers = { cookie: jar, 'x-csrf-token': csrf };
    const json = { ...headers, 'content-type': 'application/json' };

    const created = await fetch(`${base}/api/people`, { method: 'POST', headers: json, body: JSON.stringify({ name: 'Subject One' }) });
    assert.equal(created.status, 201);
    const id = ((await created.json()) as { id: string }).id;
    assert.equal(daemon.identity.people.list().length, 0, 'nothing stored before a photo is accepted');

    const blank = new FormData();
    blank.append(
      'photo',
      new Blob(
        [
          await sharp({ create: { width: 320, height: 240, channels: 3, background: '#777' } })
            .jpeg()
            .toBuffer(),
        ],
        { type: 'image/jpeg' },
      ),
      'wall.jpg',
    );
    const refused = await fetch(`${base}/api/people/${id}/templates`, { method: 'POST', headers, body: blank });
    assert.equal(refused.status, 200);
    const r1 = (await refused.json()) as { results: { added: boolean; verdict: { ok: boolean; reasons: string[]; box: unknown } }[]; templates: number };
    assert.equal(r1.results[0]?.added, false);
    assert.equal(r1.results[0]?.verdict.box, null);
    assert.ok((r1.results[0]?.verdict.reasons[0] ?? '').length > 0, 'the refusal says why');
    assert.equal(daemon.identity.people.list().length, 0);

    const form = new FormData();
    form.append('photo', new Blob([readFileSync(FACE)], { type: 'image/jpeg' }), 'subject-one.jpg');
    const added = await fetch(`${base}/api/people/${id}/templates`, { method: 'POST', headers, body: form });
    assert.equal(added.status, 200);
    const r2 = (await added.json()) as {
      results: { added: boolean; verdict: { box: { x: number; y: number; width: number; height: number } | null; image_width: number } }[];
      templates: number;
    };
    assert.equal(r2.results[0]?.added, true, JSON.stringify(r2));
    assert.equal(r2.templates, 1);
    const box = r2.results[0]?.verdict.box;
    assert.ok(box && box.width > 40 && box.x >= 0 && box.x + box.width <= 640, `face box ${JSON.stringify(box)}`);
    assert.equal(r2.results[0]?.verdict.image_width, 640);
    assert.deepEqual(
      daemon.identity.people.list().map((p) => [p.id, p.displayName, p.templates]),
      [[id, 'Subject One', 1]],
    );

    // The enrollment started the vision worker: the status page names its backend and models.
    const status = (await (await fetch(`${base}/api/status`, { headers })).json()) as { vision: { backend: string; models: string[]; ready: boolean } | null };
    assert.equal(status.vision?.ready, true, JSON.stringify(status.vision));
    assert.match(status.vision?.backend ?? '', /^(wasm|tensorflow)/);
    assert.match(
      status.vision?.backend ?? '',
      / \+ onnxruntime-web \S+ wasm\+simd, \d+ threads?$/,
      'the embedder runs on onnxruntime: the status page says so',
    );
    for (const model of ['blazeface@', 'faceplugin-feature@', 'facemesh@'])
      assert.ok(
        (status.vision?.models ?? []).some((m) => m.startsWith(model)),
        JSON.stringify(status.vision),
      );

    const unlock = await fetch(`${base}/api/doors/front/unlock`, { method: 'POST', headers });
    assert.equal(((await unlock.json()) as { accepted: boolean }).accepted, true);
    assert.equal(daemon.doors.status('front').lock, 'unlocked');

    const exported = await fetch(`${base}/api/people/${id}/export`, { headers });
    assert.equal(exported.status, 200);
    assert.match(await exported.text(), /Subject One/);

    const erased = await fetch(`${base}/api/people/${id}`, { method: 'DELETE', headers });
    assert.equal(erased.status, 200);
    assert.equal(daemon.identity.people.list().length, 0);
    assert.equal(daemon.identity.gallery?.hasPerson(id) ?? false, false, 'the face is unknown again');
    assert.equal((await fetch(`${base}/api/people/${id}`, { headers })).status, 404);

    const actions = daemon.privacy.audit.list({ limit: 50 }).map((e) => e.action);
    for (const a of ['auth.setup', 'person.enroll', 'person.templates_from_photos', 'door.unlock', 'person.export', 'person.erase'])
      assert.ok(actions.includes(a), `${a} in ${actions.join(',')}`);
    assert.equal(daemon.privacy.audit.verify().ok, true);
  } finally {
    await daemon.stop('test');
  }
});
