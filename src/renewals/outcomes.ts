import { addMonths, daysBetween } from '../core/clock.js';
import { actorLabel, type Ctx } from '../core/context.js';
import { AppError, invalid, notFound } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { formatMinor } from '../core/money.js';
import { inTx, type Executor } from '../db/database.js';
import { mapDbError, mapped } from '../db/errors.js';
import * as accountStore from '../accounts/account/store.js';
import { CHURN_REASONS, type ChurnReason } from '../accounts/account/model.js';
import * as subscriptionStore from '../accounts/subscription/store.js';
import { updateSubscription } from '../accounts/subscription/service.js';
import * as timeline from '../accounts/timeline/service.js';
import type { Bucket } from './model.js';
import * as store from './store.js';

export const OUTCOMES = ['renewed', 'downgraded', 'churned'] as const;
export type RenewalOutcome = (typeof OUTCOMES)[number];

export interface OutcomeInput {
  outcome: RenewalOutcome;
  /** The ARR it renewed at (renewed, downgraded); defaults to today's ARR when renewed. */
  arrMinor?: number;
  /** Length of the new term; defaults to the one ending. */
  termMonths?: number;
  churnReason?: ChurnReason;
  note?: string;
  /** Seats for the new term (a signed quote); unchanged when left out. */
  seats?: number;
  /** What the revenue movement is recorded as coming from. */
  source?: string;
}

/** Months between two dates, at least 1: the length of the term that is ending. */
function termMonthsOf(start: string, end: string): number {
  const days = daysBetween(start, end);
  return Math.max(1, Math.min(120, Math.round(days / 30.44)));
}

export function toOutcome(r: store.OutcomeRow) {
  return {
    id: r.id,
    subscriptionId: r.subscription_id,
    accountId: r.account_id,
    renewalDate: r.renewal_date,
    outcome: r.outcome as RenewalOutcome,
    bucket: r.bucket as Bucket,
    arrBeforeMinor: Number(r.arr_before_minor),
    arrAfterMinor: Number(r.arr_after_minor),
    currency: r.currency,
    churnReason: r.churn_reason,
    note: r.note,
    recordedBy: r.recorded_by,
    recordedAt: r.recorded_at,
  };
}

/**
 * Record how a renewal ended, in one transaction: the subscription moves on (a new term at
 * the new ARR, or canceled on its renewal date) through the subscription service, so the
 * revenue movement, the account's MRR and stage, the audit log (which the health backtest
 * reads) and the timeline all follow; the outcome row keeps the bucket the renewal was in,
 * which calibrates the forecast's probabilities.
 */
export async function recordOutcome(ctx: Ctx, subscriptionId: string, input: OutcomeInput) {
  return mapped(() =>
    inTx(ctx.db, async (trx) => {
      const tctx: Ctx = { ...ctx, db: trx };
      const sub = await subscriptionStore.getSubscriptionForUpdate(
        trx,
        ctx.dialect,
        subscriptionId,
      );
      if (!sub) throw notFound('subscription', subscriptionId);
      const account = await accountStore.getAccount(trx, sub.account_id);
      if (!account) throw notFound('account', sub.account_id);
      ctx.can('write', 'account', { ownerId: account.owner_id });
      if (sub.status !== 'active' && sub.status !== 'past_due')
        throw invalid('subscriptionId', `the subscription is ${sub.status}, not up for renewal`);
      const renewalDate = sub.end_date;
      if (!renewalDate) throw invalid('subscriptionId', 'the subscription has no renewal date');
      const beforeArr = Number(sub.mrr_minor) * 12;
      const { bucket } = await store.bucketsOf(trx, sub, renewalDate);
      let afterArr = 0;
      if (input.outcome === 'churned') {
        if (!input.churnReason)
          throw invalid('churnReason', `required when churned: one of ${CHURN_REASONS.join(', ')}`);
        if (input.arrMinor !== undefined && input.arrMinor !== 0)
          throw invalid('arrMinor', 'a churned renewal keeps no ARR');
        await updateSubscription(
          tctx,
          sub.id,
          { status: 'canceled', canceledOn: renewalDate, effectiveDate: renewalDate },
          input.source ?? 'renewal',
        );
        const after = await accountStore.getAccount(trx, account.id);
        if (after?.stage === 'churned') {
          await accountStore.updateAccount(trx, account.id, {
            churn_reason: input.churnReason,
            churn_note: input.note ?? after.churn_note,
          });
        }
      } else {
        if (input.churnReason) throw invalid('churnReason', 'only for a churned renewal');
        const arr = input.arrMinor ?? beforeArr;
        if (!Number.isSafeInteger(arr) || arr <= 0)
          throw invalid('arrMinor', 'must be a positive whole number of minor units');
        if (input.outcome === 'downgraded' && arr >= beforeArr)
          throw invalid(
            'arrMinor',
            `a downgrade renews below today's ARR (${formatMinor(beforeArr, sub.currency)} ${sub.currency})`,
          );
        if (input.outcome === 'renewed' && arr < beforeArr)
          throw invalid('arrMinor', "below today's ARR: record it as downgraded");
        const term = input.termMonths ?? termMonthsOf(sub.start_date, renewalDate);
        if (!Number.isInteger(term) || term < 1 || term > 120)
          throw invalid('termMonths', 'must be 1 to 120');
        // ARR is twelve times MRR in whole minor units: the MRR is rounded to the nearest.
        const mrr = Math.round(arr / 12);
        afterArr = mrr * 12;
        await updateSubscription(
          tctx,
          sub.id,
          {
            endDate: addMonths(renewalDate, term),
            mrrMinor: mrr,
            effectiveDate: renewalDate,
            ...(input.seats !== undefined ? { seats: input.seats } : {}),
          },
          input.source ?? 'renewal',
        );
      }
      const row: store.OutcomeRow = {
        id: newId('rno', ctx.now().getTime()),
        subscription_id: sub.id,
        account_id: sub.account_id,
        renewal_date: renewalDate,
        outcome: input.outcome,
        bucket,
        arr_before_minor: beforeArr,
        arr_after_minor: afterArr,
        currency: sub.currency,
        churn_reason: input.churnReason ?? null,
        note: input.note ?? null,
        recorded_by: actorLabel(ctx.actor),
        recorded_at: ctx.now().toISOString(),
      };
      await writeOutcome(ctx, trx, row);
      return toOutcome(row);
    }),
  );
}

/**
 * The outcome row and its timeline entry, in the caller's transaction: what recording an
 * outcome leaves besides the subscription's own change. The demo company writes the
 * outcomes of its history's renewals through it too.
 */
export async function writeOutcome(ctx: Ctx, trx: Executor, row: store.OutcomeRow) {
  try {
    await store.insertOutcome(trx, row);
  } catch (err) {
    const e = mapDbError(err);
    if (e instanceof AppError && e.code === 'conflict')
      throw new AppError('conflict', `the renewal of ${row.renewal_date} is already recorded`);
    throw err;
  }
  const money = (m: number) => `${formatMinor(m, row.currency)} ${row.currency}`;
  const before = Number(row.arr_before_minor);
  const after = Number(row.arr_after_minor);
  await timeline.record(ctx, trx, row.account_id, {
    kind: 'renewal_outcome',
    title:
      row.outcome === 'churned'
        ? `Renewal of ${row.renewal_date} lost: ${row.churn_reason}`
        : `Renewal of ${row.renewal_date} ${row.outcome} at ${money(after)} ARR (was ${money(before)})`,
    body: row.note,
    data: {
      subscriptionId: row.subscription_id,
      renewalDate: row.renewal_date,
      outcome: row.outcome,
      bucket: row.bucket,
    },
  });
}

export async function listOutcomes(
  ctx: Ctx,
  q: { from?: string; to?: string; accountId?: string; limit?: number },
) {
  ctx.can('read', 'account');
  return (await store.listOutcomes(ctx.db, q, q.limit ?? 100)).map(toOutcome);
}
