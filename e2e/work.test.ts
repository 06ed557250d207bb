import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { startServer, type RunningServer } from './server.js';
import { axeProblems, DESKTOP, PHONE, prepareDemo, screenshots, signIn } from './app.js';

const DEMO_PASSWORD = 'demo-sign-in-for-browser-tests-1';
const ADMIN = 'tom.becker@demo.tenure.dev';
const MANAGER = 'elena.vasquez@demo.tenure.dev';

/**
 * At 375 px nothing pushes the page sideways (wide tables scroll inside their own box): the
 * elements that stick out past the right edge outside any scroller, empty when none.
 */
async function phoneOverflow(page: Page): Promise<string[]> {
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
  await page.waitForTimeout(500);
  return Array.isArray(found) ? found.map(String) : ['?'];
}

/** axe, no overflow at 375 px, and screenshots at both widths. */
async function checkPage(page: Page, name: string): Promise<void> {
  expect(await axeProblems(page), name).toEqual([]);
  expect(await phoneOverflow(page), name).toEqual([]);
  await screenshots(page, name);
}

async function nav(page: Page, name: string, url: RegExp): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
  await page.waitForURL(url);
}

const RULE = {
  key: 'red-to-low-engagement',
  name: 'Red → low engagement play',
  when: { type: 'alert', kinds: ['tier_change'], toTier: 'Red' },
  conditions: [],
  then: [{ type: 'start_playbook', playbook: 'low-engagement' }],
};

describe('playbooks, rules, team, outbox and jobs in the web app', () => {
  let server: RunningServer;
  let browser: Browser;
  let admin: Page;
  beforeAll(async () => {
    server = await startServer([], {}, (dir) => prepareDemo(dir, DEMO_PASSWORD));
    browser = await launchBrowser();
    admin = await signIn(browser, server, ADMIN, DEMO_PASSWORD);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('an admin starts Low engagement on an account and sees the play at 0/5', async () => {
    const page = admin;
    await nav(page, 'Playbooks', /\/playbooks$/);
    await page.getByRole('heading', { level: 2, name: 'Risk' }).waitFor();
    expect(await page.getByTestId('playbook').count()).toBe(12);
    await checkPage(page, 'playbooks');

    await page.getByRole('link', { name: 'Low engagement' }).click();
    await page.waitForURL(/\/playbooks\/low-engagement/);
    await page.getByRole('heading', { level: 1, name: 'Low engagement' }).waitFor();
    expect(await page.getByTestId('step').count()).toBe(5);
    await page.getByRole('button', { name: 'Start on an account' }).click();
    const form = page.getByRole('form', { name: 'Start Low engagement on an account' });
    // No account yet: said at the field.
    await form.getByRole('button', { name: 'Start the play' }).click();
    await form.getByText('Choose the account to start it on').waitFor();
    await form.getByRole('textbox', { name: 'Account' }).click();
    const option = page.getByRole('option').filter({ visible: true }).first();
    await option.waitFor();
    const account = (await option.textContent())!;
    await option.click();
    expect(await axeProblems(page), 'start dialog').toEqual([]);
    await form.getByRole('button', { name: 'Start the play' }).click();
    await page.getByText(`Started Low engagement on ${account}`).waitFor();
    const run = page.getByTestId('run').filter({ hasText: account });
    await run.waitFor();
    await expect.poll(() => run.getByTestId('run-progress').textContent()).toBe('0/5 tasks closed');
    await checkPage(page, 'playbook');

    // A second start on the same account is refused in words.
    await page.getByRole('button', { name: 'Start on an account' }).click();
    await form.getByRole('textbox', { name: 'Account' }).fill(account);
    await page.getByRole('option', { name: account }).filter({ visible: true }).first().click();
    await form.getByRole('button', { name: 'Start the play' }).click();
    await form.getByRole('alert').waitFor();
    expect(await form.getByRole('alert').textContent()).toMatch(/already running/i);
    await form.getByRole('button', { name: 'Cancel' }).click();
  });

  it('an admin adds a playbook with the form; problems show at their steps', async () => {
    const page = admin;
    await nav(page, 'Playbooks', /\/playbooks$/);
    await page.getByRole('link', { name: 'New playbook' }).click();
    await page.waitForURL(/\/playbooks\?new=1/);
    const form = page.getByRole('form', { name: 'New playbook' });
    await form.getByLabel('Name').fill('QBR preparation');
    expect(await form.getByLabel('Key').inputValue()).toBe('qbr-preparation');
    await form.getByLabel('Step 1 title').fill('Pull the usage numbers');
    await form.getByRole('button', { name: 'Add a step' }).click();
    await form.getByLabel('Step 2 due after (days)').fill('-3');
    await form.getByRole('button', { name: 'Save playbook' }).click();
    // Both problems of step 2, at their fields and by their paths.
    const issues = form.getByTestId('playbook-issues');
    await issues.waitFor();
    expect(await issues.textContent()).toMatch(/steps\.1\.title/);
    expect(await issues.textContent()).toMatch(/steps\.1\.dueAfterDays/);
    await checkPage(page, 'playbook-editor');

    await form.getByLabel('Step 2 title').fill('Send the agenda');
    await form.getByLabel('Step 2 due after (days)').fill('3');
    await form.getByRole('button', { name: 'Move step 2 up' }).click();
    expect(await form.getByLabel('Step 1 title').inputValue()).toBe('Send the agenda');
    await form.getByRole('button', { name: 'Save playbook' }).click();
    await page.waitForURL(/\/playbooks\/qbr-preparation/);
    await page.getByRole('heading', { level: 1, name: 'QBR preparation' }).waitFor();
    expect(await page.getByTestId('step').allTextContents()).toEqual([
      expect.stringContaining('Send the agenda'),
      expect.stringContaining('Pull the usage numbers'),
    ]);
  });

  it('an admin writes a rule, previews it, saves it and switches it on', async () => {
    const page = admin;
    await nav(page, 'Rules', /\/rules$/);
    await page.getByRole('heading', { level: 1, name: 'Rules' }).waitFor();
    await page.getByRole('link', { name: 'New rule' }).click();
    await page.waitForURL(/\/rules\?new=1/);
    const editor = page.getByRole('textbox', { name: 'Rule (JSON)' });

    // A broken rule is refused with its problem named by its path.
    await editor.fill(JSON.stringify({ ...RULE, then: [] }, null, 2));
    await page.getByRole('button', { name: 'Save rule' }).click();
    await page.getByTestId('rule-issues').getByText('then').waitFor();

    await editor.fill(JSON.stringify(RULE, null, 2));
    await page.getByTestId('rule-words').getByText('Start the playbook low-engagement').waitFor();
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByTestId('rule-preview');
    await preview.waitFor();
    expect(await preview.getByRole('heading').textContent()).toMatch(
      /^It would act on (no account|\d+ accounts?) right now$/,
    );
    await checkPage(page, 'rule-editor');
    await page.getByRole('button', { name: 'Save rule' }).click();
    await page.waitForURL(/\/rules\/red-to-low-engagement/);
    await page.getByRole('heading', { level: 1, name: RULE.name }).waitFor();
    await page.getByTestId('rule-definition').getByText('When a tier change alert').waitFor();

    await page.getByRole('button', { name: 'Switch on' }).click();
    const dialog = page.getByRole('dialog', { name: /Switch on/ });
    await dialog.getByRole('button', { name: 'Switch on' }).click();
    await page.getByText(`${RULE.name} is on.`).waitFor();
    await dialog.waitFor({ state: 'hidden' });
    await page.locator('#main').getByRole('button', { name: 'Switch off' }).waitFor();
    expect(await page.getByRole('link', { name: 'Download YAML' }).getAttribute('href')).toBe(
      '/api/v1/rules/red-to-low-engagement/export',
    );
    await checkPage(page, 'rule');

    await page.getByRole('link', { name: 'All rules' }).click();
    const row = page.getByTestId('rule').filter({ hasText: RULE.name });
    await row.waitFor();
    expect(await row.textContent()).toContain('On');
    await checkPage(page, 'rules');
  });

  it('an admin reads the team: a row per person and the chart of ARR at risk', async () => {
    const page = admin;
    await nav(page, 'Team', /\/team/);
    await page.getByRole('heading', { level: 1, name: 'Team' }).waitFor();
    await page.getByTestId('team-row').first().waitFor();
    expect(await page.getByTestId('team-row').count()).toBeGreaterThan(1);
    expect(await page.getByTestId('team-summary').textContent()).toMatch(/^300 accounts, \$/);
    await page.getByTestId('risk-chart').waitFor();
    // The play started above counts on its owner's row.
    const plays = (
      await page.getByTestId('team-row').locator('td:last-child').allTextContents()
    ).map(Number);
    expect(plays.reduce((a, b) => a + b, 0)).toBe(1);
    await checkPage(page, 'team');
  });

  it('an admin reads the outbox and adds a webhook endpoint, its secret shown once', async () => {
    const page = admin;
    await nav(page, 'Outbox', /\/admin\/outbox/);
    await page.getByRole('heading', { level: 1, name: 'Outbox' }).waitFor();
    await page.getByRole('tab', { name: 'Delivery log' }).waitFor();
    await page.getByRole('textbox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'Failed' }).filter({ visible: true }).click();
    await page.waitForURL(/status=failed/);
    await page
      .getByText(/Nothing matches|Failed/)
      .first()
      .waitFor();
    await checkPage(page, 'outbox');

    await page.getByRole('tab', { name: 'Endpoints' }).click();
    await page.waitForURL(/tab=endpoints/);
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const form = page.getByRole('form', { name: 'Add an endpoint' });
    await form.getByLabel('Name').fill('Renewals receiver');
    await form.getByLabel('URL').fill('https://hooks.example.com/tenure');
    await form.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = page.getByTestId('endpoint-secret');
    await secret.waitFor();
    expect((await secret.textContent())!.length).toBeGreaterThan(20);
    expect(await axeProblems(page), 'secret dialog').toEqual([]);
    await page.getByRole('button', { name: 'Done' }).click();
    await secret.waitFor({ state: 'detached' });
    const row = page.getByTestId('endpoint').filter({ hasText: 'Renewals receiver' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Webhook, signed');
    // Shown once: a reload lists the endpoint without its secret.
    await page.reload();
    await row.waitFor();
    expect(await page.getByTestId('endpoint-secret').count()).toBe(0);
    await checkPage(page, 'endpoints');
  });

  it('an admin reads the jobs schedule and runs one now', async () => {
    const page = admin;
    await nav(page, 'Jobs', /\/admin\/jobs/);
    await page.getByRole('heading', { level: 1, name: 'Jobs' }).waitFor();
    const daily = page.getByTestId('scheduled-job').filter({ hasText: 'health.daily' });
    await daily.waitFor();
    expect(await page.getByTestId('scheduled-job').count()).toBeGreaterThan(4);
    await page.getByRole('button', { name: 'Run rules.evaluate now' }).click();
    await page.getByText('Queued rules.evaluate to run now.').waitFor();
    await page.getByTestId('job').filter({ hasText: 'rules.evaluate' }).first().waitFor();
    await checkPage(page, 'jobs');
  });

  it('a manager finds no rule editor and no admin pages', async () => {
    const page = await signIn(browser, server, MANAGER, DEMO_PASSWORD);
    const main = page.getByRole('navigation', { name: 'Main' });
    for (const name of ['Outbox', 'Jobs', 'Users'])
      expect(await main.getByRole('link', { name }).count(), name).toBe(0);
    await nav(page, 'Rules', /\/rules$/);
    await page.getByTestId('rule').first().waitFor();
    expect(await page.getByRole('link', { name: 'New rule' }).count()).toBe(0);
    await page.getByRole('link', { name: RULE.name }).click();
    await page.getByTestId('rule-definition').waitFor();
    for (const name of ['Edit', 'Switch off', 'Switch on'])
      expect(await page.getByRole('button', { name }).count(), name).toBe(0);
    await page.goto(`${server.url}/rules?new=1`);
    await page.getByText('Only admins add rules.').waitFor();
    expect(await page.getByRole('textbox', { name: 'Rule (JSON)' }).count()).toBe(0);

    // Playbooks: a manager starts plays but edits none.
    await nav(page, 'Playbooks', /\/playbooks$/);
    expect(await page.getByRole('link', { name: 'New playbook' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Onboarding' }).click();
    await page.getByRole('button', { name: 'Start on an account' }).waitFor();
    expect(await page.getByRole('button', { name: 'Edit' }).count()).toBe(0);

    for (const path of ['/admin/outbox', '/admin/jobs']) {
      await page.goto(`${server.url}${path}`);
      await page.getByTestId('only-admins').waitFor();
    }
    await nav(page, 'Team', /\/team/);
    await page.getByTestId('team-row').first().waitFor();
    expect(await axeProblems(page)).toEqual([]);
    await page.context().close();
  });
});
