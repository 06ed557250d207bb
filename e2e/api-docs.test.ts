import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, SCREENSHOTS } from './browser.js';
import { startServer, type RunningServer } from './server.js';

const PASSWORD = 'harbour-lights-at-dusk-7';

describe('a new installation is set up, signed into, and its API found', () => {
  let server: RunningServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('creates the first admin on a phone, signs out and in again, and reads the API docs', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    // Nobody can read the book before signing in.
    expect((await fetch(`${server.url}/api/v1/accounts`)).status).toBe(401);
    await page.goto(server.url);
    await page.waitForURL(/\/setup$/);
    await page.getByLabel('Name').fill('Ada Admin');
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel(/Password/).fill(PASSWORD);
    await page.screenshot({ path: `${SCREENSHOTS}/setup-phone.png` });
    await page.getByRole('button', { name: 'Create admin' }).click();
    await expect.poll(() => page.getByTestId('signed-in-as').textContent()).toBe('ada@example.com');
    expect(await page.getByTestId('account-count').textContent()).toBe('0');
    // The setup page is gone once an admin exists.
    expect((await fetch(`${server.url}/setup`)).status).toBe(404);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('not-the-right-one');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('wrong email or password');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByTestId('signed-in-as').textContent()).toBe('ada@example.com');
    await page.screenshot({ path: `${SCREENSHOTS}/home-phone.png` });

    await page.getByRole('link', { name: 'API docs' }).click();
    await page.getByText('/api/v1/accounts', { exact: true }).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: `${SCREENSHOTS}/api-docs.png`, fullPage: false });
    expect(await page.title()).toMatch(/swagger|api/i);
  });
});
