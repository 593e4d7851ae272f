// The self-test wizard's last step end to end (issue 26): the real daemon with its replay camera,
// the real vision worker collecting evidence and the fit in its own thread, the panel in Chromium.
// Two NUAA subjects present in turn, each live and then their printed photo (the camera's folder
// is switched between the phases); the wizard shows the figures before and after, and the
// operator accepts the door's own model, which the door then uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon } from '../../daemon/main.ts';
import { NUAA, nuaaFrames, replayEnv, showOnReplay } from '../support/replay.ts';
import { browser, setUpInPanel } from '../support/panel.ts';
import { tempDir } from '../support/tmp.ts';

const PHASE_S = 6;

test(
  "self-test wizard fitting the door's own PAD model: two people in turn, figures before and after, accepted and in use",
  { skip: !existsSync(NUAA) && 'no ../shared/data/nuaa-train', timeout: 420_000 },
  async () => {
    const dir = tempDir('facegate-e2e-adapt-');
    const replay = join(dir, 'replay');
    mkdirSync(replay);
    showOnReplay(replay, nuaaFrames('0001', 'live'));
    const daemon = await startDaemon({
      env: replayEnv(join(dir, 'data'), replay, { FACEGATE_DAEMON__LOG_LEVEL: 'silent' }),
    });
    const ctx = await browser({ width: 1280, height: 900 });
    try {
      const { page, base } = await setUpInPanel(ctx, daemon);
      await page.click('a[data-page=selftest]');
      await page.fill('#selftest input[name=seconds]', String(PHASE_S));
      await page.uncheck('#selftest input[name=attack][value=screen]');
      await page.check('#selftest-adapt');
      await page.click('#selftest-start');

      const plan: [string, 'live' | 'spoof', string][] = [
        ['0001', 'live', 'live'],
        ['0001', 'spoof', 'print'],
        ['0002', 'live', 'live'],
        ['0002', 'spoof', 'print'],
      ];
      for (const [i, [subject, kind, phase]] of plan.entries()) {
        await page.waitForSelector(`#selftest-status[data-status=waiting][data-phase=${phase}]`, { timeout: (PHASE_S + 30) * 1000 });
        assert.match((await page.textContent('#selftest-status')) ?? '', new RegExp(`Person ${i < 2 ? 1 : 2} of 2`));
        showOnReplay(replay, nuaaFrames(subject, kind));
        await new Promise((r) => setTimeout(r, 2000)); // a loop or two, so the frames before are gone
        await page.click('#selftest-next');
        await page.waitForSelector('#selftest-countdown');
      }
      await page.waitForSelector('#selftest-adaptation[data-status=proposed], #selftest-adaptation[data-status=refused]', { timeout: 60_000 });
      const cookie = (await ctx.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
      const view = (await (await fetch(`${base}/api/pad/selftest`, { headers: { cookie } })).json()) as {
        adaptation: { status: string; reasons: unknown[]; after: { levels: Record<string, { bpcer: number; apcer: Record<string, { apcer: number }> }> } };
      };
      console.log(`wizard adaptation: ${JSON.stringify({ status: view.adaptation.status, balanced: view.adaptation.after?.levels.balanced })}`);
      assert.equal(view.adaptation.status, 'proposed', JSON.stringify(view.adaptation.reasons));
      assert.equal(view.adaptation.after.levels.balanced?.apcer.print?.apcer, 0);
      assert.match((await page.textContent('#selftest-adaptation-figures')) ?? '', /shipped model[\s\S]*this door's own/);

      const before = (await (await fetch(`${base}/api/doors/front/pad-adaptation`, { headers: { cookie } })).json()) as { state: string };
      assert.equal(before.state, 'none', 'proposed only: nothing changes before the operator accepts');
      await page.click('#selftest-adaptation-accept');
      await page.waitForSelector('#selftest-adaptation-accepted');
      const after = (await (await fetch(`${base}/api/doors/front/pad-adaptation`, { headers: { cookie } })).json()) as {
        state: string;
        adaptation: { presenters: number; camera: string };
      };
      assert.deepEqual([after.state, after.adaptation.presenters, after.adaptation.camera], ['active', 2, `replay:${replay} 640x480`]);
      const rows = daemon.privacy.audit.list({}).filter((e) => e.action === 'pad.adaptation.accept');
      assert.equal(rows.length, 1);
      assert.match(JSON.stringify(rows[0]?.detail), /"from":"selftest"/);
      // Only numbers were kept: no frame in the data directory.
      assert.deepEqual(
        readdirSync(join(dir, 'data')).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)),
        [],
      );
    } finally {
      await ctx.close();
      await daemon.stop('test');
    }
  },
);
