import type { Command } from 'commander';
import { toIsoDate } from '../core/clock.js';
import { makeCtx, type Ctx } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { formatMinor } from '../core/money.js';
import { findAccountByRef } from '../accounts/account/service.js';
import { csvLine } from '../accounts/export/format.js';
import { listUsers, resolveUserRef } from '../identity/service.js';
import type { QueueStatus, ReviewQueueItem } from '../health/reviews/schemas.js';
import { recordReview, reviewQueue } from '../health/reviews/service.js';
import { printJson, printTable, withCtx, type RegisterVerb } from './shared.js';

const out = (s: string) => void process.stdout.write(s);
const PAGE = 500;

const CADENCE_TEXT = { weekly: 'weekly', every_two_weeks: 'every 2 weeks', monthly: 'monthly' };

/**
 * The CLI acts as the operator, who owns no accounts: --as names whose "me" and "team" the
 * list means. Only for reading, so nothing is ever recorded under another person's name.
 */
async function viewerCtx(ctx: Ctx, ref: string | undefined): Promise<Ctx> {
  if (ref === undefined) return ctx;
  const id = await resolveUserRef(ctx, ref, '--as');
  const user = (await listUsers(ctx)).find((u) => u.id === id)!;
  return makeCtx(ctx.db, ctx.dialect, {
    actor: { kind: 'user', id: user.id, name: user.email },
    now: ctx.now,
    access: (action) => action === 'read',
  });
}

function rating(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < 1 || n > 10)
    throw new AppError('validation', `${flag}: expected a whole number from 1 to 10, got "${raw}"`);
  return n;
}

interface QueueOpts {
  owner?: string;
  as?: string;
  overdue?: boolean;
  due?: boolean;
  csv?: boolean;
  json?: boolean;
}

async function queueVerb(o: QueueOpts): Promise<void> {
  if (o.csv && o.json) throw new AppError('validation', '--csv and --json: choose one');
  const status: QueueStatus = o.overdue ? 'overdue' : o.due ? 'due' : 'all';
  if (o.owner !== undefined && (o.owner === 'me' || o.owner === 'team') && o.as === undefined)
    throw new AppError(
      'validation',
      `--owner ${o.owner}: the CLI acts as the operator; add --as USER (id or email), or give --owner USER`,
    );
  await withCtx(async (operator) => {
    const ctx = await viewerCtx(operator, o.as);
    const items: ReviewQueueItem[] = [];
    let cursor: string | undefined;
    do {
      const page = await reviewQueue(ctx, { owner: o.owner, status, limit: PAGE, cursor });
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    if (o.json) return printJson({ items });
    const owners = new Map((await listUsers(operator)).map((u) => [u.id, u.email]));
    const owner = (id: string | null) => (id ? (owners.get(id) ?? id) : '');
    if (o.csv) {
      out(
        csvLine([
          'account_id',
          'account',
          'owner',
          'tier',
          'tier_since',
          'last_review',
          'cadence_days',
          'due',
          'status',
          'days_overdue',
          'arr',
          'currency',
        ]),
      );
      for (const i of items)
        out(
          csvLine([
            i.accountId,
            i.accountName,
            owner(i.ownerId),
            i.tier,
            i.tierSince,
            i.lastReviewedAt?.slice(0, 10),
            i.cadenceDays,
            i.due,
            i.status,
            i.daysOverdue,
            formatMinor(i.arrMinor, i.currency),
            i.currency,
          ]),
        );
      return;
    }
    if (items.length === 0) return out('No accounts to review.\n');
    printTable(
      items.map((i) => ({
        status: i.status === 'overdue' ? `overdue ${i.daysOverdue}d` : i.status,
        due: i.due,
        account: i.accountName,
        tier: i.tier ?? 'not scored',
        since: i.tierSince,
        'last review': i.lastReviewedAt?.slice(0, 10) ?? 'never',
        cadence: CADENCE_TEXT[i.cadence],
        arr: `${formatMinor(i.arrMinor, i.currency)} ${i.currency}`,
        owner: owner(i.ownerId),
      })),
      ['status', 'due', 'account', 'tier', 'since', 'last review', 'cadence', 'arr', 'owner'],
    );
    const overdue = items.filter((i) => i.status === 'overdue').length;
    const due = items.filter((i) => i.status === 'due').length;
    out(`\n${items.length} accounts · ${overdue} overdue · ${due} due today\n`);
  });
}

interface ReviewOpts {
  sentiment?: string;
  notes?: string;
  execEngagement?: string;
  json?: boolean;
}

async function reviewVerb(ref: string, o: ReviewOpts): Promise<void> {
  const sentiment = rating('--sentiment', o.sentiment);
  if (sentiment === undefined)
    throw new AppError('validation', '--sentiment: required, a whole number from 1 to 10');
  const executiveEngagement = rating('--exec-engagement', o.execEngagement);
  await withCtx(async (ctx) => {
    const account = await findAccountByRef(ctx, ref);
    const r = await recordReview(ctx, {
      accountId: account.id,
      sentiment,
      notes: o.notes,
      executiveEngagement,
    });
    if (o.json) return printJson(r);
    const tier = r.review.tier ? ` (${r.review.tier})` : '';
    out(`Recorded a health check of ${account.name}${tier} on ${toIsoDate(ctx.now())}.\n`);
    if (r.cadence) out(`Next check due ${r.cadence.due} (${CADENCE_TEXT[r.cadence.cadence]}).\n`);
  });
}

/** `tenure health reviews` and `tenure health review`, under the health verbs. */
export const registerHealthReviews: RegisterVerb = (program) => {
  const health = program.commands.find((c: Command) => c.name() === 'health');
  if (!health) throw new Error('register the health verbs before the review verbs');
  health
    .command('reviews')
    .description(
      'the review queue: when each live account is due its next health check, overdue first',
    )
    .option('--owner <who>', 'me, team, none, or a user id or email (default: everyone)')
    .option('--as <user>', 'whose "me" and "team" --owner means (id or email)')
    .option('--overdue', 'only checks past their due day')
    .option('--due', 'only checks due today or overdue')
    .option('--csv', 'write CSV')
    .option('--json', 'print JSON ({ items })')
    .addHelpText(
      'after',
      '\nHealth checks are due weekly for red accounts, every two weeks for yellow, monthly for green;\n' +
        'a red account never reviewed is due the day it turned red. A check is ok before its due day,\n' +
        'due on it, and overdue once it has passed.\n' +
        'Example:\n  tenure health reviews --owner team --as lead@example.com --overdue',
    )
    .action(queueVerb);
  health
    .command('review')
    .description(
      "record a health check: the CSM's sentiment (and executive engagement) feed the next score",
    )
    .argument('<account>', 'account id, CRM id or billing id')
    .option('--sentiment <n>', 'your read of the account, 1 (about to churn) to 10 (thriving)')
    .option('--notes <text>', 'what you found; kept with the check and on the timeline')
    .option('--exec-engagement <n>', 'how engaged the executive sponsor is, 1 to 10')
    .option('--json', 'print JSON ({ review, cadence })')
    .action(reviewVerb);
};
