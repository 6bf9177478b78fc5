import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { Harness } from './tidings-harness';

export const CHROMIUM = '/usr/bin/chromium';

/** Debian's Chromium, headless. Never skips silently: without the browser the admin specs cannot say anything. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium is not installed at ${CHROMIUM}; .ci/run installs it with "apt-get install -y chromium"`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A new page on /admin (plus `hash`, e.g. a deep link), signed in with the harness's admin key. */
export async function openAdmin(
  browser: Browser,
  t: Harness,
  options: { hash?: string; width?: number; height?: number } = {},
): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: options.width ?? 1360, height: options.height ?? 900 } });
  page.setDefaultTimeout(15_000);
  await page.goto(`${t.baseUrl}/admin${options.hash ?? ''}`);
  await page.fill('#key', t.adminKey);
  await page.click('#login-form button');
  await page.locator('#tabs').waitFor();
  return page;
}

/**
 * The README's screenshots are refreshed only on request (UPDATE_SCREENSHOTS=1 writes docs/<name>.png);
 * other runs write a scratch copy, so CI never rewrites tracked files.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.UPDATE_SCREENSHOTS === '1' ? join(__dirname, '..', '..', 'docs') : join(tmpdir(), 'tidings-admin-screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}
