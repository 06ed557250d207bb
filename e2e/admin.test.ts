import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { startServer, type RunningServer } from './server.js';
import {
  axeProblems,
  cli,
  DEMO_ADMIN,
  DEMO_MANAGER,
  DEMO_PASSWORD,
  PHONE,
  prepareDemo,
  screenshots,
  signIn,
} from './app.js';

const NO_NAME = 'event: a track call needs an event name';

// Browser globals used by functions that run in the page (the Node types here have no DOM).
declare const document: { querySelectorAll(selector: string): ArrayLike<unknown> };
declare function getComputedStyle(element: unknown): { opacity: string };
declare const localStorage: object;
declare const sessionStorage: object;

/** Two good events and one without an event name, sent as Segment would send them. */
async function sendEvents(server: RunningServer, ingestKey: string): Promise<void> {
  const context = { groupId: 'e2e-org-1' };
  const r = await fetch(`${server.url}/v1/batch`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${ingestKey}:`).toString('base64')}`,
    },
    body: JSON.stringify({
      batch: [
        {
          type: 'track',
          userId: 'e2e-u1',
          event: 'E2E Report Created',
          properties: { plan: 'pro' },
          context,
          messageId: 'e2e-1',
        },
        {
          type: 'track',
          userId: 'e2e-u2',
          event: 'E2E Dashboard Viewed',
          context,
          messageId: 'e2e-2',
        },
        {
          type: 'track',
          userId: 'e2e-u3',
          properties: { broken: true },
          context,
          messageId: 'e2e-3',
        },
      ],
    }),
  });
  expect(r.status).toBe(200);
}

/** Axe on an open dialog once it has faded in (mid-fade its text measures as too faint). */
async function axeDialog(page: Page): Promise<string[]> {
  await page.waitForFunction(() =>
    Array.from(document.querySelectorAll('[role="dialog"]')).every(
      (d) => getComputedStyle(d).opacity === '1',
    ),
  );
  return axeProblems(page);
}

/** Axe on the page as it is, then screenshots at desktop and phone widths. */
async function check(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  expect(await axeProblems(page), name).toEqual([]);
  await screenshots(page, name);
}

describe('the data and admin pages', () => {
  let server: RunningServer;
  let browser: Browser;
  let admin: Page;
  beforeAll(async () => {
    let ingestKey = '';
    server = await startServer([], {}, async (dir) => {
      await prepareDemo(dir, DEMO_PASSWORD);
      const out = await cli(dir, ['keys', 'create', '--scope', 'ingest', '--name', 't', '--json']);
      ingestKey = (JSON.parse(out) as { secret: string }).secret;
    });
    await sendEvents(server, ingestKey);
    browser = await launchBrowser();
    admin = await signIn(browser, server, DEMO_ADMIN, DEMO_PASSWORD);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('ingestion shows the stats and the refused event with its reason; a fix and replay stores it', async () => {
    await admin.goto(`${server.url}/data/ingestion`);
    const stats = admin.getByTestId('intake-stats');
    await stats.waitFor();
    expect(await stats.textContent()).toMatch(/Open dead letters1/);
    const letters = admin.getByTestId('dead-letters');
    await letters.getByText(NO_NAME).waitFor();
    expect(await letters.textContent()).toContain('e2e-u3');
    await admin.getByRole('img', { name: /Events per day/ }).waitFor();
    await check(admin, 'ingestion');

    // Replayed as it is, it is refused again, and says why.
    await letters.getByRole('checkbox', { name: /Select the event refused/ }).check();
    await admin.getByRole('button', { name: 'Replay selected (1)' }).click();
    const result = admin.getByTestId('replay-result');
    await result.getByText('Replayed 1: 0 stored, 1 still refused').waitFor();
    expect(await result.textContent()).toContain(NO_NAME);

    // Corrected (PATCH) and replayed, it is stored and leaves the open list.
    await letters.getByRole('button', { name: 'Fix' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Fix and replay a refused event' });
    const payload = dialog.getByLabel('Payload');
    const fixed = JSON.parse(await payload.inputValue()) as Record<string, unknown>;
    await payload.fill(JSON.stringify({ ...fixed, event: 'E2E Fixed Event' }));
    expect(await axeDialog(admin), 'fix dialog').toEqual([]);
    await dialog.getByRole('button', { name: 'Save and replay' }).click();
    await result.getByText('Replayed 1: 1 stored, 0 still refused').waitFor();
    await admin.getByText('No refused events').waitFor();
    await expect.poll(() => stats.textContent()).toMatch(/Open dead letters0/);
    await admin
      .getByRole('radiogroup', { name: 'Which dead letters' })
      .getByText('Replayed', { exact: true })
      .click();
    await admin.waitForURL(/letters=replayed/);
    await letters.getByText(NO_NAME).waitFor();
  });

  it('the catalog lists the events sent, searchable and sortable, from the URL', async () => {
    await admin.goto(`${server.url}/data/catalog?q=E2E`);
    const table = admin.getByTestId('catalog');
    for (const name of ['E2E Report Created', 'E2E Dashboard Viewed', 'E2E Fixed Event'])
      await table.getByText(name, { exact: true }).waitFor();
    await admin.getByRole('button', { name: 'Event', exact: true }).click();
    await admin.waitForURL(/sort=name/);
    // The router applies a new URL in a transition: the rows re-sort a moment later.
    const first = table.locator('tbody tr').first();
    await expect.poll(() => first.textContent()).toContain('E2E Dashboard Viewed');
    // A property name finds its event, with the property unfolded.
    await admin.getByLabel('Search events and properties').fill('plan');
    await admin.waitForURL(/q=plan/);
    await table.getByText('E2E Report Created').waitFor();
    await table.locator('code', { hasText: 'plan' }).first().waitFor();
    await check(admin, 'catalog');
  });

  it('an admin adds a user, sees them listed, and changes their role', async () => {
    await admin.goto(`${server.url}/admin/users`);
    await admin.getByTestId('users').waitFor();
    await admin.getByRole('button', { name: 'Add user' }).click();
    const form = admin.getByRole('form', { name: 'Add a user' });
    await form.getByLabel('Email').fill('nora.new@example.com');
    await form.getByLabel('Name').fill('Nora New');
    await form.getByRole('button', { name: 'Generate a password' }).click();
    expect((await form.getByLabel('Password', { exact: true }).inputValue()).length).toBe(20);
    expect(await axeDialog(admin), 'add user dialog').toEqual([]);
    await form.getByRole('button', { name: 'Add user' }).click();
    const row = admin.getByTestId('users').getByRole('row').filter({ hasText: 'Nora New' });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/CSM.*Password.*Never/);

    await row.getByRole('button', { name: 'Edit Nora New' }).click();
    const edit = admin.getByRole('form', { name: 'Edit Nora New' });
    await edit.getByRole('textbox', { name: 'Role' }).click();
    await admin.getByRole('option', { name: 'Viewer' }).click();
    await edit.getByRole('button', { name: 'Save' }).click();
    await row.getByText('Viewer').waitFor();
    await edit.waitFor({ state: 'detached' });

    // She lost her password: the admin sets a new one, and it signs her in.
    await row.getByRole('button', { name: 'Set a new password for Nora New' }).click();
    const reset = admin.getByRole('form', { name: 'Set a new password' });
    const field = reset.getByLabel(/^Password/);
    await field.fill('short');
    await reset.getByRole('button', { name: 'Set password' }).click();
    expect(await reset.getByRole('alert').textContent()).toMatch(/12 characters/);
    await field.fill('a-brand-new-password-42');
    expect(await axeDialog(admin), 'password dialog').toEqual([]);
    await reset.getByRole('button', { name: 'Set password' }).click();
    await admin.getByText(/Set a new password for Nora New/).waitFor();
    await reset.waitFor({ state: 'detached' });
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'nora.new@example.com', password: 'a-brand-new-password-42' }),
    });
    expect(login.status).toBe(200);
    await check(admin, 'users');
  });

  it('an admin creates an API key, sees its secret once, and revokes it', async () => {
    await admin.goto(`${server.url}/admin/keys`);
    await admin.getByTestId('keys').waitFor();
    await admin.getByRole('button', { name: 'Create key' }).click();
    const form = admin.getByRole('form', { name: 'Create an API key' });
    await form.getByLabel('Name').fill('E2E integration');
    await form.getByRole('textbox', { name: 'Scope' }).click();
    await admin.getByRole('option', { name: 'Write' }).click();
    await form.getByRole('button', { name: 'Create key' }).click();
    const secret = admin.getByTestId('new-key-secret');
    await secret.waitFor();
    await form.waitFor({ state: 'detached' });
    const shown = (await secret.textContent())!;
    expect(shown).toMatch(/^tnr_write_[\w-]+$/);
    await admin.getByText('This is the only time the key is shown').waitFor();
    await admin.getByRole('button', { name: 'Copy key' }).waitFor();
    expect(await axeDialog(admin), 'secret dialog').toEqual([]);
    await admin.getByRole('button', { name: 'Done' }).click();
    await admin.getByRole('dialog').waitFor({ state: 'detached' });
    // Gone once closed, and never kept in the browser's storage.
    expect(await admin.content()).not.toContain(shown);
    const stored = await admin.evaluate(() =>
      JSON.stringify([{ ...localStorage }, { ...sessionStorage }]),
    );
    expect(stored).not.toContain(shown);

    const row = admin.getByTestId('keys').getByRole('row').filter({ hasText: 'E2E integration' });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/write.*tnr_write_.*Never.*active/);
    await check(admin, 'keys');
    await row.getByRole('button', { name: 'Revoke E2E integration' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await row.waitFor({ state: 'detached' });
    await admin.getByRole('dialog').waitFor({ state: 'detached' });
    // Clicked, not checked: the switch follows the URL, which changes a moment later.
    await admin.getByLabel('Show revoked and expired').click();
    await admin.waitForURL(/revoked=1/);
    await row.getByText('revoked').waitFor();
  });

  it('the audit log shows those actions, filters by entity from the URL, and exports the same', async () => {
    await admin.goto(`${server.url}/admin/audit`);
    const table = admin.getByTestId('audit');
    await table
      .getByRole('row')
      .filter({ hasText: /user\s*create/ })
      .first()
      .waitFor();
    await admin.getByRole('textbox', { name: 'Entity' }).fill('api_key');
    await admin.waitForURL(/entity=api_key/);
    await admin.keyboard.press('Escape');
    // Every row shown is about a key once the filter has applied.
    await expect
      .poll(async () =>
        (await table.locator('tbody tr').allTextContents()).every((t) => t.includes('api_key')),
      )
      .toBe(true);
    const revoke = table.getByRole('row').filter({ hasText: /revoke/ });
    await revoke.waitFor();
    await table
      .getByRole('row')
      .filter({ hasText: /api_key\s*create/ })
      .first()
      .waitFor();
    const href = await admin.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
    expect(href).toBe('/api/v1/audit/export.csv?entity=api_key');
    const csv = await (await admin.request.get(`${server.url}${href}`)).text();
    expect(csv).toMatch(/api_key,key_\w+,revoke/);
    const lines = csv.trim().split('\n').slice(1);
    expect(lines.every((l) => l.includes(',api_key,key_'))).toBe(true);
    await check(admin, 'audit');

    await revoke.getByRole('button', { name: /Show what revoke/ }).click();
    const diff = admin.getByTestId('audit-diff');
    await diff.getByText('revoked_at').waitFor();
    expect(await axeDialog(admin), 'audit diff').toEqual([]);
    await diff.getByRole('button', { name: 'Every entry for this record' }).click();
    await admin.waitForURL(/entityId=key_/);
    await expect.poll(() => admin.getByLabel('Record id').inputValue()).toMatch(/^key_/);

    // A deep link with a date range before anything happened finds nothing.
    await admin.goto(`${server.url}/admin/audit?entity=user&to=2000-01-01`);
    await admin.getByText('No entries match these filters').waitFor();
  });

  it('a manager reads ingestion and the catalog but finds the admin pages closed, on a phone', async () => {
    const page = await signIn(browser, server, DEMO_MANAGER, DEMO_PASSWORD, PHONE);
    await page.goto(`${server.url}/data/ingestion?letters=replayed`);
    await page.getByTestId('dead-letters').waitFor();
    expect(await page.getByRole('button', { name: /Replay/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Fix' }).count()).toBe(0);
    for (const [path, text] of [
      ['/admin/users', 'Only admins can manage users and roles.'],
      ['/admin/keys', 'Only admins can see and manage API keys.'],
      ['/admin/audit', 'Only admins can read the audit log.'],
    ] as const) {
      await page.goto(`${server.url}${path}`);
      await page.getByText(text).waitFor();
      expect(await page.getByRole('alert').count(), path).toBe(0);
      expect(await axeProblems(page), path).toEqual([]);
    }
    await screenshots(page, 'admin-only');
    await page.close();
  });
});
