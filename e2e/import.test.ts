import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { startServer, type RunningServer } from './server.js';
import { axeProblems, createUser, screenshots, signIn } from './app.js';

const ADMIN = {
  email: 'ida.importer@example.com',
  name: 'Ida Importer',
  role: 'admin',
  password: 'import-admin-password-long-1',
};
const VIEWER = {
  email: 'vic.viewer@example.com',
  name: 'Vic Viewer',
  role: 'viewer',
  password: 'import-viewer-password-long-1',
};

// "Ref" matches no field (it would become a custom trait), "galactic" is no segment, and
// 03/04/2024 could be either day/month order, so the server asks.
const BAD = [
  'Company,Ref,Segment,Lifecycle Stage,Churned On',
  'Acme,A-1,enterprise,active,',
  'Beta,A-2,galactic,onboarding,',
  'Gamma,A-3,smb,churned,03/04/2024',
  '',
].join('\n');
const FIXED = BAD.replace('galactic', 'smb');

/** Choose a file through the button's file chooser. */
async function choose(page: Page, button: string, path: string): Promise<void> {
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.getByRole('button', { name: button }).click(),
  ]);
  await chooser.setFiles(path);
}

/** Pick an option of a Mantine Select by its label. */
async function pick(page: Page, label: string, option: string): Promise<void> {
  await page.getByRole('textbox', { name: label, exact: true }).click();
  await page.getByRole('option', { name: option, exact: true }).filter({ visible: true }).click();
}

const stepTitle = (page: Page) => page.getByTestId('import-step');

describe('the import wizard', () => {
  let server: RunningServer;
  let browser: Browser;
  let dir: string;
  beforeAll(async () => {
    server = await startServer();
    await createUser(server, ADMIN);
    await createUser(server, VIEWER);
    browser = await launchBrowser();
    dir = mkdtempSync(join(tmpdir(), 'tenure-import-'));
    writeFileSync(join(dir, 'crm-export.csv'), BAD);
    writeFileSync(join(dir, 'crm-export-fixed.csv'), FIXED);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('an admin maps a CRM export, sees its bad row, uploads the fix and applies it', async () => {
    const page = await signIn(browser, server, ADMIN.email, ADMIN.password);
    await page.goto(`${server.url}/import`);
    await expect.poll(() => stepTitle(page).textContent()).toBe('Choose what to import');
    await page.getByText('No imports yet').waitFor();
    expect(await axeProblems(page)).toEqual([]);
    await screenshots(page, 'import-upload');

    // Drop the file on the zone, as from a desktop file manager (a string: this runs in the
    // browser, and the tests are typed without the DOM).
    const drop = await page.evaluateHandle(
      `(() => {
        const dt = new DataTransfer();
        dt.items.add(new File([${JSON.stringify(BAD)}], 'crm-export.csv', { type: 'text/csv' }));
        return dt;
      })()`,
    );
    await page.getByTestId('file-drop').dispatchEvent('drop', { dataTransfer: drop });
    await page.waitForURL(/import=imp_[^&]+.*step=map/);
    await expect.poll(() => stepTitle(page).textContent()).toMatch(/^Map columns/);
    // The suggested mapping, with samples from the file, and the question about dates.
    expect(
      await page.getByRole('textbox', { name: 'Field for Company', exact: true }).inputValue(),
    ).toBe('Name');
    expect(
      await page.getByRole('textbox', { name: 'Field for Ref', exact: true }).inputValue(),
    ).toBe('Custom trait “ref”');
    await page.getByText('A-1 · A-2 · A-3').waitFor();
    await page.getByText('Which comes first, day or month?').waitFor();
    expect(await axeProblems(page)).toEqual([]);
    await screenshots(page, 'import-map');

    // Ref holds the CRM ids; the dates are day first. Check the file again.
    await pick(page, 'Field for Ref', 'CRM ID');
    await pick(page, 'Date format', 'Day first: 03/04/2024 is 3 April');
    await page.getByRole('button', { name: 'Check again' }).click();
    await page.waitForURL(/step=review/);
    await expect.poll(() => stepTitle(page).textContent()).toMatch(/^Review/);

    // The bad row, by its line in the file, column, value and reason.
    await page.getByText('1 bad row: nothing can be imported yet').waitFor();
    const bad = page.getByTestId('bad-rows').getByRole('row').nth(1);
    expect(await bad.getByRole('cell').allTextContents()).toEqual([
      '3',
      'Segment',
      'galactic',
      expect.stringMatching(/^not a segment/),
    ]);
    expect(await page.getByRole('button', { name: 'Apply import' }).count()).toBe(0);
    expect(await axeProblems(page)).toEqual([]);
    await screenshots(page, 'import-review-bad');

    // The fixed file keeps the mapping and date format chosen for the first one.
    await choose(page, 'Upload a fixed file', join(dir, 'crm-export-fixed.csv'));
    await page.getByText('Every row passed the checks').waitFor();
    await page.getByText(/Applying creates 3 accounts/).waitFor();
    await page.getByRole('button', { name: 'Back to mapping' }).click();
    expect(
      await page.getByRole('textbox', { name: 'Field for Ref', exact: true }).inputValue(),
    ).toBe('CRM ID');
    expect(
      await page.getByRole('textbox', { name: 'Date format', exact: true }).inputValue(),
    ).toMatch(/Day first/);
    await page.getByRole('button', { name: 'Continue to review' }).click();
    expect(await axeProblems(page)).toEqual([]);
    await screenshots(page, 'import-review-clean');

    await page.getByRole('button', { name: 'Apply import' }).click();
    await expect.poll(() => stepTitle(page).textContent()).toMatch(/^Done/);
    await expect
      .poll(() => page.getByTestId('import-result').textContent())
      .toMatch(/Created 3 accounts and updated 0/);
    // A reload keeps the place: the import is in the URL.
    await page.reload();
    await page.getByTestId('import-result').waitFor();
    const history = page.getByRole('region', { name: 'Recent imports' }).getByRole('listitem');
    await expect.poll(() => history.count()).toBe(3);
    expect(await history.first().textContent()).toMatch(/crm-export-fixed\.csv.*Applied/);
    expect(await history.nth(1).textContent()).toMatch(/crm-export\.csv.*Has bad rows/);
    expect(await history.nth(2).textContent()).toMatch(/crm-export\.csv.*Needs a date format/);
    expect(await axeProblems(page)).toEqual([]);
    await screenshots(page, 'import-done');

    await page.getByRole('link', { name: 'Open the portfolio' }).click();
    await page.waitForURL(/\/portfolio\?scope=all/);
    await expect
      .poll(() => page.getByTestId('portfolio-summary').textContent())
      .toMatch(/^3 of 3 accounts/);
    await page.getByRole('link', { name: 'Beta', exact: true }).waitFor();
    await page.context().close();
  });

  it('a viewer reads past imports but finds no way to upload', async () => {
    const page = await signIn(browser, server, VIEWER.email, VIEWER.password);
    await page.goto(`${server.url}/import`);
    await page.getByText('Your role (viewer) cannot import files').waitFor();
    await page.getByRole('link', { name: 'crm-export-fixed.csv' }).waitFor();
    expect(await page.getByRole('button', { name: 'Choose a file' }).count()).toBe(0);
    expect(await page.getByTestId('file-drop').count()).toBe(0);
    expect(await axeProblems(page)).toEqual([]);

    // An import's report opens read-only.
    await page.getByRole('link', { name: 'crm-export-fixed.csv' }).click();
    await page.getByTestId('import-result').waitFor();
    expect(await page.getByRole('button', { name: 'Import another file' }).count()).toBe(0);
    await screenshots(page, 'import-viewer');
    await page.context().close();
  });
});
