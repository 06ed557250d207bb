import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { startServer, type RunningServer } from './server.js';
import {
  axeProblems,
  cli,
  createUser,
  DEMO_MANAGER,
  DEMO_PASSWORD,
  PHONE,
  phoneOverflow,
  prepareDemo,
  screenshots,
  signIn,
} from './app.js';

const VIEWER = {
  email: 'tess.viewer@example.com',
  name: 'Tess Viewer',
  role: 'viewer',
  password: 'viewer-password-long-enough-2',
};

const dayFrom = (n: number) => new Date(Date.now() + n * 864e5).toISOString().slice(0, 10);

/**
 * Some tasks to look at before anyone signs in: one overdue and urgent, one due soon, one
 * with no due day, on the first accounts of the book.
 */
async function seedTasks(dataDir: string): Promise<void> {
  const { items } = JSON.parse(
    await cli(dataDir, ['accounts', 'list', '--limit', '3', '--json']),
  ) as { items: { id: string }[] };
  const seeds = [
    ['Send the renewal quote', items[0]!.id, dayFrom(-3), 'urgent'],
    ['Book the quarterly business review', items[1]!.id, dayFrom(5), 'high'],
    ['Introduce the new support plan', items[2]!.id, null, 'low'],
  ] as const;
  for (const [title, account, due, priority] of seeds)
    await cli(dataDir, [
      'tasks',
      'add',
      '--title',
      title,
      '--account',
      account,
      '--priority',
      priority,
      ...(due ? ['--due', due] : []),
    ]);
}

describe('tasks in the web app', () => {
  let server: RunningServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startServer([], {}, async (dir) => {
      await prepareDemo(dir, DEMO_PASSWORD);
      await seedTasks(dir);
    });
    await createUser(server, VIEWER);
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a manager adds a task on an account, finds it, comments, and marks it done', async () => {
    const page = await signIn(browser, server, DEMO_MANAGER, DEMO_PASSWORD);
    const title = 'Call the sponsor about 20 more seats';

    // From the portfolio to an account's Tasks tab; the tab is in the URL.
    const first = page.getByRole('table', { name: 'Accounts' }).getByRole('link').first();
    const account = (await first.textContent())!;
    await first.click();
    await page.getByRole('heading', { level: 1, name: account }).waitFor();
    await page.getByRole('tab', { name: 'Tasks' }).click();
    await page.waitForURL(/tab=tasks/);
    await page.getByRole('button', { name: 'New task' }).click();
    const form = page.getByRole('form', { name: `Add a task for ${account}` });

    // A blank title is named at its field before anything is sent.
    await form.getByRole('button', { name: 'Add task' }).click();
    await form.getByText('Give the task a title').waitFor();

    await form.getByLabel('Title').fill(title);
    await form.getByLabel('Due date').fill(dayFrom(-1));
    await form.getByRole('textbox', { name: 'Priority' }).click();
    await page.getByRole('option', { name: 'High' }).filter({ visible: true }).click();
    await form.getByLabel('Details').fill('They asked for 20 more seats before the renewal.');
    await form.getByRole('button', { name: 'Add task' }).click();
    await page.getByText(`Added the task “${title}”`).waitFor();
    const row = page.getByTestId('task').filter({ hasText: title });
    await row.waitFor();
    // Due yesterday: overdue in words, not only in red.
    expect(await row.textContent()).toContain('1 day overdue');
    expect(await axeProblems(page)).toEqual([]);
    expect(await phoneOverflow(page)).toEqual([]);
    await screenshots(page, 'account-tasks');

    // It is on the tasks page, with the count of open and overdue tasks.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Tasks' })
      .click();
    await page.waitForURL(/\/tasks/);
    const summary = page.getByTestId('tasks-summary');
    await expect.poll(() => summary.textContent()).toMatch(/^4 open tasks, 2 overdue$/);
    const listed = page.getByTestId('task').filter({ hasText: title });
    await listed.waitFor();
    expect(await listed.getByRole('link', { name: account }).count()).toBe(1);
    expect(await axeProblems(page)).toEqual([]);
    expect(await phoneOverflow(page)).toEqual([]);
    await screenshots(page, 'tasks');

    // Filters live in the URL: overdue only, then back.
    // The switch follows the URL, which the router updates a moment after the click.
    await page.getByLabel('Overdue only').click();
    await page.waitForURL(/overdue=1/);
    await expect.poll(() => summary.textContent()).toBe('2 overdue tasks');
    await page.getByLabel('Overdue only').click();
    await expect.poll(() => page.url()).not.toContain('overdue');
    await expect.poll(() => summary.textContent()).toMatch(/^4 open tasks/);

    // Open it (a deep link), comment, and read it back.
    await listed.getByRole('link', { name: title }).click();
    await page.waitForURL(/task=tsk_/);
    const drawer = page.getByRole('dialog', { name: title });
    await drawer.getByText('They asked for 20 more seats').waitFor();
    await drawer
      .getByRole('textbox', { name: 'Comment' })
      .fill('Left a voicemail; trying again Thursday.');
    await drawer.getByRole('button', { name: 'Add comment' }).click();
    await drawer.getByTestId('task-comments').getByText('Left a voicemail').waitFor();
    expect(await drawer.getByTestId('task-comments').textContent()).toContain('Elena Vasquez');
    expect(await axeProblems(page)).toEqual([]);
    await screenshots(page, 'task');
    expect(await phoneOverflow(page)).toEqual([]);

    // The link works on its own: reload and the same task opens.
    const link = page.url();
    await page.goto(link);
    await page.getByRole('dialog', { name: title }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    expect(page.url()).not.toContain('task=');

    // Done from the list: it leaves the open tasks and lands on the account's timeline.
    await page.getByRole('checkbox', { name: `Mark ${title} done` }).click();
    await page.getByText(`Done: ${title}`).waitFor();
    await listed.waitFor({ state: 'detached' });
    await expect.poll(() => summary.textContent()).toMatch(/^3 open tasks, 1 overdue$/);
    await page.getByRole('radiogroup', { name: 'Task status' }).getByText('Done').click();
    await page.waitForURL(/status=done/);
    const doneRow = page.getByTestId('task').filter({ hasText: title });
    expect(await doneRow.getByRole('checkbox', { name: `Mark ${title} done` }).isChecked()).toBe(
      true,
    );
    await doneRow.getByRole('link', { name: account }).click();
    await page.waitForURL(/\/accounts\/.+tab=tasks/);
    await page.getByRole('tab', { name: 'Timeline' }).click();
    await page.getByTestId('timeline').getByText(`Task done: ${title}`).waitFor();

    // From the tasks page: a task found by searching for its account, then cancelled.
    await page.goto(`${server.url}/tasks`);
    await page.getByRole('button', { name: 'New task' }).click();
    const dialog = page.getByRole('dialog', { name: 'New task' });
    expect(await axeProblems(page)).toEqual([]);
    await screenshots(page, 'new-task');
    await dialog.getByLabel('Title').fill('Prepare the renewal deck');
    await dialog.getByRole('textbox', { name: 'Account' }).fill(account.slice(0, 6));
    await page.getByRole('option', { name: account }).filter({ visible: true }).click();
    await dialog.getByRole('button', { name: 'Add task' }).click();
    const opened = page.getByRole('dialog', { name: 'Prepare the renewal deck' });
    await opened.getByRole('link', { name: account }).waitFor();
    await opened.getByRole('radiogroup', { name: 'Status' }).getByText('Cancelled').click();
    await page.getByText('Cancelled: Prepare the renewal deck').waitFor();
    expect(await opened.getByText('Cancelled', { exact: true }).count()).toBeGreaterThan(0);
    await page.close();
  });

  it('a viewer reads tasks but finds no way to add or complete them', async () => {
    const page = await signIn(browser, server, VIEWER.email, VIEWER.password);
    await page.goto(`${server.url}/tasks`);
    const summary = page.getByTestId('tasks-summary');
    await expect.poll(() => summary.textContent()).toMatch(/^\d+ open tasks?/);
    expect(await page.getByTestId('task').count()).toBeGreaterThan(0);
    expect(await page.getByRole('button', { name: 'New task' }).count()).toBe(0);
    expect(await page.getByRole('checkbox').count()).toBe(0);

    // The task view reads the same, without status, reassign or comment controls.
    const first = page.getByTestId('task').first().getByRole('link').first();
    const title = (await first.textContent())!;
    await first.click();
    const drawer = page.getByRole('dialog', { name: title });
    await drawer.getByRole('heading', { name: 'Comments' }).waitFor();
    expect(await drawer.getByRole('textbox', { name: 'Comment' }).count()).toBe(0);
    expect(await drawer.getByRole('radiogroup').count()).toBe(0);
    expect(await drawer.getByRole('textbox', { name: 'Assignee' }).count()).toBe(0);
    expect(await axeProblems(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });

    // The account's Tasks tab lists them too, with no form and no done boxes.
    const account = page.getByTestId('task').first().getByRole('link').nth(1);
    await account.click();
    await page.waitForURL(/\/accounts\/.+tab=tasks/);
    await expect
      .poll(() => page.getByTestId('account-tasks-summary').textContent())
      .toMatch(/open task/);
    expect(await page.getByRole('button', { name: 'New task' }).count()).toBe(0);
    expect(await page.getByRole('checkbox').count()).toBe(0);
    await page.goto(`${server.url}/tasks`);

    // On a phone the tasks are cards that fit the screen, still without controls.
    await page.setViewportSize(PHONE);
    await page.getByTestId('tasks').waitFor();
    expect(await page.getByRole('checkbox').count()).toBe(0);
    expect(await phoneOverflow(page)).toEqual([]);
    await page.close();
  });
});
