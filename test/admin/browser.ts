// Drives Debian's chromium through playwright-core for the admin page's browser tests: headless, no
// sandbox (CI runs as root), a throw-away profile. Missing chromium skips locally and fails under CI.
// Screenshots for the README are written only when missing or with UPDATE_SCREENSHOTS=1.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

/** The `skip` option for browser tests: false when chromium is there, else the reason (throws under CI). */
export function chromiumSkip(): string | false {
  if (existsSync(CHROMIUM)) return false;
  const reason = `${CHROMIUM} is missing (apt-get install chromium)`;
  if (process.env.CI) throw new Error(`${reason}: browser tests must not be skipped in CI; .ci/run installs it`);
  return reason;
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors (a CSP violation shows up here). */
  errors: string[];
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'ferry-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1100, height: 900 },
    timeout: 30_000,
  });
  context.setDefaultTimeout(10_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return {
    context,
    page,
    errors,
    async close() {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Writes docs/screenshots/<name>.png when it is missing or UPDATE_SCREENSHOTS=1 (so CI never dirties the tree). */
export async function saveScreenshot(page: Page, name: string): Promise<boolean> {
  const file = path.join(SCREENSHOTS, `${name}.png`);
  if (existsSync(file) && process.env.UPDATE_SCREENSHOTS !== '1') return false;
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
  return true;
}
