import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, SCREENSHOTS } from './browser.js';
import { startServer, type RunningServer } from './server.js';

describe('a developer finds the API', () => {
  let server: RunningServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await fetch(`${server.url}/api/v1/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Acme Robotics', segment: 'enterprise' }),
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('opens Tenure on a phone, sees the book, and reads the accounts API docs', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(server.url);
    await expect.poll(() => page.getByTestId('account-count').textContent()).toBe('1');
    await page.screenshot({ path: `${SCREENSHOTS}/home-phone.png` });
    await page.getByRole('link', { name: 'API docs' }).click();
    await page.waitForSelector('text=accounts', { timeout: 30_000 });
    await page.getByText('/api/v1/accounts', { exact: true }).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: `${SCREENSHOTS}/api-docs.png`, fullPage: false });
    expect(await page.title()).toMatch(/swagger|api/i);
  });
});
