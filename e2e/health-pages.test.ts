import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { startServer, type RunningServer } from './server.js';
import { axeProblems, DESKTOP, PHONE, prepareDemo, screenshots, signIn } from './app.js';

const DEMO_PASSWORD = 'demo-sign-in-for-browser-tests-1';
const ADMIN = 'tom.becker@demo.tenure.dev';
const MANAGER = 'elena.vasquez@demo.tenure.dev';

/** At 375 px nothing pushes the page sideways (wide tables scroll inside their own box). */
async function fitsPhone(page: Page): Promise<boolean> {
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(500);
  // A string, as this file is compiled without the DOM types.
  const fits = await page.evaluate(
    'document.documentElement.scrollWidth <= document.documentElement.clientWidth',
  );
  await page.setViewportSize(DESKTOP);
  // Let the navigation slide back before anything else looks at the page.
  await page.waitForTimeout(500);
  return fits === true;
}

describe('health models and backtests in the web app', () => {
  let server: RunningServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startServer([], {}, (dir) => prepareDemo(dir, DEMO_PASSWORD));
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('an admin tunes the three-pillars model with a live preview and saves a new version', async () => {
    const page = await signIn(browser, server, ADMIN, DEMO_PASSWORD);
    await page.goto(`${server.url}/models`);
    await page.getByRole('table', { name: 'Health models' }).waitFor();
    expect(await axeProblems(page)).toEqual([]);
    expect(await fitsPhone(page)).toBe(true);
    await screenshots(page, 'models');

    await page.getByRole('link', { name: 'Three pillars' }).click();
    await page.waitForURL(/\/models\/three-pillars/);
    await page.getByRole('heading', { level: 1, name: 'Three pillars' }).waitFor();
    await page.getByRole('table', { name: /Measures of Product/ }).waitFor();
    expect(await axeProblems(page)).toEqual([]);
    expect(await fitsPhone(page)).toBe(true);
    await screenshots(page, 'model-definition');

    await page.getByRole('tab', { name: /^Edit/ }).click();
    await page.waitForURL(/tab=edit/);
    const summary = page.getByTestId('preview-summary');
    const checks = page.getByTestId('model-checks');
    await expect.poll(() => summary.textContent()).toMatch(/^No account would change tier/);

    // Five points from Product to Relationship: the total stays 100.
    await page.getByLabel('Product weight (%)').fill('35');
    await expect.poll(() => checks.textContent()).toMatch(/weights add up to 95, not 100/);
    await page.getByLabel('Relationship weight (%)').fill('35');
    await expect
      .poll(() => summary.textContent())
      .toMatch(/^(\d+ of \d+ accounts? would change tier|No account would change tier)/);
    const [, moved = '0', total = '0'] =
      /^(\d+) of (\d+)/.exec((await summary.textContent()) ?? '') ?? [];
    expect(Number(total)).toBeGreaterThanOrEqual(Number(moved));
    expect(await axeProblems(page)).toEqual([]);
    await screenshots(page, 'model-editor');

    // An invalid change: the problem is named in words, at its field, and blocks the save.
    const yellow = page.getByLabel('Tier Yellow starts at');
    await yellow.fill('90');
    await expect
      .poll(() => checks.textContent())
      .toMatch(/tier Yellow › starts at: must be below 80, the min of the tier before/);
    const save = page.getByRole('button', { name: 'Save as version 2' });
    expect(await save.isDisabled()).toBe(true);
    expect(await axeProblems(page)).toEqual([]);
    await yellow.fill('60');
    await expect.poll(() => summary.textContent()).toMatch(/would change tier/);

    await page.getByLabel('Note for this version').fill('Relationship weighs as much as product');
    await save.click();
    await page.waitForURL(/tab=history&version=2/);
    const history = page.getByTestId('model-history');
    await history.getByRole('link', { name: 'v2' }).waitFor();
    expect(await history.textContent()).toContain('Relationship weighs as much as product');
    await page.getByRole('heading', { name: /^Version 2/ }).waitFor();
    expect(await axeProblems(page)).toEqual([]);
    expect(await fitsPhone(page)).toBe(true);
    await screenshots(page, 'model-history');
    await page.close();
  });

  it('an admin runs a backtest and reads its AUC and ROC curve', async () => {
    const page = await signIn(browser, server, ADMIN, DEMO_PASSWORD);
    await page.goto(`${server.url}/backtests`);
    await page.getByRole('heading', { level: 1, name: 'Backtests' }).waitFor();
    await page.getByText('No backtests yet').waitFor();
    expect(await axeProblems(page)).toEqual([]);

    await page.getByLabel('Horizon (days)').fill('90');
    await page.getByRole('button', { name: 'Run backtest' }).click();
    await page.waitForURL(/\/backtests\/btr_/);
    await page.getByTestId('backtest-verdict').waitFor();
    await page
      .getByText(/95% interval \d\.\d\d–\d\.\d\d/)
      .first()
      .waitFor();
    const roc = page.getByRole('img', { name: /^ROC curve of the health score, AUC \d\.\d\d/ });
    await roc.locator('.recharts-line').first().waitFor();
    await page.getByTestId('tier-chart').locator('.recharts-bar-rectangle').first().waitFor();
    await page.getByTestId('weights-table').waitFor();
    expect(await axeProblems(page)).toEqual([]);
    expect(await fitsPhone(page)).toBe(true);
    await screenshots(page, 'backtest');

    await page.getByRole('main').getByRole('link', { name: 'Backtests', exact: true }).click();
    await page.getByTestId('backtest-list').getByRole('link').first().waitFor();
    expect(await axeProblems(page)).toEqual([]);
    expect(await fitsPhone(page)).toBe(true);
    await screenshots(page, 'backtests');
    await page.close();
  });

  it('a manager reads models and backtests but finds no editor and no way to run or adopt', async () => {
    const page = await signIn(browser, server, MANAGER, DEMO_PASSWORD);
    await page.goto(`${server.url}/models/three-pillars?tab=edit`);
    await page.getByRole('heading', { level: 1, name: 'Three pillars' }).waitFor();
    await page.getByRole('tab', { name: 'Definition', selected: true }).waitFor();
    expect(await page.getByRole('tab', { name: /^Edit/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Save as version/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Edit model' }).count()).toBe(0);
    expect(await axeProblems(page)).toEqual([]);

    await page.goto(`${server.url}/backtests`);
    const first = page.getByTestId('backtest-list').getByRole('link').first();
    await first.waitFor();
    expect(await page.getByRole('button', { name: 'Run backtest' }).count()).toBe(0);
    await first.click();
    await page.getByTestId('weights-table').waitFor();
    expect(await page.getByRole('button', { name: 'Adopt fitted weights' }).count()).toBe(0);
    await page.close();
  });
});
