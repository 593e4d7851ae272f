// The PAD self-test end to end (issue 16 item 4): the real daemon with its replay camera, the real
// vision worker and PAD, and the panel's wizard in Chromium. The camera's folder shows live faces
// (two NUAA subjects), then is switched to printed photos between the phases, as an installer
// would hold up a print. The report must refuse the prints at the recommended level, keep only
// numbers, and its level can be saved from the panel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon } from '../../daemon/main.ts';
import { fixtureFrames, replayEnv, showOnReplay } from '../support/replay.ts';
import { browser, setUpInPanel } from '../support/panel.ts';
import { tempDir } from '../support/tmp.ts';

const PHASE_S = 6;

test(
  'self-test wizard on the real daemon: live faces, then printed photos, to the replay camera; report, recommendation, saved level',
  { timeout: 420_000 },
  async () => {
    const dir = tempDir('facegate-e2e-selftest-');
    const replay = join(dir, 'replay');
    mkdirSync(replay);
    showOnReplay(replay, [...fixtureFrames('person'), ...fixtureFrames('unknown')]);
    const daemon = await startDaemon({
      env: replayEnv(join(dir, 'data'), replay, { FACEGATE_DAEMON__LOG_LEVEL: 'silent' }),
    });
    const ctx = await browser({ width: 1280, height: 900 });
    try {
      const { page, base } = await setUpInPanel(ctx, daemon);

      await page.click('a[data-page=selftest]');
      await page.fill('#selftest input[name=seconds]', String(PHASE_S));
      await page.uncheck('#selftest input[name=attack][value=screen]');
      await page.click('#selftest-start');
      await page.waitForSelector('#selftest-status[data-status=waiting][data-phase=live]');
      await page.click('#selftest-next');
      await page.waitForSelector('#selftest-countdown');
      // The phase ends on the daemon's clock; the wizard then asks for the print.
      await page.waitForSelector('#selftest-status[data-status=waiting][data-phase=print]', { timeout: (PHASE_S + 30) * 1000 });

      showOnReplay(replay, fixtureFrames('spoof'));
      await new Promise((r) => setTimeout(r, 2000)); // a loop or two, so the live frames are gone
      await page.click('#selftest-next');
      await page.waitForSelector('#selftest-report', { timeout: (PHASE_S + 30) * 1000 });

      const view = (await (
        await fetch(`${base}/api/pad/selftest`, { headers: { cookie: (await ctx.cookies()).map((c) => `${c.name}=${c.value}`).join('; ') } })
      ).json()) as {
        status: string;
        report: {
          recommended_level: string | null;
          phases: Record<string, { judged: number }>;
          levels: Record<string, { bpcer: number | null; apcer: Record<string, { apcer: number | null; frames: number }> }>;
        };
      };
      assert.equal(view.status, 'done');
      const r = view.report;
      console.log(`self-test report: ${JSON.stringify({ recommended: r.recommended_level, phases: r.phases, balanced: r.levels.balanced })}`);
      assert.ok((r.phases.live?.judged ?? 0) >= 5, `live frames judged: ${JSON.stringify(r.phases)}`);
      assert.ok((r.levels.balanced?.apcer.print?.frames ?? 0) >= 5, `print frames: ${JSON.stringify(r.phases)}`);
      // The shipped PAD on NUAA-like frames: no print passes at the default level, and the owner gets in.
      assert.equal(r.levels.balanced?.apcer.print?.apcer, 0, JSON.stringify(r.levels));
      assert.ok((r.levels.balanced?.bpcer ?? 1) <= 0.2, JSON.stringify(r.levels));
      assert.ok(r.recommended_level, 'a level is recommended');
      assert.equal(await page.locator(`#selftest-report tr[data-level=${r.recommended_level}]`).getAttribute('class'), 'recommended');

      // Numbers only: nothing of the frames is kept, and the daemon audited the report.
      const reports = daemon.privacy.audit.list({}).filter((e) => e.action === 'pad.selftest.report');
      assert.equal(reports.length, 1);
      assert.doesNotMatch(JSON.stringify(reports[0]), /base64|"box"|embedding/);
      assert.deepEqual(
        readdirSync(join(dir, 'data')).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)),
        [],
      );

      if (r.recommended_level !== 'balanced') {
        await page.click('#selftest-apply');
        await page.waitForSelector('#selftest-applied');
        assert.match((await page.textContent('#selftest-applied')) ?? '', new RegExp(`pad.security_level is ${r.recommended_level}`));
      } else {
        assert.match((await page.textContent('#selftest-recommended')) ?? '', /already in use/);
      }
    } finally {
      await ctx.close();
      await daemon.stop('test');
    }
  },
);
