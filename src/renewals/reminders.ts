import { addDays, daysBetween, toIsoDate } from '../core/clock.js';
import type { Ctx } from '../core/context.js';
import { formatMinor } from '../core/money.js';
import type { Executor } from '../db/database.js';
import * as timeline from '../accounts/timeline/service.js';
import { enqueueEmail, enqueueToEndpoint } from '../outbound/service.js';
import { BUCKET_LABELS, type Bucket } from './model.js';
import { planReminders, reminderKey, type ReminderKey } from './reminders-model.js';
import { readRenewalSettings } from './settings.js';
import { BUCKET, pipelineBase } from './store.js';

/**
 * The renewal reminder run (F3): work out which (subscription, renewal date, window)
 * reminders are due, record each in `renewal_reminders` — whose primary key refuses a
 * second one — and, in the same transaction, write the timeline entry and queue the
 * owner's email (and Slack) through the outbox. A late or repeated run, or two runners at
 * once, cannot send one twice.
 */

const TX_SIZE = 200;

interface DueSub {
  subscriptionId: string;
  accountId: string;
  accountName: string;
  renewalDate: string;
  mrrMinor: number;
  currency: string;
  plan: string;
  ownerEmail: string | null;
  ownerName: string | null;
  bucket: Bucket;
}

async function dueSubscriptions(db: Executor, today: string, horizon: number): Promise<DueSub[]> {
  const rows = await pipelineBase(db, { from: today, to: addDays(today, horizon) })
    .leftJoin('users as u', 'u.id', 'a.owner_id')
    .select([
      's.id',
      's.account_id',
      'a.name',
      's.end_date',
      's.mrr_minor',
      's.currency',
      's.plan',
      'u.email',
      'u.name as owner_name',
      'u.archived_at',
      BUCKET.as('bucket'),
    ])
    .orderBy('s.end_date')
    .orderBy('s.id')
    .execute();
  return rows.map((r) => ({
    subscriptionId: r.id,
    accountId: r.account_id,
    accountName: r.name,
    renewalDate: r.end_date!,
    mrrMinor: Number(r.mrr_minor),
    currency: r.currency,
    plan: r.plan,
    ownerEmail: r.archived_at ? null : r.email,
    ownerName: r.archived_at ? null : r.owner_name,
    bucket: r.bucket as Bucket,
  }));
}

/** Insert the reminder row; false when it was already there (another run got it). */
async function claim(db: Executor, k: ReminderKey, accountId: string, status: string, at: string) {
  const r = await db
    .insertInto('renewal_reminders')
    .values({
      subscription_id: k.subscriptionId,
      renewal_date: k.renewalDate,
      window_days: k.windowDays,
      account_id: accountId,
      status,
      at,
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function runRenewalReminders(
  ctx: Ctx,
): Promise<{ due: number; sent: number; superseded: number; emails: number }> {
  const today = toIsoDate(ctx.now());
  const settings = await readRenewalSettings(ctx.db);
  const windows = settings.reminders.windows;
  const subs = await dueSubscriptions(ctx.db, today, Math.max(...windows));
  const recorded = new Set(
    (
      await ctx.db
        .selectFrom('renewal_reminders')
        .select(['subscription_id', 'renewal_date', 'window_days'])
        .where('renewal_date', '>=', today)
        .execute()
    ).map((r) =>
      reminderKey({
        subscriptionId: r.subscription_id,
        renewalDate: r.renewal_date,
        windowDays: Number(r.window_days),
      }),
    ),
  );
  const plan = planReminders(subs, today, windows, recorded);
  const bySub = new Map(subs.map((s) => [s.subscriptionId, s]));
  let sent = 0;
  let superseded = 0;
  let emails = 0;
  const at = ctx.now().toISOString();
  for (let i = 0; i < plan.supersede.length; i += TX_SIZE) {
    await ctx.db.transaction().execute(async (trx) => {
      for (const k of plan.supersede.slice(i, i + TX_SIZE)) {
        if (await claim(trx, k, bySub.get(k.subscriptionId)!.accountId, 'superseded', at))
          superseded += 1;
      }
    });
  }
  for (let i = 0; i < plan.send.length; i += TX_SIZE) {
    await ctx.db.transaction().execute(async (trx) => {
      for (const k of plan.send.slice(i, i + TX_SIZE)) {
        const s = bySub.get(k.subscriptionId)!;
        if (!(await claim(trx, k, s.accountId, 'sent', at))) continue;
        sent += 1;
        const days = daysBetween(today, s.renewalDate);
        const arr = `${formatMinor(s.mrrMinor * 12, s.currency)} ${s.currency}`;
        const title = `Renewal in ${days} days (${k.windowDays}-day reminder): ${s.plan}, ${arr} ARR, ${BUCKET_LABELS[s.bucket]}`;
        await timeline.record(ctx, trx, s.accountId, {
          kind: 'renewal_reminder_sent',
          title,
          data: {
            subscriptionId: s.subscriptionId,
            renewalDate: s.renewalDate,
            windowDays: k.windowDays,
          },
        });
        const dedupeKey = `renewal-reminder:${s.subscriptionId}:${s.renewalDate}:${k.windowDays}`;
        if (settings.reminders.email && s.ownerEmail) {
          await enqueueEmail(ctx, trx, {
            to: s.ownerEmail,
            subject: `${s.accountName} renews on ${s.renewalDate} (${days} days)`,
            body:
              `Hi ${s.ownerName ?? 'there'},\n\n${s.accountName}'s ${s.plan} subscription ` +
              `(${arr} ARR) renews on ${s.renewalDate}, in ${days} days. ` +
              `It is ${BUCKET_LABELS[s.bucket]} on the renewal board.\n\n` +
              `Open the account in Tenure to prepare the renewal.\n`,
            accountId: s.accountId,
            source: 'renewal',
            sourceRef: s.subscriptionId,
            dedupeKey,
          });
          emails += 1;
        }
        if (settings.reminders.slackEndpointId) {
          await enqueueToEndpoint(ctx, trx, {
            endpointId: settings.reminders.slackEndpointId,
            text: `${s.accountName}: ${title}`,
            accountId: s.accountId,
            source: 'renewal',
            sourceRef: s.subscriptionId,
            dedupeKey: `${dedupeKey}:slack`,
          });
        }
      }
    });
  }
  return { due: plan.send.length + plan.supersede.length, sent, superseded, emails };
}
