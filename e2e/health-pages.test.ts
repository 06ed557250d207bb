import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { startServer, type RunningServer } from './server.js';
import {
  axeProblems,
  DEMO_ADMIN,
  DEMO_MANAGER,
  DEMO_PASSWORD,
  phoneOverflow,
  prepareDemo,
  screenshots,
  signIn,
} from './app.js';

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
    const page = await signIn(browser, server, DEMO_ADMIN, DEMO_PASSWORD);
    await page.goto(`${server.url}/models`);
    await page.getByRole('table', { name: 'Health models' }).waitFor();
    expect(await axeProblems(page)).toEqual([]);
    expect(await phoneOverflow(page)).toEqual([]);
    await screenshots(page, 'models');

    await page.getByRole('link', { name: 'Three pillars' }).click();
    await page.waitForURL(/\/models\/three-pillars/);
    await page.getByRole('heading', { level: 1, name: 'Three pillars' }).waitFor();
    await page.getByRole('table', { name: /Measures of Product/ }).waitFor();
    expect(await axeProblems(page)).toEqual([]);
    expect(await phoneOverflow(page)).toEqual([]);
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
    expect(await phoneOverflow(page)).toEqual([]);
    await screenshots(page, 'model-history');
    await page.close();
  });

  it('an admin copies a model, adds a dimension and a scope, saves it and switches it on', async () => {
    const page = await signIn(browser, server, DEMO_ADMIN, DEMO_PASSWORD);
    await page.goto(`${server.url}/models/three-pillars`);
    await page.getByRole('heading', { level: 1, name: 'Three pillars' }).waitFor();
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await page.getByLabel('Name of the new model').fill('Enterprise pillars');
    await page.getByRole('button', { name: 'Create copy' }).click();
    await page.waitForURL(/\/models\/enterprise-pillars\?tab=edit/);
    await page.getByRole('heading', { level: 1, name: 'Enterprise pillars' }).waitFor();
    const checks = page.getByTestId('model-checks');
    const summary = page.getByTestId('preview-summary');
    await expect.poll(() => summary.textContent()).toMatch(/^No account would change tier/);

    // A new dimension is named, weighed and given a measure; the problems say what is missing.
    await page.getByRole('button', { name: 'Add a dimension' }).click();
    await expect.poll(() => checks.textContent()).toMatch(/add at least one measure/);
    await page.getByRole('group', { name: 'Dimension 4' }).getByLabel('Name').fill('Support load');
    const added = page.getByRole('group', { name: 'Support load' });
    await added.getByLabel('Support load weight (%)').fill('10');
    // Ten points from Product (whatever earlier tests left it at) keep the total at 100.
    const product = page.getByLabel('Product weight (%)');
    await product.fill(String(Number(await product.inputValue()) - 10));
    await added.getByRole('textbox', { name: 'Add a measure to Support load' }).click();
    await page.getByRole('option', { name: 'Urgent tickets' }).click();
    const segments = page.getByRole('textbox', { name: 'Segments' });
    await segments.fill('enterprise');
    await segments.press('Enter');
    await expect.poll(() => summary.textContent()).toMatch(/would change tier/);
    expect(await page.getByText('This model is switched off').count()).toBe(1);
    expect(await axeProblems(page)).toEqual([]);
    expect(await phoneOverflow(page)).toEqual([]);
    await screenshots(page, 'model-new-dimension');

    await page.getByRole('button', { name: 'Save as version 2' }).click();
    await page.waitForURL(/tab=history&version=2/);
    await page.getByRole('button', { name: 'Switch on' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Switch on' }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Switch off' }).waitFor();
    expect(await page.getByRole('main').getByText('Active', { exact: true }).count()).toBe(1);

    // The file it downloads reads back: the new dimension, its key and the scope are in it.
    const href = await page.getByRole('link', { name: 'Download' }).getAttribute('href');
    const file = await page.request.get(`${server.url}${href ?? ''}`);
    expect(file.status()).toBe(200);
    const text = await file.text();
    expect(text).toContain('key: support-load');
    expect(text).toMatch(/segments:\s*\n\s*- enterprise/);
    expect(text).toContain('measure: support.urgent_tickets');
    await page.close();
  });

  it('an admin runs a backtest and reads its AUC and ROC curve', async () => {
    const page = await signIn(browser, server, DEMO_ADMIN, DEMO_PASSWORD);
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
    expect(await phoneOverflow(page)).toEqual([]);
    await screenshots(page, 'backtest');

    await page.getByRole('main').getByRole('link', { name: 'Backtests', exact: true }).click();
    await page.getByTestId('backtest-list').getByRole('link').first().waitFor();
    expect(await axeProblems(page)).toEqual([]);
    expect(await phoneOverflow(page)).toEqual([]);
    await screenshots(page, 'backtests');
    await page.close();
  });

  it('a manager reads models and backtests but finds no editor and no way to run or adopt', async () => {
    const page = await signIn(browser, server, DEMO_MANAGER, DEMO_PASSWORD);
    await page.goto(`${server.url}/models/three-pillars?tab=edit`);
    await page.getByRole('heading', { level: 1, name: 'Three pillars' }).waitFor();
    await page.getByRole('tab', { name: 'Definition', selected: true }).waitFor();
    expect(await page.getByRole('tab', { name: /^Edit/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Save as version/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Edit model' }).count()).toBe(0);
    for (const name of ['Copy', 'Switch off', 'Switch on', 'Import a file'])
      expect(await page.getByRole('button', { name, exact: true }).count()).toBe(0);
    await page.getByRole('link', { name: 'Download' }).waitFor();
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
