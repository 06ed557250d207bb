import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { SCREENSHOTS } from './browser.js';
import type { RunningServer } from './server.js';

const run = promisify(execFile);

export const DESKTOP = { width: 1280, height: 800 };

/** The demo company's people (docs/demo.md), signed in with the password prepareDemo sets. */
export const DEMO_PASSWORD = 'demo-sign-in-for-browser-tests-1';
export const DEMO_ADMIN = 'tom.becker@demo.tenure.dev';
export const DEMO_MANAGER = 'elena.vasquez@demo.tenure.dev';
export const PHONE = { width: 375, height: 812 };

/** A CLI verb against a data directory. */
export async function cli(
  dataDir: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<string> {
  const { stdout } = await run('node', ['bin/tenure.js', ...args], {
    env: { ...process.env, ...env, TENURE_DATA_DIR: dataDir },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/**
 * A small demo company (300 accounts), scored for the last 35 days so trends and drivers
 * have history, before the server starts.
 */
export async function prepareDemo(dataDir: string, password: string): Promise<void> {
  await cli(dataDir, ['demo', '--accounts', '300', '--json'], { TENURE_DEMO_PASSWORD: password });
  const day = (n: number) => new Date(Date.now() - n * 864e5).toISOString().slice(0, 10);
  await cli(dataDir, ['health', 'score', '--from', day(35), '--to', day(0), '--json']);
}

/** A user made with the CLI against the server's data directory. */
export async function createUser(
  server: RunningServer,
  user: { email: string; name: string; role: string; password: string },
): Promise<void> {
  const child = run(
    'node',
    [
      'bin/tenure.js',
      'users',
      'create',
      '--email',
      user.email,
      '--name',
      user.name,
      '--role',
      user.role,
      '--password-stdin',
    ],
    { env: { ...process.env, TENURE_DATA_DIR: server.dataDir } },
  );
  child.child.stdin?.end(`${user.password}\n`);
  await child;
}

/** Sign in through the sign-in page and wait for the portfolio. */
export async function signIn(
  browser: Browser,
  server: RunningServer,
  email: string,
  password: string,
  viewport = DESKTOP,
): Promise<Page> {
  // axe needs a page of its own context; each user gets a fresh one (no shared cookies).
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(`${server.url}/signin`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(/\/portfolio/);
  return page;
}

/** Accessibility: serious or critical violations on the page as it is now, as readable lines. */
export async function axeProblems(page: Page): Promise<string[]> {
  // A toast or dialog half faded in has half its contrast: check the page at rest. (A string,
  // as this file is compiled without the DOM types; a polled evaluate, as the app's CSP
  // forbids the eval that waitForFunction uses.)
  for (let i = 0; i < 50; i++) {
    const moving = await page.evaluate(
      `document.getAnimations().filter((a) => a.playState === 'running' && a.effect?.getComputedTiming().iterations !== Infinity).length`,
    );
    if (moving === 0) break;
    await page.waitForTimeout(100);
  }
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(' | ')}`,
    );
}

/** The page at desktop and phone widths, kept as CI artifacts. */
export async function screenshots(page: Page, name: string): Promise<void> {
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: `${SCREENSHOTS}/${name}-desktop.png` });
  await page.setViewportSize(PHONE);
  // Let the layout settle (the navigation and filters animate when the width changes).
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${SCREENSHOTS}/${name}-phone.png` });
  await page.setViewportSize(DESKTOP);
}

/**
 * At 375 px nothing pushes the page sideways (wide tables scroll inside their own box): the
 * elements that stick out past the right edge outside any scroller, empty when none.
 */
export async function phoneOverflow(page: Page): Promise<string[]> {
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(500);
  // A string, as this file is compiled without the DOM types.
  const found = await page.evaluate(`(() => {
    const root = document.documentElement;
    if (root.scrollWidth <= root.clientWidth) return [];
    const scrolls = (e) => { for (let p = e.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; }
      return false; };
    return [...document.body.querySelectorAll('*')]
      .filter((e) => e.getBoundingClientRect().right > root.clientWidth + 1 && !scrolls(e))
      .slice(0, 5)
      .map((e) => e.tagName + '.' + e.className + ': ' + (e.textContent || '').slice(0, 40));
  })()`);
  await page.setViewportSize(DESKTOP);
  // Let the navigation slide back before anything else looks at the page.
  await page.waitForTimeout(500);
  return Array.isArray(found) ? found.map(String) : ['?'];
}
