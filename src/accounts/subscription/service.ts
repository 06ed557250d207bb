import { inTx } from '../../db/database.js';
import { newId } from '../../core/ids.js';
import { actorLabel, type Ctx } from '../../core/context.js';
import { AppError, invalid, notFound } from '../../core/errors.js';
import { formatMinor } from '../../core/money.js';
import { toIsoDate } from '../../core/clock.js';
import type { Executor } from '../../db/database.js';
import type { AccountRow, SubscriptionRow } from '../../db/schema.js';
import { mapped } from '../../db/errors.js';
import * as accountStore from '../account/store.js';
import { canTransition, type Stage } from '../account/model.js';
import * as timeline from '../timeline/service.js';
import * as store from './store.js';
import {
  classifyMovement,
  contribution,
  isLive,
  toSubscription,
  type MovementKind,
  type Subscription,
} from './model.js';
import type {
  SubscriptionCreateInput,
  SubscriptionListInput,
  SubscriptionPatchInput,
} from './schemas.js';

async function checkExternalId(
  db: Executor,
  externalId: string | null | undefined,
  selfId?: string,
) {
  if (!externalId) return;
  const other = await store.findByExternalId(db, externalId);
  if (other && other.id !== selfId) {
    throw new AppError(
      'conflict',
      `externalId: subscription ${other.id} already has externalId ${externalId}`,
      {
        field: 'externalId',
        existingId: other.id,
      },
    );
  }
}

/**
 * Record what a subscription change does to revenue, in the caller's transaction:
 * the movement row, the account's cached MRR and renewal date, the lifecycle stage when
 * billing says the customer left or came back, and a timeline entry.
 */
export async function applyRevenueChange(
  ctx: Ctx,
  trx: Executor,
  account: AccountRow,
  before: SubscriptionRow | null,
  after: SubscriptionRow,
  effectiveDate: string,
  source: string,
): Promise<void> {
  const delta = contribution(after) - contribution(before);
  const now = ctx.now();
  const at = now.toISOString();
  const mrrBefore = Number(account.mrr_minor);
  const mrrAfter = mrrBefore + delta;
  const kind = classifyMovement(mrrBefore, mrrAfter, await store.hasMovements(trx, account.id));
  const accountPatch: Partial<AccountRow> = { updated_at: at };
  if (kind) {
    await store.insertMovement(trx, {
      id: newId('mov', now.getTime()),
      account_id: account.id,
      subscription_id: after.id,
      kind,
      effective_date: effectiveDate,
      mrr_delta_minor: delta,
      account_mrr_before_minor: mrrBefore,
      account_mrr_after_minor: mrrAfter,
      currency: after.currency,
      recorded_at: at,
      source,
    });
    accountPatch.mrr_minor = mrrAfter;
    if (mrrBefore === 0 && Number(account.mrr_minor) === 0) accountPatch.currency = after.currency;
  }
  accountPatch.renewal_date = await store.nextRenewal(trx, account.id);
  const stage = account.stage as Stage;
  let to: Stage | null = null;
  if (kind === 'churn' && canTransition(stage, 'churned')) to = 'churned';
  if (kind === 'reactivation' && stage === 'churned') to = 'active';
  if (to && to !== stage) {
    accountPatch.stage = to;
    accountPatch.stage_changed_at = at;
    if (to === 'churned') accountPatch.churned_on = effectiveDate;
    if (to === 'active') accountPatch.churned_on = null;
    await accountStore.insertStageChange(trx, {
      id: newId('stg', now.getTime()),
      account_id: account.id,
      from_stage: stage,
      to_stage: to,
      changed_at: at,
      actor: actorLabel(ctx.actor),
      reason: kind === 'churn' ? 'all subscriptions ended' : 'subscription reactivated',
    });
    await timeline.record(ctx, trx, account.id, {
      kind: 'stage_changed',
      title: `Stage changed from ${stage} to ${to}`,
      data: { from: stage, to, reason: kind },
    });
  }
  await accountStore.updateAccount(trx, account.id, accountPatch);
  const money = (m: number) => `${formatMinor(m, after.currency)} ${after.currency}`;
  await timeline.record(ctx, trx, account.id, {
    kind: 'subscription_changed',
    title: kind
      ? `${kind[0]!.toUpperCase()}${kind.slice(1)}: MRR ${money(mrrBefore)} → ${money(mrrAfter)}`
      : `Subscription ${after.plan} updated`,
    data: {
      subscriptionId: after.id,
      movement: kind,
      effectiveDate,
      mrrDeltaMinor: delta,
      status: { from: before?.status ?? null, to: after.status },
    },
  });
}

export async function createSubscription(
  ctx: Ctx,
  input: SubscriptionCreateInput,
  source = 'api',
): Promise<Subscription> {
  return mapped(() =>
    inTx(ctx.db, async (trx) => {
      const account = await accountStore.getAccount(trx, input.accountId);
      if (!account) throw invalid('accountId', `no account ${input.accountId}`);
      ctx.can('account.write', { ownerId: account.owner_id });
      await checkExternalId(trx, input.externalId);
      const currency = input.currency ?? account.currency;
      const accountHasLive = Number(account.mrr_minor) !== 0;
      if (accountHasLive && currency !== account.currency) {
        throw invalid('currency', `account ${account.id} bills in ${account.currency}`);
      }
      const status = input.status ?? 'active';
      if (input.endDate && input.endDate < input.startDate)
        throw invalid('endDate', 'is before startDate');
      const at = ctx.now().toISOString();
      const row: SubscriptionRow = {
        id: newId('sub', ctx.now().getTime()),
        account_id: account.id,
        external_id: input.externalId ?? null,
        plan: input.plan,
        product: input.product ?? null,
        seats: input.seats ?? null,
        mrr_minor: input.mrrMinor,
        currency,
        billing_frequency: input.billingFrequency ?? 'annual',
        start_date: input.startDate,
        end_date: input.endDate ?? null,
        auto_renew: input.autoRenew ? 1 : 0,
        status,
        canceled_on: input.canceledOn ?? null,
        created_at: at,
        updated_at: at,
      };
      await store.insertSubscription(trx, row);
      await applyRevenueChange(ctx, trx, account, null, row, input.startDate, source);
      return toSubscription(row);
    }),
  );
}

export async function updateSubscription(
  ctx: Ctx,
  id: string,
  input: SubscriptionPatchInput,
  source = 'api',
): Promise<Subscription> {
  return mapped(() =>
    inTx(ctx.db, async (trx) => {
      const before = await store.getSubscription(trx, id);
      if (!before) throw notFound('subscription', id);
      const account = await accountStore.getAccount(trx, before.account_id);
      if (!account) throw notFound('account', before.account_id);
      ctx.can('account.write', { ownerId: account.owner_id });
      if (input.externalId !== undefined) await checkExternalId(trx, input.externalId, id);
      const after: SubscriptionRow = { ...before, updated_at: ctx.now().toISOString() };
      if (input.externalId !== undefined) after.external_id = input.externalId ?? null;
      if (input.plan !== undefined) after.plan = input.plan;
      if (input.product !== undefined) after.product = input.product ?? null;
      if (input.seats !== undefined) after.seats = input.seats ?? null;
      if (input.mrrMinor !== undefined) after.mrr_minor = input.mrrMinor;
      if (input.billingFrequency !== undefined) after.billing_frequency = input.billingFrequency;
      if (input.startDate !== undefined) after.start_date = input.startDate;
      if (input.endDate !== undefined) after.end_date = input.endDate ?? null;
      if (input.autoRenew !== undefined) after.auto_renew = input.autoRenew ? 1 : 0;
      if (input.status !== undefined) after.status = input.status;
      if (input.canceledOn !== undefined) after.canceled_on = input.canceledOn ?? null;
      if (
        !isLive(after.status) &&
        isLive(before.status) &&
        after.status === 'canceled' &&
        !after.canceled_on
      ) {
        after.canceled_on = input.effectiveDate ?? toIsoDate(ctx.now());
      }
      if (isLive(after.status) && !isLive(before.status) && input.canceledOn === undefined) {
        after.canceled_on = null;
      }
      if (after.end_date && after.end_date < after.start_date)
        throw invalid('endDate', 'is before startDate');
      const effective =
        input.effectiveDate ??
        (after.status === 'canceled' && after.canceled_on
          ? after.canceled_on
          : toIsoDate(ctx.now()));
      await store.updateSubscription(trx, id, after);
      await applyRevenueChange(ctx, trx, account, before, after, effective, source);
      return toSubscription(after);
    }),
  );
}

export async function getSubscription(ctx: Ctx, id: string): Promise<Subscription> {
  ctx.can('read');
  const row = await store.getSubscription(ctx.db, id);
  if (!row) throw notFound('subscription', id);
  return toSubscription(row);
}

export async function listSubscriptions(ctx: Ctx, q: SubscriptionListInput) {
  ctx.can('read');
  const page = await store.listSubscriptions(ctx.db, q, q.limit, q.cursor);
  return { items: page.items.map(toSubscription), nextCursor: page.nextCursor };
}

export async function listMovements(ctx: Ctx, accountId: string) {
  ctx.can('read');
  if (!(await accountStore.getAccount(ctx.db, accountId))) throw notFound('account', accountId);
  return (await store.listMovements(ctx.db, accountId)).map((m) => ({
    id: m.id,
    accountId: m.account_id,
    subscriptionId: m.subscription_id,
    kind: m.kind as MovementKind,
    effectiveDate: m.effective_date,
    mrrDeltaMinor: Number(m.mrr_delta_minor),
    accountMrrBeforeMinor: Number(m.account_mrr_before_minor),
    accountMrrAfterMinor: Number(m.account_mrr_after_minor),
    currency: m.currency,
    recordedAt: m.recorded_at,
    source: m.source,
  }));
}

/** MRR and ARR by currency on any date, for one account or the whole book. */
export async function mrrAt(ctx: Ctx, day: string | undefined, accountId?: string) {
  ctx.can('read');
  const date = day ?? toIsoDate(ctx.now());
  if (accountId && !(await accountStore.getAccount(ctx.db, accountId)))
    throw notFound('account', accountId);
  const rows = await store.mrrByCurrencyAt(ctx.db, date, accountId);
  return {
    date,
    byCurrency: rows.map((r) => ({ currency: r.currency, mrrMinor: r.mrr, arrMinor: r.mrr * 12 })),
  };
}
