// A person's figures end to end (issue 21): the real daemon with its replay camera and vision
// worker, a person enrolled from photos in the panel, their live frames granted, a stranger, then
// the same person outside the schedule the panel gave them (refused while recognised). Their page
// in Chromium shows the counts, the decision times the events recorded, the last refusal and why,
// and the charts of their decision times and scores; the screenshot's pixels hold the bars and
// the threshold line.
// After their erasure the figures are gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { FacegateEvent } from '../../daemon/core/index.ts';
import { startDaemon } from '../../daemon/main.ts';
import { enrollPhotos, fixtureFrames, replayEnv, showOnReplay } from '../support/replay.ts';
import type { Page } from 'playwright-core';
import { browser, enrollInPanel, setUpInPanel } from '../support/panel.ts';
import { tempDir } from '../support/tmp.ts';
import { eventually } from '../support/within.ts';

const SHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));

/** Pixels of the PNG within 14 of the colour on every channel (antialiased edges are left out). */
async function pixelsOf(png: string, rgb: [number, number, number]): Promise<number> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let n = 0;
  for (let i = 0; i < data.length; i += info.channels)
    if (Math.abs(data[i]! - rgb[0]) <= 14 && Math.abs(data[i + 1]! - rgb[1]) <= 14 && Math.abs(data[i + 2]! - rgb[2]) <= 14) n += 1;
  return n;
}

/** A weekly window that does not hold the present hour (UTC), every day. */
function scheduleNotNow(): { timezone: string; windows: { days: string[]; from: string; to: string }[] } {
  const hh = (h: number) => `${String(h % 24).padStart(2, '0')}:00`;
  const now = new Date().getUTCHours();
  return { timezone: 'UTC', windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: hh(now + 6), to: hh(now + 7) }] };
}

/** A call to the admin API from the signed-in page, as the panel makes it (session cookie, CSRF token). */
function inPage(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return page.evaluate(
    async ([m, p, b]) => {
      const csrf = decodeURIComponent(/(?:^|; )fg_csrf=([^;]*)/.exec(document.cookie)?.[1] ?? '');
      const init: RequestInit = { method: m, headers: { 'x-csrf-token': csrf, 'content-type': 'application/json' } };
      if (b !== undefined) init.body = JSON.stringify(b);
      const res = await fetch(p, init);
      return { status: res.status, json: await res.json() };
    },
    [method, path, body] as const,
  );
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return Math.round(s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2);
};

test(
  "a person's page on the real daemon: grants, decision times and a schedule refusal from the replay camera, drawn; gone after erasure",
  { timeout: 480_000 },
  async () => {
    const dir = tempDir('facegate-e2e-person-stats-');
    const replay = join(dir, 'replay');
    mkdirSync(replay);
    const daemon = await startDaemon({ env: replayEnv(join(dir, 'data'), replay, { FACEGATE_DAEMON__LOG_LEVEL: 'silent' }) });
    const events: FacegateEvent[] = [];
    daemon.bus.on('event', (e) => events.push(e));
    const ctx = await browser({ width: 1280, height: 1400 });
    try {
      const { page } = await setUpInPanel(ctx, daemon);
      page.on('dialog', (d) => void d.accept());
      await enrollInPanel(page, 'Subject One', enrollPhotos());
      const id = (await page.locator('[data-person-page]').getAttribute('data-person-page')) ?? '';
      const subject = daemon.privacy.pseudonyms.subject(id);
      const mine = (type: string, reason?: string) => events.filter((e) => e.subject === subject && e.type === type && (!reason || e.reason === reason));

      showOnReplay(replay, fixtureFrames('person', 'a'));
      await eventually(120_000, () => mine('access_granted').length > 0, 'a granted passage');
      // A stranger in front of the camera ends the person's track, so their next passage is decided anew.
      showOnReplay(replay, fixtureFrames('unknown', 'b'));
      await eventually(120_000, () => events.some((e) => e.type === 'unknown_face'), 'an unknown face');
      const changed = await inPage(page, 'PATCH', `/api/people/${id}`, { schedule: scheduleNotNow() });
      assert.equal(changed.status, 200, 'the schedule is set through the admin API');
      showOnReplay(replay, fixtureFrames('person', 'c'));
      await eventually(120_000, () => mine('access_denied', 'outside_schedule').length > 0, 'a refusal outside the schedule');

      const grants = mine('access_granted');
      const refusal = mine('access_denied', 'outside_schedule').at(-1)!;
      assert.ok(
        grants.every((e) => Number.isInteger(e.decision_ms) && e.decision_ms! > 0),
        `the live pipeline timed each decision: ${grants.map((e) => e.decision_ms)}`,
      );

      await page.click('a[data-page=dashboard]');
      await page.click('a[data-page=people]');
      await page.click(`#people-table tr[data-person="${id}"] button:text("Details")`);
      const card = page.locator(`[data-person-stats="${id}"][data-loaded="30"]`);
      await card.waitFor();
      assert.equal(Number(await card.locator('[data-figure=grants]').textContent()), grants.length);
      const times = (await card.locator('[data-figure=decision]').textContent()) ?? '';
      const slowest = Math.max(...grants.map((e) => e.decision_ms!));
      assert.ok(times.includes(`median ${median(grants.map((e) => e.decision_ms!))} ms`) && times.includes(`slowest ${slowest} ms`), times);
      assert.match((await card.locator('[data-figure=refusals]').textContent()) ?? '', /^1 \(outside schedule 1\)$/);
      const when = await page.evaluate((ts) => new Date(ts).toLocaleString(), refusal.ts);
      assert.equal(await card.locator('[data-figure=last-refusal]').textContent(), `${when}: outside their schedule`);
      assert.equal(Number(await card.locator('[data-series=granted].key').getAttribute('data-count')), grants.length);
      assert.equal(Number(await card.locator('[data-series=refused].key').getAttribute('data-count')), 1);
      const timed = card.locator('.person-decisions svg.histogram');
      const bins = [...new Set(grants.map((e) => Math.min(19, Math.floor(e.decision_ms! / 100))))];
      for (const bin of bins) assert.equal(await timed.locator(`rect.bar[data-series=decision][data-bin="${bin}"]`).count(), 1, `a bar in bin ${bin}`);
      assert.equal(await timed.locator('rect.bar').count(), bins.length, 'no other decision-time bar');
      assert.equal(await timed.locator('line.threshold').count(), 0, 'no threshold on decision times');
      const chart = card.locator('.person-scores svg.histogram');
      assert.ok((await chart.locator('rect.bar[data-series=granted]').count()) >= 1, 'a granted bar is drawn');
      assert.equal(await chart.locator('rect.bar[data-series=refused]').count(), 1, 'the refusal is drawn');
      assert.equal(Number(await chart.locator('line.threshold').getAttribute('data-threshold')), daemon.identity.levelThreshold);
      const verdict = card.locator('[data-verdict]');
      assert.ok(['ok', 'close'].includes((await verdict.getAttribute('data-verdict')) ?? ''), 'their passages scored over the threshold');
      assert.match((await verdict.textContent()) ?? '', new RegExp(`above ${daemon.identity.levelThreshold.toFixed(2)}`));
      assert.doesNotMatch((await card.textContent()) ?? '', /p_[0-9a-f]{6}/, 'no pseudonym on the page');

      // The whole card for a person to look at (test/e2e/screenshots, not committed); the chart's pixels are checked here.
      mkdirSync(SHOTS, { recursive: true });
      await card.screenshot({ path: join(SHOTS, '20-person-stats.png') });
      const shot = join(tempDir('facegate-e2e-person-stats-shots-'), 'chart.png');
      await chart.screenshot({ path: shot });
      assert.ok((await pixelsOf(shot, [0x19, 0x83, 0x4a])) > 30, 'green granted bars in the screenshot');
      assert.ok((await pixelsOf(shot, [0xb2, 0x6a, 0x00])) > 30, 'an amber refused bar in the screenshot');
      assert.ok((await pixelsOf(shot, [0xc6, 0x28, 0x28])) > 30, 'the red threshold line in the screenshot');

      // A viewer sees the person but is told, not shown, their figures, and the page asks the API nothing for them.
      assert.equal((await inPage(page, 'POST', '/api/users', { username: 'wall', password: 'viewer password 1', role: 'viewer' })).status, 201);
      const wall = await browser({ width: 1280, height: 900 });
      try {
        const v = wall.pages()[0] ?? (await wall.newPage());
        const asked: string[] = [];
        v.on('request', (r) => void (r.url().includes('/stats') && asked.push(r.url())));
        await v.goto(page.url().replace(/#.*$/, ''));
        await v.fill('#login-form input[name=username]', 'wall');
        await v.fill('#login-form input[name=password]', 'viewer password 1');
        await v.click('#login-form button[type=submit]');
        await v.click('a[data-page=people]');
        await v.click(`#people-table tr[data-person="${id}"] button:text("Details")`);
        const told = v.locator(`[data-person-stats="${id}"]`);
        assert.match((await told.textContent()) ?? '', /Only an administrator sees/);
        assert.equal(await told.locator('[data-figure], svg').count(), 0);
        assert.deepEqual(asked, []);
      } finally {
        await wall.close();
      }

      await page.click(`#people-table tr[data-person="${id}"] button.danger`);
      await page.waitForSelector('#people-table td:text("Nobody enrolled yet.")');
      assert.equal((await inPage(page, 'GET', `/api/people/${id}/stats`)).status, 404, 'no figures for an erased person');
      const left = (await inPage(page, 'GET', '/api/events?limit=500')).json as { events: { event: { subject: string | null; type: string } }[] };
      assert.ok(!left.events.some((e) => e.event.subject === subject), 'their events went with them');
      assert.ok(
        left.events.some((e) => e.event.type === 'unknown_face'),
        "the stranger's stay",
      );
    } finally {
      await ctx.close();
      await daemon.stop('test');
    }
  },
);
