// How the Activity card draws (web/js/charts.js) in Chromium, on a store the test fills: the
// admin server of test/support/admin.ts on real SQLite, a day of samples with a gap and a sensor
// that went missing. (dashboard-panel.test.ts has the real daemon and its live pipeline.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeEvent } from '../../daemon/core/index.ts';
import { MetricSamples } from '../../daemon/store/index.ts';
import { adminHarness } from '../support/admin.ts';
import { browser, setUpAt } from '../support/panel.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

test('activity card: stacked bars per bucket, lines broken where samples stop, the range selector, empty states', async () => {
  const h = await adminHarness();
  const now = Date.now();
  // Three hours ago: two granted and a lockout in one bucket; yesterday-ish (30 h ago): an unknown face, in the week only.
  for (const [type, reason, ago] of [
    ['access_granted', 'match', 3 * HOUR],
    ['access_granted', 'match', 3 * HOUR + MINUTE],
    ['access_denied', 'lockout', 3 * HOUR + 2 * MINUTE],
    ['unknown_face', 'unknown', 30 * HOUR],
  ] as const)
    h.events.append(makeEvent({ door: 'front', type, reason }, now - ago));
  const samples = new MetricSamples(h.db);
  // Every 5 minutes over the last 10 hours but for a two-hour gap (the daemon was off) 4–6 h ago; no temperature sensor.
  for (let ago = 10 * HOUR; ago >= 0; ago -= 5 * MINUTE)
    if (ago < 4 * HOUR || ago > 6 * HOUR) samples.add({ at: now - ago, cameraFps: 8, analysisFps: ago < HOUR ? 2 : 0.5, temperatureC: null });

  const base = await h.server.start();
  const ctx = await browser({ width: 1280, height: 1200 });
  const errors: string[] = [];
  ctx.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  try {
    const { page } = await setUpAt(ctx, base, h.server.setupCode ?? '');
    const day = page.locator('#activity[data-loaded="24h"]');
    await day.waitFor();

    const rects = day.locator('[data-part=decisions] rect.bar');
    assert.deepEqual((await rects.evaluateAll((els) => els.map((e) => [e.getAttribute('data-outcome'), e.getAttribute('data-count')]))).sort(), [
      ['granted', '2'],
      ['lockout', '1'],
    ]);
    const [granted, lockout] = await Promise.all(
      ['granted', 'lockout'].map((o) =>
        day
          .locator(`rect.bar[data-outcome=${o}]`)
          .evaluate((e) => ({ y: Number(e.getAttribute('y')), h: Number(e.getAttribute('height')), bucket: e.getAttribute('data-bucket') })),
      ),
    );
    assert.equal(granted!.bucket, lockout!.bucket, 'one bucket');
    assert.ok(Math.abs(lockout!.y + lockout!.h - granted!.y) < 0.2, 'the lockout stacks on the granted');
    assert.ok(Math.abs(granted!.h - 2 * lockout!.h) < 0.2, 'heights in proportion to the counts');
    assert.match((await day.locator('rect.bar[data-outcome=granted] title').textContent()) ?? '', /^granted: 2, /);

    // 10 h of 5-minute samples with a 2-hour hole: two runs of the line, 48 and 24 points or so.
    const camera = day.locator('[data-part=rates] polyline[data-series=camera_fps]');
    assert.equal(await camera.count(), 2, 'the gap breaks the line');
    const points = await camera.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-points'))));
    assert.ok(
      points.every((n) => n >= 20),
      `points per run: ${points}`,
    );
    assert.equal(points[0], ((await camera.first().getAttribute('points')) ?? '').split(' ').length);
    assert.equal(await day.locator('[data-part=temperature] [data-empty=temperature]').count(), 1, 'no sensor: the empty state');
    assert.equal(await day.locator('[data-part=temperature] svg').count(), 0);

    await page.selectOption('#activity select', '7d');
    const week = page.locator('#activity[data-loaded="7d"]');
    await week.waitFor();
    assert.equal(Number(await week.locator('.legend [data-key=unknown]').getAttribute('data-count')), 1, 'the week takes in the unknown face');
    assert.equal(await week.locator('[data-part=decisions] svg .tick').count(), 2 + 7, 'two y labels, one time label a day');
    // (Chromium's own request for /favicon.ico, which no page response shows, is a 404 the panel does not cause.)
    assert.deepEqual(
      errors.filter((e) => !/status of 404/.test(e)),
      [],
      'no script or CSP error',
    );
  } finally {
    await ctx.close();
  }
});
