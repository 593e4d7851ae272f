// A door's own PAD model in the panel (issue 26): the Self-test page's card on the real daemon with
// two doors, in Chromium. A proposed file is accepted for the camera door and its figures shown; the
// door without the camera refuses it with the daemon's reason; a file that is not JSON is caught in
// the page and never sent; removing asks first, then the shipped model judges again. After the
// camera changed, a kept adaptation shows as stale with the daemon's reason, and the dashboard says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { startDaemon, type RunningDaemon } from '../../daemon/main.ts';
import { isolatedEnv } from '../support/daemon.ts';
import { craftedAdaptation } from '../support/pad-adaptation.ts';
import { browser, panelUrl, setUpInPanel } from '../support/panel.ts';
import { tempDir } from '../support/tmp.ts';

const SHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
// Two doors, in a config file as an installer writes them (FACEGATE_DOORS would do the same).
// The camera watches front (camera.door's default); back has no camera.
const DOORS = 'doors:\n  - { id: front, name: Front, driver: simulated }\n  - { id: back, name: Back, driver: simulated, lock: { pin: 27 } }\n';

interface View {
  state: string;
  sha256: string | null;
  accepted_at: string | null;
  accepted_by: string | null;
}

/** The panel's own figures format: percent with one decimal, '-' for a rate that could not be measured. */
const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : `${(100 * v).toFixed(1)} %`);

/** The daemon on its own data dir with the two doors; `extra`: more settings, e.g. another camera size. */
async function start(dir: string, extra: NodeJS.ProcessEnv = {}): Promise<RunningDaemon> {
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, DOORS);
  return startDaemon({ configFile, env: isolatedEnv(join(dir, 'data'), { FACEGATE_DAEMON__LOG_LEVEL: 'silent', ...extra }) });
}

/** GET on the admin API as the signed-in page (its cookies), outside the page. */
async function apiGet<T>(ctx: BrowserContext, base: string, path: string): Promise<T> {
  const cookie = (await ctx.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const res = await fetch(`${base}${path}`, { headers: { cookie } });
  assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
  return (await res.json()) as T;
}

test('adaptation card: accept for the camera door with its figures, refused for the other door, not-JSON caught in the page, remove after confirming', async () => {
  mkdirSync(SHOTS, { recursive: true });
  const dir = tempDir('facegate-e2e-adaptation-');
  const file = craftedAdaptation();
  const good = join(dir, 'front-adaptation.json');
  writeFileSync(good, JSON.stringify(file, null, 2));
  const daemon = await start(dir);
  const ctx = await browser({ width: 1280, height: 900 });
  try {
    const { page, base } = await setUpInPanel(ctx, daemon);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const puts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'PUT' && r.url().includes('/pad-adaptation')) puts.push(r.url());
    });
    const view = (door: string) => apiGet<View>(ctx, base, `/api/doors/${door}/pad-adaptation`);

    await page.click('a[data-page=selftest]');
    await page.waitForSelector('#adaptation-front[data-state=none]');
    await page.waitForSelector('#adaptation-back[data-state=none]');
    assert.match((await page.textContent('#adaptation-front [data-field=state]')) ?? '', /the shipped model judges this door/);
    assert.equal(await page.locator('#adaptation-front-remove').count(), 0, 'nothing to remove yet');
    assert.match((await page.textContent('#adaptation-front label[for=adaptation-front-file]')) ?? '', /^Accept a proposed file/);

    // Accepted for the camera door: active, with who, the level and the figures it was accepted on.
    await page.setInputFiles('#adaptation-front-file', good);
    await page.waitForSelector('#adaptation-front[data-state=active]');
    const accepted = await view('front');
    assert.equal(accepted.state, 'active');
    assert.match(accepted.accepted_by ?? '', /owner/);
    assert.match((await page.textContent('#adaptation-front [data-field=accepted]')) ?? '', new RegExp(` by ${accepted.accepted_by}$`));
    assert.equal(await page.textContent('#adaptation-front [data-field=level]'), file.level);
    const cell = (row: string, when: string) => page.textContent(`#adaptation-front-figures tr[data-field=${row}] td[data-when=${when}]`);
    const { before, after, frames, presenters } = file.report;
    assert.equal(await cell('bpcer', 'before'), pct(before.bpcer));
    assert.equal(await cell('bpcer', 'after'), pct(after.bpcer));
    const attacks = Object.keys(after.apcer);
    assert.deepEqual(attacks.sort(), ['print', 'screen']);
    for (const a of attacks) {
      assert.equal(await cell(`apcer-${a}`, 'before'), pct(before.apcer[a]), `APCER ${a} before`);
      assert.equal(await cell(`apcer-${a}`, 'after'), pct(after.apcer[a]), `APCER ${a} after`);
    }
    const framesText = (await page.textContent('#adaptation-front [data-field=frames]')) ?? '';
    for (const [kind, n] of Object.entries(frames)) assert.ok(framesText.includes(`${kind} ${n}`), `${kind} ${n} in "${framesText}"`);
    assert.ok(framesText.endsWith(`from ${presenters} presenters`), framesText);
    assert.match((await page.textContent('#adaptation-front label[for=adaptation-front-file]')) ?? '', /^Replace it with a proposed file/);
    await page.locator('#adaptation').screenshot({ path: `${SHOTS}12-adaptation-active.png` });

    // The door without the camera: the daemon's reason inline, and nothing kept for it.
    await page.setInputFiles('#adaptation-back-file', good);
    await page.waitForSelector('#adaptation-back-error:has-text("has no camera")');
    assert.equal(await page.getAttribute('#adaptation-back', 'data-state'), 'none');
    assert.equal((await view('back')).state, 'none');
    assert.equal(puts.length, 2, 'both uploads were sent');

    // Not JSON: said in the page, never sent, the accepted one unchanged.
    await page.setInputFiles('#adaptation-front-file', { name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('door front, balanced\n') });
    await page.waitForSelector('#adaptation-front-error:has-text("is not a JSON file")');
    assert.match((await page.textContent('#adaptation-front-error')) ?? '', /notes\.json is not a JSON file .*nothing was sent/);
    assert.equal(puts.length, 2, 'the file that is not JSON was not sent');
    assert.deepEqual(await view('front'), accepted);
    assert.equal(await page.getAttribute('#adaptation-front', 'data-state'), 'active');

    // Remove asks in the page first: "Keep it" keeps it, only the confirmation removes it.
    await page.click('#adaptation-front-remove');
    await page.click('#adaptation-front-remove-cancel');
    await page.waitForSelector('#adaptation-front-remove-confirm', { state: 'hidden' });
    assert.equal((await view('front')).state, 'active', 'kept when the removal is not confirmed');
    await page.click('#adaptation-front-remove');
    await page.waitForSelector('#adaptation-front-remove-confirm');
    assert.equal((await view('front')).state, 'active', 'not removed before it is confirmed');
    await page.click('#adaptation-front-remove-confirm');
    await page.waitForSelector('#adaptation-front[data-state=none]');
    assert.equal((await view('front')).state, 'none');
    await page.locator('#adaptation').screenshot({ path: `${SHOTS}13-adaptation-removed.png` });

    const audit = (action: string) => apiGet<{ entries: { target: string | null }[] }>(ctx, base, `/api/audit?action=${action}`);
    assert.deepEqual(
      (await audit('pad.adaptation.accept')).entries.map((e) => e.target),
      ['front'],
    );
    assert.deepEqual(
      (await audit('pad.adaptation.remove')).entries.map((e) => e.target),
      ['front'],
    );
    assert.deepEqual(pageErrors, []);
  } finally {
    await ctx.close();
    await daemon.stop('test');
  }
});

test('adaptation card after the camera changed: stale, with the reason, as a warning; the dashboard lists it among the health problems', async () => {
  mkdirSync(SHOTS, { recursive: true });
  const dir = tempDir('facegate-e2e-adaptation-stale-');
  const good = join(dir, 'front-adaptation.json');
  writeFileSync(good, JSON.stringify(craftedAdaptation()));
  let daemon: RunningDaemon | null = await start(dir);
  const ctx = await browser({ width: 1280, height: 900 });
  try {
    const { page } = await setUpInPanel(ctx, daemon);
    await page.click('a[data-page=selftest]');
    await page.setInputFiles('#adaptation-front-file', good);
    await page.waitForSelector('#adaptation-front[data-state=active]');

    // Another camera size: the adaptation is kept but no longer matches the camera it was accepted on.
    await daemon.stop('test');
    daemon = null;
    daemon = await start(dir, { FACEGATE_CAMERA__WIDTH: '1280', FACEGATE_CAMERA__HEIGHT: '720' });
    const base = panelUrl(daemon);
    await page.goto(`${base}/#/selftest`); // still signed in: the session is kept in the database
    await page.waitForSelector('#adaptation-front[data-state=stale]');
    const state = page.locator('#adaptation-front [data-field=state]');
    assert.equal(await state.getAttribute('class'), 'warn');
    assert.match(
      (await state.textContent()) ?? '',
      /^Stale: kept, but not used; the shipped model judges this door\. Why: accepted on camera "none:none 640x480"; the camera is now "none:none 1280x720"$/,
    );
    assert.equal(await page.locator('#adaptation-front-remove').count(), 1, 'a stale one can be removed');
    await page.locator('#adaptation').screenshot({ path: `${SHOTS}14-adaptation-stale.png` });

    await page.click('a[data-page=dashboard]');
    await page.waitForSelector('#health');
    assert.equal(await page.textContent('#health'), 'degraded');
    assert.match((await page.textContent('#page-dashboard dd.bad')) ?? '', /door front: PAD adaptation stale, the shipped model judges/);
  } finally {
    await ctx.close();
    await daemon?.stop('test');
  }
});
