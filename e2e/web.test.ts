import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { startServer, type RunningServer } from './server.js';
import {
  axeProblems,
  createUser,
  DEMO_MANAGER,
  DEMO_PASSWORD,
  DESKTOP,
  PHONE,
  prepareDemo,
  screenshots,
  signIn,
} from './app.js';

const VIEWER = {
  email: 'vera.viewer@example.com',
  name: 'Vera Viewer',
  role: 'viewer',
  password: 'viewer-password-long-enough-1',
};

/** Accounts the portfolio lists for the manager (everyone's, not archived). */
async function countAccounts(server: RunningServer): Promise<number> {
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: DEMO_MANAGER, password: DEMO_PASSWORD }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const r = await fetch(`${server.url}/api/v1/portfolio?scope=all`, { headers: { cookie } });
  return ((await r.json()) as { rows: unknown[] }).rows.length;
}

interface Focused {
  tag: string;
  name: string;
  href: string;
  role: string;
  id: string;
  /** Whether the focus shows: an outline or a ring drawn for it. */
  ring: boolean;
  left: number;
}

/** What has the keyboard focus, and whether a sighted user can see where it is. */
async function focused(page: Page): Promise<Focused> {
  // A string, as this file is compiled without the DOM types.
  return (await page.evaluate(`(() => {
    const e = document.activeElement;
    if (!e || e === document.body) return { tag: 'BODY', name: '', href: '', role: '', id: '', ring: false, left: 0 };
    const s = getComputedStyle(e);
    const label = e.getAttribute('aria-label') || (e.labels && e.labels[0] ? e.labels[0].textContent : '') || e.textContent || '';
    return {
      tag: e.tagName, name: label.trim().slice(0, 80), href: e.getAttribute('href') || '',
      role: e.getAttribute('role') || '', id: e.id,
      ring: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none',
      left: e.getBoundingClientRect().left,
    };
  })()`)) as Focused;
}

/** Press Tab until the focus lands where `want` says (at most `max` presses). */
async function tabTo(page: Page, want: (f: Focused) => boolean, max = 60): Promise<Focused> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (want(f)) return f;
    seen.push(`${f.tag}:${f.name}`);
  }
  throw new Error(`never reached by Tab; went through ${seen.join(' | ')}`);
}

describe('the web app over the demo company', () => {
  let server: RunningServer;
  let browser: Browser;
  let accounts = 0;
  beforeAll(async () => {
    server = await startServer([], {}, (dir) => prepareDemo(dir, DEMO_PASSWORD));
    await createUser(server, VIEWER);
    accounts = await countAccounts(server);
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a manager filters the portfolio, saves a view, reads an account’s drivers and logs a note', async () => {
    const page = await signIn(browser, server, DEMO_MANAGER, DEMO_PASSWORD);
    const summary = page.getByTestId('portfolio-summary');
    await expect
      .poll(() => summary.textContent())
      .toMatch(new RegExp(`^${accounts} of ${accounts} accounts`));
    expect(await axeProblems(page)).toEqual([]);
    await screenshots(page, 'portfolio');

    // Filter to the red tier: fewer rows, and the URL holds the filter.
    await page.getByRole('textbox', { name: 'Health' }).click();
    await page.getByRole('option', { name: 'Red', exact: true }).filter({ visible: true }).click();
    await page.keyboard.press('Escape');
    await page.waitForURL(/tier=Red/);
    const shown = async () => Number((await summary.textContent())!.split(' ')[0]);
    await expect.poll(shown).toBeLessThan(accounts);
    const filtered = await shown();
    expect(filtered).toBeGreaterThan(0);

    // Save it as a shared view, leave, and come back through the view.
    await page.getByRole('button', { name: 'Views' }).click();
    await page.getByRole('menuitem', { name: 'Save current view…' }).click();
    await page.getByLabel('Name').fill('Red accounts');
    await page.getByLabel('Share with the team').check();
    await page.getByRole('button', { name: 'Save view' }).click();
    await page.getByText('Saved the view “Red accounts”').waitFor();
    await page.goto(`${server.url}/portfolio`);
    await expect.poll(() => summary.textContent()).toMatch(new RegExp(`^${accounts} of`));
    await page.getByRole('button', { name: 'Views' }).click();
    await page.getByRole('menuitem', { name: /Red accounts/ }).click();
    await page.waitForURL(/tier=Red/);
    await expect.poll(() => summary.textContent()).toMatch(new RegExp(`^${filtered} of`));

    // Open the first account: its health, the drivers of its change, and its timeline.
    const first = page.getByRole('table', { name: 'Accounts' }).getByRole('link').first();
    const name = (await first.textContent())!;
    await first.click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await page.getByTestId('drivers').waitFor();
    expect(await page.getByTestId('drivers').textContent()).toMatch(/points/);
    expect(await axeProblems(page)).toEqual([]);
    await screenshots(page, 'account-health');

    await page.getByRole('tab', { name: 'Timeline' }).click();
    await page.waitForURL(/tab=timeline/);
    await page.getByLabel('Title').fill('Called the champion about the renewal');
    await page.getByLabel('Details').fill('They want a usage review before signing.');
    await page.getByRole('button', { name: 'Log note' }).click();
    await page.getByTestId('timeline').getByText('Called the champion about the renewal').waitFor();
    expect(await axeProblems(page)).toEqual([]);
    await screenshots(page, 'account-timeline');

    // Move the account to "at risk", with a reason; the timeline tab shows the change.
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('menuitem', { name: 'Change stage…' }).click();
    await page.getByRole('textbox', { name: 'Stage' }).click();
    await page
      .getByRole('option', { name: 'At risk', exact: true })
      .filter({ visible: true })
      .click();
    await page.getByLabel('Reason').fill('Usage review requested before renewal');
    await page.getByRole('button', { name: 'Change stage' }).click();
    await page.getByText('Stage is now At risk').waitFor();
    await page
      .getByTestId('timeline')
      .getByText(/Stage changed from \w+ to at_risk/)
      .first()
      .waitFor();

    for (const tab of ['Usage', 'Revenue', 'Contacts', 'Tickets & NPS', 'Alerts']) {
      await page.getByRole('tab', { name: tab }).click();
      await page.waitForLoadState('networkidle');
      expect(await axeProblems(page), tab).toEqual([]);
    }
    await page.close();
  });

  it('a CSM signs in, finds an account, reads it and logs a note with the keyboard alone', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await page.goto(`${server.url}/portfolio`);
    await page.waitForURL(/\/signin/);
    await tabTo(page, (f) => f.tag === 'INPUT' && /email/i.test(f.name));
    await page.keyboard.type(DEMO_MANAGER);
    await tabTo(page, (f) => f.tag === 'INPUT' && /password/i.test(f.name), 3);
    await page.keyboard.type(DEMO_PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/portfolio/);
    await page.getByRole('table', { name: 'Accounts' }).waitFor();

    // The first Tab offers a way past the header and navigation, and it shows when focused.
    const skip = await tabTo(page, () => true, 1);
    expect(skip).toMatchObject({ tag: 'A', name: 'Skip to content', ring: true });
    expect(skip.left).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Enter');
    expect((await focused(page)).id).toBe('main');

    // Text fields show focus by their border colour and caret; links, buttons and tabs by a ring.
    await tabTo(page, (f) => f.name === 'Search accounts');
    const first = page.getByRole('table', { name: 'Accounts' }).getByRole('link').first();
    const name = (await first.textContent())!;
    await page.keyboard.type(name);
    await page.waitForURL(/q=/);
    await expect
      .poll(async () => (await page.getByTestId('portfolio-summary').textContent()) ?? '')
      .toMatch(/^\d+ of \d+/);
    const link = await tabTo(page, (f) => f.tag === 'A' && f.href.includes('/accounts/'));
    expect(link).toMatchObject({ name, ring: true });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name }).waitFor();

    // Tabs move with the arrow keys, and the URL follows.
    const tab = await tabTo(page, (f) => f.role === 'tab');
    expect(tab.ring).toBe(true);
    await page.keyboard.press('ArrowRight');
    await page.waitForURL(/tab=usage/);
    for (let i = 0; i < 8 && !page.url().includes('tab=timeline'); i++) {
      await page.keyboard.press('ArrowRight');
      await page.waitForTimeout(100);
    }
    await page.waitForURL(/tab=timeline/);
    await tabTo(page, (f) => f.tag === 'INPUT' && f.name.startsWith('Title'));
    await page.keyboard.type('Keyboard-only check-in');
    await tabTo(page, (f) => f.tag === 'BUTTON' && f.name === 'Log note');
    await page.keyboard.press('Enter');
    await page.getByTestId('timeline').getByText('Keyboard-only check-in').waitFor();
    await context.close();
  });

  it('the alerts inbox and the profile work on a phone and pass the accessibility checks', async () => {
    const page = await signIn(browser, server, DEMO_MANAGER, DEMO_PASSWORD, PHONE);
    await page.goto(`${server.url}/alerts?whose=all`);
    await page.getByRole('heading', { name: 'Alerts' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(await axeProblems(page)).toEqual([]);
    await screenshots(page, 'alerts');
    await page.goto(`${server.url}/profile`);
    await page.getByRole('heading', { name: 'Where you are signed in' }).waitFor();
    expect(await axeProblems(page)).toEqual([]);
    await screenshots(page, 'profile');
    await page.goto(`${server.url}/signin`);
    await page.close();
  });

  it('a viewer finds no edit controls', async () => {
    const page = await signIn(browser, server, VIEWER.email, VIEWER.password);
    await page.getByRole('table', { name: 'Accounts' }).waitFor();
    await page.getByRole('button', { name: 'Views' }).click();
    await page.getByRole('menuitem', { name: /Red accounts/ }).waitFor();
    expect(await page.getByRole('menuitem', { name: 'Save current view…' }).count()).toBe(0);
    await page.keyboard.press('Escape');
    await page.getByRole('table', { name: 'Accounts' }).getByRole('link').first().click();
    await page.getByRole('tab', { name: 'Timeline' }).click();
    await page.getByTestId('timeline').waitFor();
    expect(await page.getByRole('form', { name: 'Log an activity' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Edit' }).count()).toBe(0);
    await page.getByRole('tab', { name: 'Alerts' }).click();
    await page
      .getByRole('radiogroup', { name: 'Alert status' })
      .getByText('All', { exact: true })
      .click();
    await page.waitForLoadState('networkidle');
    expect(await page.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Resolve' }).count()).toBe(0);
    await page.close();
  });
});
