// The admin panel in Debian's Chromium (playwright-core), for the e2e tests.
import assert from 'node:assert/strict';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { RunningDaemon } from '../../daemon/main.ts';
import { tempDir } from './tmp.ts';

const CHROMIUM = process.env.FACEGATE_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A fresh headless browser profile with the given viewport. */
export async function browser(viewport: { width: number; height: number }): Promise<BrowserContext> {
  return chromium.launchPersistentContext(tempDir('facegate-chromium-'), { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport });
}

/** The base URL of a running daemon's admin panel. */
export function panelUrl(daemon: RunningDaemon): string {
  assert.ok(daemon.admin, 'the daemon runs its admin panel');
  return `http://127.0.0.1:${new URL(daemon.admin.address ?? 'http://0.0.0.0:0').port}`;
}

/**
 * Opens the daemon's panel in the context's first tab and does first-run setup as "owner"; the
 * dashboard is showing. A daemon in a child process is given by its panel's URL and setup code.
 */
export async function setUpInPanel(ctx: BrowserContext, daemon: RunningDaemon | { base: string; setupCode: string }): Promise<{ page: Page; base: string }> {
  const base = 'base' in daemon ? daemon.base : panelUrl(daemon);
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  await page.goto(base);
  await page.fill('input[name=code]', ('base' in daemon ? daemon.setupCode : daemon.admin?.setupCode) ?? '');
  await page.fill('input[name=username]', 'owner');
  await page.fill('input[name=password]', 'correct horse battery');
  await page.click('#setup-form button[type=submit]');
  await page.waitForSelector('#page-dashboard');
  return { page, base };
}
