// The camera framing preview in Chromium (issue 21): the real daemon (a child process) with its
// replay camera showing a face, the real vision worker and admin worker. The admin adds a person,
// opens camera enrollment, and the preview canvas shows the camera frame with the face box and
// the verdict drawn in the verdict's colour; the screenshot is checked pixel by pixel around the
// box the daemon reported. Capturing adds a template; closing the page ends the daemon's sampling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { startFacegate } from '../support/daemon.ts';
import { fixtureFrames, replayEnv, showOnReplay } from '../support/replay.ts';
import { browser, setUpAt } from '../support/panel.ts';
import { tempDir } from '../support/tmp.ts';

const FACE = fileURLToPath(new URL('../fixtures/pad/live__0001_00_00_01_0.jpg', import.meta.url));
const SHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));

/** The colours the panel promises per verdict (web/js/camera-preview.js), as RGB. */
const COLOURS: Record<string, [number, number, number]> = {
  ok: [0x19, 0xd3, 0x6a],
  too_small: [0xff, 0xb0, 0x00],
  dark: [0xff, 0xb0, 0x00],
  blurred: [0xff, 0xb0, 0x00],
  turned_away: [0xff, 0xb0, 0x00],
  tilted: [0xff, 0xb0, 0x00],
};

interface Shot {
  data: Buffer;
  width: number;
  height: number;
}

/** How many pixels of the rectangle's outline (±2 px) are within 40 per channel of `rgb`, of how many looked at. */
function outlineMatches(shot: Shot, box: { x: number; y: number; width: number; height: number }, rgb: [number, number, number]) {
  let hits = 0;
  let seen = 0;
  const near = (x: number, y: number): boolean => {
    for (let dy = -2; dy <= 2; dy++) {
      for (let dx = -2; dx <= 2; dx++) {
        const px = Math.round(x + dx);
        const py = Math.round(y + dy);
        if (px < 0 || py < 0 || px >= shot.width || py >= shot.height) continue;
        const i = (py * shot.width + px) * 3;
        if (rgb.every((c, k) => Math.abs((shot.data[i + k] ?? 0) - c) <= 40)) return true;
      }
    }
    return false;
  };
  for (let t = 0.1; t <= 0.9; t += 0.05) {
    for (const [x, y] of [
      [box.x + t * box.width, box.y],
      [box.x + t * box.width, box.y + box.height],
      [box.x, box.y + t * box.height],
      [box.x + box.width, box.y + t * box.height],
    ] as const) {
      seen++;
      if (near(x, y)) hits++;
    }
  }
  return { hits, seen };
}

test(
  'camera enrollment in the panel: the live preview draws the face box and verdict; capture adds a template; closing ends the stream',
  { timeout: 420_000 },
  async () => {
    const dir = tempDir('facegate-e2e-preview-');
    const replay = join(dir, 'replay');
    const data = join(dir, 'data');
    mkdirSync(replay);
    mkdirSync(SHOTS, { recursive: true });
    showOnReplay(replay, fixtureFrames('person', 'preview-e2e'));
    const d = startFacegate(['run'], replayEnv(data, replay));
    const ctx = await browser({ width: 1280, height: 1000 });
    try {
      const listening = await d.waitForLog((l) => l.msg === 'admin panel listening', 120_000);
      const base = `http://127.0.0.1:${new URL(String(listening.address)).port}`;
      const { page } = await setUpAt(ctx, base, readFileSync(join(data, 'setup-code'), 'utf8').trim());

      // A person with a first photo (identity stores a person with one), then the camera.
      await page.click('a[data-page=people]');
      await page.fill('#new-person input[name=name]', 'Preview Person');
      await page.click('#new-person button[type=submit]');
      await page.setInputFiles('#person-detail input[name=photo]', FACE);
      await page.click('#person-detail button:text("Upload photos")');
      await page.waitForSelector('#person-detail figcaption.ok', { timeout: 120_000 });

      await page.click('#camera-open');
      const canvas = page.locator('#camera-preview');
      await page.waitForFunction(() => (document.querySelector('#camera-preview') as HTMLCanvasElement | null)?.dataset.box?.startsWith('{'), null, {
        timeout: 120_000,
      });
      await d.waitForLog((l) => l.msg === 'camera preview: sampling started', 5000);
      const verdict = (await canvas.getAttribute('data-verdict')) ?? '';
      const box = JSON.parse((await canvas.getAttribute('data-box')) ?? '{}') as { x: number; y: number; width: number; height: number };
      const size = await canvas.evaluate((c: HTMLCanvasElement) => ({ width: c.width, height: c.height }));
      const colour = COLOURS[verdict];
      assert.ok(colour, `a face verdict with a colour: ${verdict}`);
      const line = page.locator('#camera-preview-verdict');
      assert.ok(await line.isVisible(), 'the verdict is shown under the canvas');
      assert.ok(((await line.textContent()) ?? '').length > 5, 'in words');

      // The screenshot: the box's outline is drawn in the verdict's colour where the daemon said the face is.
      const file = join(SHOTS, 'camera-preview.png');
      await canvas.screenshot({ path: file });
      const { data: pixels, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const shot: Shot = { data: pixels, width: info.width, height: info.height };
      const scale = info.width / size.width;
      const onScreen = { x: box.x * scale, y: box.y * scale, width: box.width * scale, height: box.height * scale };
      const outline = outlineMatches(shot, onScreen, colour);
      assert.ok(outline.hits >= outline.seen * 0.9, `box outline in the verdict colour: ${outline.hits}/${outline.seen} at ${JSON.stringify(onScreen)}`);
      // Not anywhere else by chance: the same check on a box moved off the face finds (almost) nothing.
      const away = outlineMatches(shot, { ...onScreen, x: (onScreen.x + info.width / 2) % Math.max(1, info.width - onScreen.width) }, colour);
      assert.ok(away.hits <= away.seen * 0.3, `the colour is the box's, not the picture's: ${away.hits}/${away.seen} elsewhere`);
      // The verdict band at the bottom carries its text in the same colour.
      const bandTop = Math.floor(info.height * (11 / 12));
      let textPixels = 0;
      for (let y = bandTop; y < info.height; y++) {
        for (let x = 0; x < info.width / 2; x++) {
          const i = (y * info.width + x) * 3;
          if (colour.every((c, k) => Math.abs((pixels[i + k] ?? 0) - c) <= 40)) textPixels++;
        }
      }
      assert.ok(textPixels >= 50, `verdict text drawn in its colour in the band: ${textPixels} pixels`);
      console.log(
        `preview: verdict ${verdict}, box ${JSON.stringify(box)} on ${size.width}×${size.height}, outline ${outline.hits}/${outline.seen}, text ${textPixels} px`,
      );

      // Capture from the same camera while the preview runs.
      await page.click('#camera-capture');
      // The camera's result replaces the photo's (whose caption names its file).
      await page.waitForFunction(() => {
        const text = document.querySelector('#person-detail .verdicts')?.textContent ?? '';
        return text !== '' && !text.includes('.jpg');
      });
      assert.equal(await page.locator('#person-detail .verdicts').textContent(), 'added');

      // Closing the preview ends the stream, and the daemon stops sampling; so does leaving the page.
      const stops = () => d.logs.filter((l) => l.msg === 'camera preview: sampling stopped (no viewer)').length;
      const starts = () => d.logs.filter((l) => l.msg === 'camera preview: sampling started').length;
      await page.click('#camera-close');
      await d.waitForLog(() => stops() === 1, 15_000);
      assert.equal(await page.locator('#camera-preview').count(), 0, 'the canvas is gone');
      await page.click('#camera-open');
      await d.waitForLog(() => starts() === 2, 15_000);
      await page.close();
      await d.waitForLog(() => stops() === 2, 15_000);
      assert.equal(starts(), 2);
    } finally {
      await ctx.close();
      if (d.child.exitCode === null) d.child.kill('SIGTERM');
      await d.exited;
    }
  },
);
