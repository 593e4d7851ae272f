// The dashboard's activity card end to end (issue 21): the real daemon with its replay camera and
// vision worker, a person enrolled from photos in the panel, then their live frames (granted), a
// stranger's (unknown) and printed photos of the person (spoof suspected) through the live
// pipeline; the metrics sampler every second with a fake thermal zone. The Dashboard page in
// Chromium draws those decisions as bars and the samples as lines; the test reads the drawn
// elements and looks for their colours in screenshots of the charts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { Locator } from 'playwright-core';
import type { AccessDecision } from '../../daemon/core/index.ts';
import { startDaemon } from '../../daemon/main.ts';
import { enrollPhotos, fixtureFrames, replayEnv, showOnReplay } from '../support/replay.ts';
import { browser, enrollInPanel, setUpInPanel } from '../support/panel.ts';
import { fakeThermal } from '../support/thermal.ts';
import { tempDir } from '../support/tmp.ts';
import { eventually } from '../support/within.ts';

const SHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));

/** style.css's colours of the outcomes and lines the test looks for. */
const COLOURS = { granted: [0x19, 0x83, 0x4a], unknown: [0xb2, 0x6a, 0x00], spoof: [0xc6, 0x28, 0x28], camera: [0x24, 0x58, 0xd6] } as const;

/** How many pixels of a screenshot of `el` are within a small distance of `rgb`. */
async function pixelsOf(el: Locator, rgb: readonly number[]): Promise<number> {
  const { data, info } = await sharp(await el.screenshot())
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  let n = 0;
  for (let i = 0; i < data.length; i += info.channels) {
    if (Math.abs(data[i]! - rgb[0]!) + Math.abs(data[i + 1]! - rgb[1]!) + Math.abs(data[i + 2]! - rgb[2]!) < 24) n++;
  }
  return n;
}

/** The sum of data-count over the bars of one outcome, and their titles. */
async function bars(card: Locator, outcome: string): Promise<{ count: number; titles: string[] }> {
  const rects = card.locator(`[data-part=decisions] svg rect.bar[data-outcome=${outcome}]`);
  const counts = await rects.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
  const titles = await rects.locator('title').allTextContents();
  return { count: counts.reduce((a, b) => a + b, 0), titles };
}

test(
  'dashboard on the real daemon: a grant, an unknown face and a spoof from the replay camera as bars, sampled fps and temperature as lines',
  { timeout: 480_000 },
  async () => {
    const dir = tempDir('facegate-e2e-dashboard-');
    const replay = join(dir, 'replay');
    mkdirSync(replay);
    const thermal = fakeThermal([
      ['acpitz', '30000'],
      ['cpu-thermal', '47500'],
    ]);
    const daemon = await startDaemon({
      env: replayEnv(join(dir, 'data'), replay, {
        FACEGATE_DAEMON__LOG_LEVEL: 'silent',
        FACEGATE_DAEMON__METRICS_SAMPLE_S: '1',
        FACEGATE_DAEMON__THERMAL_ROOT: thermal,
      }),
    });
    const decisions: AccessDecision[] = [];
    daemon.bus.on('decision', (d) => decisions.push(d));
    const ctx = await browser({ width: 1280, height: 1000 });
    try {
      const { page } = await setUpInPanel(ctx, daemon);
      const empty = page.locator('#activity[data-loaded="24h"]');
      await empty.waitFor();
      assert.equal(await empty.locator('[data-empty=decisions]').count(), 1, 'no decision yet: the empty state');

      await enrollInPanel(page, 'Subject One', enrollPhotos());
      showOnReplay(replay, fixtureFrames('person', 'a'));
      await eventually(120_000, () => decisions.some((d) => d.granted), 'a granted passage');
      showOnReplay(replay, fixtureFrames('unknown', 'b'));
      await eventually(120_000, () => decisions.some((d) => d.reason === 'unknown'), 'an unknown face');
      showOnReplay(replay, fixtureFrames('spoof', 'c'));
      await eventually(120_000, () => decisions.some((d) => d.reason === 'spoof_suspected'), 'a suspected spoof');
      showOnReplay(replay, []);
      // The tracks still open when the camera went blank conclude or expire: wait until no decision came for 5 s.
      let seen = -1;
      await eventually(
        60_000,
        async () => {
          const n = decisions.length;
          if (n === seen) return true;
          seen = n;
          await new Promise((r) => setTimeout(r, 5000));
          return false;
        },
        'the decisions to settle',
      );
      const expected = {
        granted: decisions.filter((d) => d.granted).length,
        unknown: decisions.filter((d) => d.reason === 'unknown').length,
        spoof_suspected: decisions.filter((d) => d.reason === 'spoof_suspected').length,
        // Five refusals within a minute would lock the door out: then its refusals count here.
        lockout: decisions.filter((d) => d.reason === 'lockout').length,
      };

      await page.click('a[data-page=dashboard]');
      const card = page.locator('#activity[data-loaded="24h"]');
      await card.waitFor();
      for (const [outcome, n] of Object.entries(expected)) {
        const drawn = await bars(card, outcome);
        assert.equal(drawn.count, n, `${outcome}: the bars count every decision (${JSON.stringify(decisions.map((d) => d.reason))})`);
        assert.ok(drawn.titles.length >= Math.min(n, 1) && drawn.titles.every((t) => /: \d+, /.test(t)), drawn.titles.join(' | '));
        assert.equal(Number(await card.locator(`.legend [data-key=${outcome}]`).getAttribute('data-count')), n);
      }

      // Samples every second: at least one 5-minute step holds the camera's fps and 47.5 °C.
      const camera = card.locator('[data-part=rates] polyline[data-series=camera_fps]');
      assert.ok((await camera.count()) >= 1, 'a camera fps line');
      assert.match((await camera.last().getAttribute('points')) ?? '', /^\d+(\.\d)?,\d+(\.\d)?( \d+(\.\d)?,\d+(\.\d)?)*$/);
      assert.match((await camera.last().locator('title').textContent()) ?? '', /^camera fps: latest \d+\.\d fps$/);
      assert.ok((await card.locator('[data-part=rates] polyline[data-series=analysis_fps]').count()) >= 1, 'an analysis rate line');
      const temperature = card.locator('[data-part=temperature] polyline[data-series=temperature_c]');
      assert.ok(Number(await temperature.last().getAttribute('data-points')) >= 1);
      assert.equal(await temperature.last().locator('title').textContent(), 'temperature °C: latest 47.5 °C', 'the fake thermal zone');
      assert.doesNotMatch((await card.textContent()) ?? '', /Subject One|p_[0-9a-f]/, 'nothing about who');

      // What Chromium drew: each outcome's colour in the bars, the camera line's in its chart.
      const barChart = card.locator('[data-part=decisions] svg');
      for (const key of ['granted', 'unknown', 'spoof'] as const) assert.ok((await pixelsOf(barChart, COLOURS[key])) > 20, `${key} bars are drawn`);
      assert.ok((await pixelsOf(card.locator('[data-part=rates] svg'), COLOURS.camera)) > 5, 'the camera fps line is drawn');
      // Kept for a person to look at, as admin-panel.test.ts keeps its own (not committed).
      mkdirSync(SHOTS, { recursive: true });
      await card.screenshot({ path: join(SHOTS, 'dashboard-activity.png') });
      const meta = await sharp(join(SHOTS, 'dashboard-activity.png')).metadata();
      assert.equal(meta.format, 'png');
      assert.ok((meta.height ?? 0) > 400, `the card with its three charts: ${meta.width}×${meta.height}`);
    } finally {
      await ctx.close();
      await daemon.stop('test');
    }
  },
);
