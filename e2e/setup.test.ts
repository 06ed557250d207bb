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
    const page = await browser.newPage({ viewport: { width: 375, height: 812 } });
    // Nobody can read the book before signing in.
    expect((await fetch(`${server.url}/api/v1/accounts`)).status).toBe(401);
    // Unknown API paths stay API errors; page paths get the app.
    expect((await fetch(`${server.url}/api/v1/nothing-here`)).status).toBe(401);
    expect((await fetch(`${server.url}/portfolio`)).headers.get('content-type')).toMatch(
      /text\/html/,
    );
    await page.goto(server.url);
    await page.waitForURL(/\/setup$/);
    await page.getByLabel('Name').fill('Ada Admin');
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.screenshot({ path: `${SCREENSHOTS}/setup-phone.png` });
    await page.getByRole('button', { name: 'Create admin' }).click();
    await page.waitForURL(/\/portfolio/);
    await page.getByText('No accounts yet').waitFor();
    // The setup page is gone once an admin exists.
    await page.goto(`${server.url}/setup`);
    await page.waitForURL(/\/portfolio/);

    await page.getByRole('button', { name: /Account menu/ }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('not-the-right-one');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('wrong email or password');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/portfolio/);
    await page.screenshot({ path: `${SCREENSHOTS}/empty-portfolio-phone.png` });

    await page.goto(`${server.url}/api/docs`);
    await page.getByText('/api/v1/accounts', { exact: true }).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: `${SCREENSHOTS}/api-docs.png`, fullPage: false });
    expect(await page.title()).toMatch(/swagger|api/i);
  });
});
