import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { startServer, type RunningServer } from './server.js';
import {
  axeProblems,
  createUser,
  DEMO_ADMIN,
  DESKTOP,
  DEMO_PASSWORD,
  phoneOverflow,
  prepareDemo,
  screenshots,
  signIn,
} from './app.js';

const VIEWER = {
  email: 'vera.viewer@example.com',
  name: 'Vera Viewer',
  role: 'viewer',
  password: 'viewer-password-long-enough-9',
};

/** axe, no overflow at 375 px, and screenshots at both widths. */
async function checkPage(page: Page, name: string): Promise<void> {
  // A toast sliding out past the right edge is not the page overflowing: let them go first.
  await page
    .locator('.mantine-Notification-root')
    .first()
    .waitFor({ state: 'detached', timeout: 15_000 });
  expect(await axeProblems(page), name).toEqual([]);
  expect(await phoneOverflow(page), name).toEqual([]);
  await screenshots(page, name);
}

async function nav(page: Page, name: string, url: RegExp): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
  await page.waitForURL(url);
}

const lane = (page: Page, window: string, bucket: string): Locator =>
  page.locator(`[data-testid="lane"][data-window="${window}"][data-bucket="${bucket}"]`);

/** The card of one renewal in a lane, opening the lane's "Show all" when it is folded. */
async function cardIn(lane: Locator, subscriptionId: string): Promise<Locator> {
  const card = lane.locator(`[data-subscription="${subscriptionId}"]`);
  const all = lane.getByRole('button', { name: /^Show all/ });
  if ((await card.count()) === 0 && (await all.count()) > 0) await all.click();
  await card.waitFor();
  return card;
}

/** "$1,234.56" → 123456 (minor units). */
const cents = async (l: Locator): Promise<number> =>
  Number((await l.textContent({ timeout: 5_000 }))!.replace(/[^0-9]/g, ''));

describe('renewals, forecast, quotes and expansion in the web app', () => {
  let server: RunningServer;
  let browser: Browser;
  let admin: Page;
  beforeAll(async () => {
    server = await startServer([], {}, (dir) => prepareDemo(dir, DEMO_PASSWORD));
    await createUser(server, VIEWER);
    browser = await launchBrowser();
    admin = await signIn(browser, server, DEMO_ADMIN, DEMO_PASSWORD);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('an admin drags a renewal to another bucket with a reason; the card and timeline show it', async () => {
    const page = admin;
    await nav(page, 'Renewals', /\/renewals$/);
    await page.getByRole('heading', { level: 1, name: 'Renewals' }).waitFor();
    // Buckets now, not at the next five-minute run.
    await page.getByRole('button', { name: 'Refresh buckets' }).click();
    await page.getByText(/^Buckets worked out again for 300 accounts$/).waitFor();
    // Read the board as it is now (the refresh refetches it in the background).
    await page.reload();
    await page.getByTestId('renewal-card').first().waitFor();

    // Columns by window, each with its count and ARR per currency.
    const columns = page.getByTestId('window-column');
    expect(await columns.locator('h2').allTextContents()).toEqual([
      'Overdue',
      '0–30 days',
      '31–60 days',
      '61–90 days',
      '91–120 days',
    ]);
    const soon = columns.filter({ hasText: '0–30 days' });
    const count = Number((await soon.getByTestId('window-count').textContent())!.split(' ')[0]);
    expect(count).toBeGreaterThan(0);
    expect(await soon.textContent()).toMatch(/\$[\d,]+/);
    expect(await page.getByTestId('renewals-summary').textContent()).toMatch(
      /^\d+ renewals: .*ARR/,
    );

    // An On Track renewal due within 30 days, dragged to Expanding.
    const from = lane(page, '30', 'on_track');
    const id = (await from.getByTestId('renewal-card').first().getAttribute('data-subscription'))!;
    const card = from.locator(`[data-subscription="${id}"]`);
    const account = (await card.getByRole('link').first().textContent())!;
    const to = lane(page, '30', 'expanding');
    const before = Number(await to.getByTestId('lane-count').textContent());
    // The drag stays on screen: a window as tall as the board down to the target lane
    const box = (await to.boundingBox())!;
    // (Fully on screen: Playwright would scroll a partly hidden lane, and the drag would then
    // start from whatever card came under the pointer.)
    await page.setViewportSize({ width: 1280, height: Math.ceil(box.y + box.height + 40) });
    await card.dragTo(to);
    const dialog = page.getByRole('dialog', { name: `Move ${account} to Expanding` });
    await dialog.waitFor();
    // A reason is asked for before anything is saved.
    await dialog.getByRole('button', { name: 'Move to Expanding' }).click();
    await dialog.getByText('Say why, in a few words').waitFor();
    expect(await axeProblems(page), 'override dialog').toEqual([]);
    const reason = 'Sponsor asked for 20 more seats at the QBR';
    await dialog.getByLabel('Reason').fill(reason);
    await dialog.getByRole('button', { name: 'Move to Expanding' }).click();
    await page.getByText(`Moved ${account} to Expanding`).waitFor();
    await dialog.waitFor({ state: 'hidden' });
    await page.setViewportSize(DESKTOP);

    const moved = await cardIn(to, id);
    expect(await moved.getByTestId('override-badge').textContent()).toBe(
      'Override · rules say On Track',
    );
    expect(await moved.getByTestId('override-reason').textContent()).toBe(
      `“${reason}” — Tom Becker`,
    );
    await expect
      .poll(async () => Number(await to.getByTestId('lane-count').textContent()))
      .toBe(before + 1);
    expect(await from.locator(`[data-subscription="${id}"]`).count()).toBe(0);
    await checkPage(page, 'renewals');

    // The list view says the same.
    await page.getByRole('radiogroup', { name: 'Show as' }).getByText('List').click();
    await page.waitForURL(/view=list/);
    const row = page.getByTestId('renewal-row').filter({ hasText: account });
    await row.first().waitFor();
    expect(await row.first().textContent()).toContain(reason);
    await checkPage(page, 'renewals-list');
    await page.getByRole('radiogroup', { name: 'Show as' }).getByText('Board').click();
    await page.getByTestId('board').waitFor();

    // The account's timeline keeps the override and its reason.
    await (await cardIn(to, id)).getByRole('link', { name: account }).click();
    await page.getByRole('heading', { level: 1, name: account }).waitFor();
    await page.getByRole('tab', { name: 'Timeline' }).click();
    await page
      .getByTestId('timeline')
      .getByText(`Renewal moved from On Track to Expanding: ${reason}`)
      .waitFor();

    // Back to automatic, by the card's menu (the keyboard and phone way).
    await page.goto(`${server.url}/renewals`);
    const again = await cardIn(lane(page, '30', 'expanding'), id);
    await again.getByRole('button', { name: `Actions for ${account}` }).click();
    await page.getByRole('menuitem', { name: 'Back to automatic' }).click();
    const back = page.getByRole('dialog', { name: `Back to automatic: ${account}` });
    await back.getByLabel('Reason').fill('The seats were for next year');
    await back.getByRole('button', { name: 'Back to automatic' }).click();
    await page.getByText(`${account} is back to On Track (automatic)`).waitFor();
    const home = await cardIn(lane(page, '30', 'on_track'), id);
    expect(await home.getByTestId('override-badge').count()).toBe(0);
  });

  it('an admin quotes a renewal with a 5% uplift, sends it, downloads the PDF and signs it', async () => {
    const page = admin;
    await page.goto(`${server.url}/renewals`);
    const card = lane(page, '30', 'on_track').getByTestId('renewal-card').first();
    await card.waitFor();
    const account = (await card.getByRole('link').first().textContent())!;
    await card.getByRole('button', { name: `Actions for ${account}` }).click();
    await page.getByRole('menuitem', { name: 'Make a quote' }).click();
    await page.waitForURL(/\/quotes\/new\?subscriptionId=sub_/);
    await page.getByRole('heading', { level: 1, name: `New quote for ${account}` }).waitFor();

    const unit = page.getByTestId('quote-unit');
    const total = page.getByTestId('quote-total');
    await total.waitFor();
    const unitBefore = await cents(unit);
    const totalBefore = await cents(total);
    const seats = await page.getByLabel('Seats').inputValue();

    // 5% uplift: the server prices it a moment after typing stops.
    await page.getByLabel('Uplift (%)').fill('5');
    await expect.poll(() => cents(unit)).toBe(Math.round(unitBefore * 1.05));
    await expect.poll(() => cents(total)).not.toBe(totalBefore);
    expect(await cents(total)).toBe(
      Math.round(unitBefore * 1.05) * Number(seats.replace(/,/g, '')) * 12,
    );

    // A refusal is shown at its field.
    await page.getByLabel('Seats').fill('0');
    await page.getByText('Must be 1 to 1000000').waitFor();
    await page.getByLabel('Seats').fill(seats);
    await page.getByText('Must be 1 to 1000000').waitFor({ state: 'detached' });
    await page.getByLabel('Notes').fill('Includes onboarding for the new team.');
    await expect.poll(() => cents(unit)).toBe(Math.round(unitBefore * 1.05));
    await checkPage(page, 'quote-editor');

    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForURL(/\/quotes\/quo_/);
    const status = page.getByTestId('quote-status');
    await expect.poll(() => status.textContent()).toBe('Draft');
    const number = (await page.getByRole('heading', { level: 1 }).textContent())!.replace(
      'Quote ',
      '',
    );
    expect(number).toMatch(/^Q-\d{4}$/);
    expect(await page.getByLabel('Uplift (%)').inputValue()).toBe('5');

    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText(`Sent: quote ${number}`).waitFor();
    await expect.poll(() => status.textContent()).toBe('Sent');

    // The order form: in a frame on the page, and as a PDF.
    const doc = page.frameLocator('[data-testid="quote-document"]');
    await doc.getByText(account).first().waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download PDF' }).click(),
    ]);
    const pdf = readFileSync((await download.path())!);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(download.suggestedFilename()).toMatch(/\.pdf$/);

    await page.getByRole('button', { name: 'Sign' }).click();
    const confirm = page.getByRole('dialog', { name: `Sign quote ${number}` });
    await confirm.getByRole('button', { name: 'Sign' }).click();
    await page.getByText(`Signed: quote ${number}`).waitFor();
    await expect.poll(() => status.textContent()).toBe('Signed');
    expect(await page.getByTestId('quote-history').textContent()).toMatch(
      /Drafted.*Tom Becker.*Sent.*Signed/,
    );
    expect(await page.getByRole('button', { name: 'Sign' }).count()).toBe(0);
    await checkPage(page, 'quote');

    // It is on the quotes list.
    await nav(page, 'Quotes', /\/quotes$/);
    const listed = page.getByTestId('quote-row').filter({ hasText: number });
    await listed.waitFor();
    expect(await listed.textContent()).toContain('Signed');
    await listed.getByText(account).waitFor();
    await checkPage(page, 'quotes');
  });

  it('an admin reads the quarter’s forecast: numbers per currency, the chart and probabilities', async () => {
    const page = admin;
    await nav(page, 'Forecast', /\/renewals\/forecast/);
    await page.getByRole('heading', { level: 1, name: 'Renewal forecast' }).waitFor();
    const quarter = (await page.getByTestId('quarter').textContent())!;
    expect(quarter).toMatch(/^\d{4}Q[1-4]$/);
    const usd = page.locator('[data-testid="forecast-currency"][data-currency="USD"]');
    await usd.waitFor();
    const numbers = await usd.getByTestId('forecast-numbers').textContent();
    for (const label of ['Up for renewal', 'Expected', 'At risk', 'Best case', 'Worst case'])
      expect(numbers).toContain(label);
    expect(numbers).toMatch(/Up for renewal\$[\d,]+/);
    const chart = usd.getByTestId('forecast-chart');
    await chart.locator('.recharts-bar-rectangle').first().waitFor();
    expect(await chart.getAttribute('aria-label')).toMatch(/^USD by bucket: On Track \d+ renewals/);
    expect(await page.getByTestId('probability').count()).toBe(4);
    expect(await page.getByTestId('probability').first().textContent()).toContain('90%');
    await checkPage(page, 'forecast');

    await page.getByRole('button', { name: 'Next quarter' }).click();
    await page.waitForURL(/quarter=\d{4}Q[1-4]/);
    await expect.poll(() => page.getByTestId('quarter').textContent()).not.toBe(quarter);
    await page.getByRole('button', { name: 'Previous quarter' }).click();
    await expect.poll(() => page.getByTestId('quarter').textContent()).toBe(quarter);
  });

  it('an admin opens an expansion opportunity from a candidate and moves it along', async () => {
    const page = admin;
    await nav(page, 'Expansion', /\/expansion/);
    await page.getByRole('heading', { level: 1, name: 'Expansion' }).waitFor();
    const first = page.getByTestId('candidate').first();
    await first.waitFor();
    expect(await first.getByTestId('signal').count()).toBeGreaterThan(0);
    expect(await first.getByTestId('signal').first().textContent()).toMatch(/^\+\d /);
    expect(await first.getByTestId('readiness').locator('li').count()).toBe(3);
    const account = (await first.getByRole('link').first().textContent())!;
    await first.getByRole('button', { name: `Open opportunity for ${account}` }).click();
    const dialog = page.getByRole('dialog', { name: `Open an opportunity for ${account}` });
    await dialog.getByLabel('Title').fill('Analytics add-on');
    await dialog.getByRole('textbox', { name: /^Amount/ }).fill('1200');
    await dialog.getByRole('button', { name: 'Open opportunity' }).click();
    await page.getByText('Opened the opportunity “Analytics add-on”').waitFor();

    const column = (stage: string) =>
      page.locator(`[data-testid="stage-column"][data-stage="${stage}"]`);
    const opp = column('identified')
      .getByTestId('opportunity')
      .filter({ hasText: 'Analytics add-on' });
    await opp.waitFor();
    expect(await opp.textContent()).toContain('1,200');
    await opp.getByRole('button', { name: 'Move Analytics add-on' }).click();
    await page.getByRole('menuitem', { name: 'Qualified' }).click();
    await column('qualified').getByText('Analytics add-on').waitFor();
    await checkPage(page, 'expansion');

    await column('qualified').getByRole('button', { name: 'Move Analytics add-on' }).click();
    await page.getByRole('menuitem', { name: 'Lost' }).click();
    const lost = page.getByRole('dialog', { name: 'Mark Analytics add-on lost' });
    await lost.getByLabel('Reason').fill('Budget frozen until next year');
    await lost.getByRole('button', { name: 'Mark lost' }).click();
    await column('lost').getByText('Lost: Budget frozen until next year').waitFor();
  });

  it('an admin records a churned renewal from a card’s menu; it leaves the board and the timeline says why', async () => {
    const page = admin;
    await page.goto(`${server.url}/renewals`);
    const card = page.getByTestId('renewal-card').first();
    await card.waitFor();
    const id = (await card.getAttribute('data-subscription'))!;
    const account = (await card.getByRole('link').first().textContent())!;
    const accountPath = (await card.getByRole('link').first().getAttribute('href'))!;
    const home = card.locator('xpath=ancestor::*[@data-testid="lane"]');
    const [window, bucket] = [
      (await home.getAttribute('data-window'))!,
      (await home.getAttribute('data-bucket'))!,
    ];

    await card.getByRole('button', { name: `Actions for ${account}` }).click();
    await page.getByRole('menuitem', { name: 'Record outcome…' }).click();
    const dialog = page.getByRole('dialog', { name: `Record the renewal of ${account}` });
    await dialog.waitFor();
    // Renewed starts at today's ARR, in major units.
    expect(await dialog.getByLabel(/^ARR \(/).inputValue()).toMatch(/^[\d,]+(\.\d+)?$/);
    const outcome = dialog.getByRole('radiogroup', { name: 'Outcome' });

    // A downgrade above today's ARR is refused by the server, at the ARR field.
    await outcome.getByText('Downgraded').click();
    await dialog.getByLabel(/^ARR \(/).fill('999999999');
    await dialog.getByRole('button', { name: 'Record downgraded' }).click();
    await dialog.getByText(/A downgrade renews below today's ARR/).waitFor();

    // Churned asks why before anything is saved.
    await outcome.getByText('Churned').click();
    await dialog.getByRole('button', { name: 'Record churned' }).click();
    await dialog.getByText('Say why the customer left').waitFor();
    expect(await axeProblems(page), 'outcome dialog').toEqual([]);
    expect(await phoneOverflow(page), 'outcome dialog').toEqual([]);
    await dialog.getByRole('textbox', { name: 'Why they left' }).click();
    await page.getByRole('option', { name: 'Competition' }).filter({ visible: true }).click();
    await dialog.getByLabel('Note').fill('Moved to a cheaper rival at the end of the term');
    await dialog.getByRole('button', { name: 'Record churned' }).click();
    await page.getByText(`Renewal recorded: ${account} churned`).waitFor();
    await dialog.waitFor({ state: 'hidden' });

    // Gone from the board (its lane unfolded, in case it was folded away).
    await page.reload();
    await page.getByTestId('renewal-card').first().waitFor();
    const was = lane(page, window, bucket);
    const all = was.getByRole('button', { name: /^Show all/ });
    if ((await all.count()) > 0) await all.click();
    expect(await page.locator(`[data-subscription="${id}"]`).count()).toBe(0);

    // The account's timeline says how it ended.
    await page.goto(`${server.url}/renewals?view=list`);
    await page.getByTestId('renewal-row').first().waitFor();
    expect(await page.locator(`[data-subscription="${id}"]`).count()).toBe(0);
    await page.goto(`${server.url}${accountPath}`);
    await page.getByRole('heading', { level: 1, name: account }).waitFor();
    await page.getByRole('tab', { name: 'Timeline' }).click();
    await page
      .getByTestId('timeline')
      .getByText(/^Renewal of \d{4}-\d{2}-\d{2} lost: competition$/)
      .waitFor();
  });

  it('an admin changes a renewal probability in the renewal settings; a bad one is refused at its field', async () => {
    const page = admin;
    await nav(page, 'Renewal settings', /\/admin\/renewals$/);
    await page.getByRole('heading', { level: 1, name: 'Renewal settings' }).waitFor();
    const atRisk = page.getByLabel('At Risk (%)', { exact: true });
    await atRisk.waitFor();
    expect(await page.getByLabel('Reminder windows (days)').inputValue()).toMatch(/^\d+(, \d+)*$/);
    await atRisk.fill('40');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Renewal settings saved').waitFor();
    await page.reload();
    await page.getByLabel('At Risk (%)', { exact: true }).waitFor();
    expect(await page.getByLabel('At Risk (%)', { exact: true }).inputValue()).toBe('40');
    await checkPage(page, 'renewal-settings');

    await page.getByLabel('At Risk (%)', { exact: true }).fill('150');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Must be a percentage from 0 to 100, to two decimals at most').waitFor();
    await page.getByText('Check the fields marked below.').waitFor();
    expect(await axeProblems(page), 'renewal settings refused').toEqual([]);
    await page.reload();
    expect(await page.getByLabel('At Risk (%)', { exact: true }).inputValue()).toBe('40');
  });

  it('a viewer reads the board but cannot move, override or quote', async () => {
    const page = await signIn(browser, server, VIEWER.email, VIEWER.password);
    await nav(page, 'Renewals', /\/renewals/);
    const card = page.getByTestId('renewal-card').first();
    await card.waitFor();
    expect(await card.getAttribute('draggable')).toBe('false');
    expect(await page.getByRole('button', { name: 'Refresh buckets' }).count()).toBe(0);
    const account = (await card.getByRole('link').first().textContent())!;
    await card.getByRole('button', { name: `Actions for ${account}` }).click();
    await page.getByRole('menuitem', { name: 'Open the account' }).waitFor();
    expect(await page.getByRole('menuitem', { name: /^Move to/ }).count()).toBe(0);
    expect(await page.getByRole('menuitem', { name: 'Make a quote' }).count()).toBe(0);
    await page.keyboard.press('Escape');
    expect(await axeProblems(page)).toEqual([]);
    await page.context().close();
  });
});
