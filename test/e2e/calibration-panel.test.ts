// The calibration report end to end (issue 21): the real daemon with its replay camera and vision
// worker, a person enrolled from a photo in the panel, their live frames (granted), another
// subject's frames (unknown), then the Door page's Calibration section in Chromium draws both
// histograms from those decisions, with the thresholds and the verdicts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AccessDecision } from '../../daemon/core/index.ts';
import { startDaemon } from '../../daemon/main.ts';
import { enrollPhotos, fixtureFrames, replayEnv, showOnReplay } from '../support/replay.ts';
import { browser, enrollInPanel, setUpInPanel } from '../support/panel.ts';
import { tempDir } from '../support/tmp.ts';

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test(
  'calibration section on the real daemon: granted and unknown faces from the replay camera drawn against the thresholds',
  { timeout: 420_000 },
  async () => {
    const dir = tempDir('facegate-e2e-calibration-');
    const replay = join(dir, 'replay');
    mkdirSync(replay);
    const daemon = await startDaemon({
      env: replayEnv(join(dir, 'data'), replay, { FACEGATE_DAEMON__LOG_LEVEL: 'silent' }),
    });
    const decisions: AccessDecision[] = [];
    daemon.bus.on('decision', (d) => decisions.push(d));
    const ctx = await browser({ width: 1280, height: 1000 });
    try {
      const { page } = await setUpInPanel(ctx, daemon);
      await enrollInPanel(page, 'Subject One', enrollPhotos());

      showOnReplay(replay, fixtureFrames('person', 'a'));
      await until('a granted passage', () => decisions.some((d) => d.granted), 120_000);
      showOnReplay(replay, fixtureFrames('unknown', 'b'));
      await until('an unknown face', () => decisions.some((d) => d.reason === 'unknown'), 120_000);
      rmSync(replay, { recursive: true });
      mkdirSync(replay);

      const granted = decisions.filter((d) => d.granted).length;
      const unknown = decisions.filter((d) => d.reason === 'unknown').length;
      const live = decisions.filter((d) => d.reason !== 'spoof_suspected' && d.liveness !== null).length;
      const closest = Math.max(...decisions.filter((d) => d.reason === 'unknown').map((d) => d.score ?? -1));

      await page.click('a[data-page=door]');
      const card = page.locator('[data-calibration=front][data-loaded="7"]');
      await card.waitFor();
      const match = card.locator('[data-part=match]');
      const pad = card.locator('[data-part=pad]');
      assert.ok(Number(await match.locator('[data-series=granted].key').getAttribute('data-count')) >= granted, 'every granted passage so far is counted');
      assert.ok(Number(await match.locator('[data-series=unknown].key').getAttribute('data-count')) >= unknown);
      assert.ok(Number(await pad.locator('[data-series=live].key').getAttribute('data-count')) >= live);
      assert.ok((await match.locator('svg rect.bar[data-series=granted]').count()) >= 1, 'a granted bar is drawn');
      assert.ok((await match.locator('svg rect.bar[data-series=unknown]').count()) >= 1, 'an unknown bar is drawn');
      assert.ok((await pad.locator('svg rect.bar[data-series=live]').count()) >= 1, 'a live bar is drawn');
      assert.equal(Number(await match.locator('svg line.threshold').getAttribute('data-threshold')), daemon.identity.levelThreshold);
      assert.equal(Number(await pad.locator('svg line.threshold').getAttribute('data-threshold')), 0.5);
      const verdict = (await match.locator('[data-verdict]').textContent()) ?? '';
      assert.match(verdict, /stranger/, verdict);
      assert.ok(
        verdict.includes(closest.toFixed(2)) || verdict.includes((daemon.identity.levelThreshold - closest).toFixed(2)),
        `${verdict} names the closest stranger (${closest})`,
      );
      assert.match((await pad.locator('[data-verdict]').textContent()) ?? '', /PAD threshold 0\.50/);
      assert.doesNotMatch((await card.textContent()) ?? '', /Subject One|p_[0-9a-f]/, 'nothing about who');

      const shots = tempDir('facegate-e2e-calibration-shots-');
      const file = join(shots, 'calibration.png');
      await card.screenshot({ path: file });
      const png = readFileSync(file);
      assert.ok(png.length > 1000, `screenshot of ${png.length} bytes`);
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
    } finally {
      await ctx.close();
      await daemon.stop('test');
    }
  },
);
