import { inTx } from '../../db/database.js';
import { newId } from '../../core/ids.js';
import { assertReadable, type Ctx } from '../../core/context.js';
import { AppError, invalid, notFound } from '../../core/errors.js';
import { formatMinor } from '../../core/money.js';
import { toIsoDate } from '../../core/clock.js';
import type { Executor } from '../../db/database.js';
import type { AccountRow, SubscriptionRow } from '../../db/schema.js';
import { mapped } from '../../db/errors.js';
import { recordAudit } from '../../audit/record.js';
import * as accountStore from '../account/store.js';
import { canTransition, type Stage } from '../account/model.js';
import { recordStageMove } from '../account/service.js';
import * as timeline from '../timeline/service.js';
import * as store from './store.js';
import {
  MAX_ACCOUNT_MRR_MINOR,
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

/** The day a subscription that arrives already canceled stopped paying, if it ever paid. */
function endedOn(sub: SubscriptionRow): string | null {
  if (sub.status !== 'canceled' && !(sub.status === 'expired' && sub.canceled_on)) return null;
  return Number(sub.mrr_minor) > 0 ? (sub.canceled_on ?? sub.end_date) : null;
}

/**
 * Record what a subscription change does to revenue, in the caller's transaction:
 * the movement row, the account's cached MRR and renewal date, the lifecycle stage when
 * billing says the customer left or came back, and a timeline entry.
 *
 * The movement is classified against the account's MRR on its effective date, and each
 * subscription's changes must come in date order, so MRR on any past date stays exact.
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
  const ended = before ? null : endedOn(after);
  if (ended) {
    // A subscription that already ended (history from billing): record its whole life.
    if (ended < after.start_date)
      throw invalid('canceledOn', `is before the start date ${after.start_date}`);
    const live: SubscriptionRow = { ...after, status: 'active', canceled_on: null };
    await applyRevenueChange(ctx, trx, account, null, live, after.start_date, source);
    await applyRevenueChange(ctx, trx, account, live, after, ended, source);
    return;
  }
  // Lock the account (PostgreSQL) so concurrent changes cannot both add to a stale MRR.
  const locked = await accountStore.getAccountForUpdate(trx, ctx.dialect, account.id);
  if (!locked) throw notFound('account', account.id);
  if (effectiveDate < after.start_date) {
    throw invalid(
      'effectiveDate',
      `${effectiveDate} is before the subscription starts (${after.start_date})`,
    );
  }
  const last = await store.lastMovementDate(trx, after.id);
  if (last && effectiveDate < last) {
    throw invalid(
      'effectiveDate',
      `${effectiveDate} is before this subscription's last change on ${last}`,
    );
  }
  const delta = contribution(after) - contribution(before);
  const now = ctx.now();
  const at = now.toISOString();
  const total = Number(locked.mrr_minor);
  const totalAfter = total + delta;
  if (!Number.isSafeInteger(totalAfter * 12) || totalAfter > MAX_ACCOUNT_MRR_MINOR) {
    throw invalid('mrrMinor', 'the account total would exceed the largest MRR Tenure stores');
  }
  if (delta !== 0 && total !== 0 && after.currency !== locked.currency) {
    throw invalid('currency', `account ${locked.id} bills in ${locked.currency}`);
  }
  const onDate = await store.accountMrrOn(trx, locked.id, effectiveDate);
  const kind = classifyMovement(onDate.mrr, onDate.mrr + delta, onDate.ever);
  const accountPatch: Partial<AccountRow> = { updated_at: at };
  if (kind) {
    await store.insertMovement(trx, {
      id: newId('mov', now.getTime()),
      account_id: locked.id,
      subscription_id: after.id,
      kind,
      effective_date: effectiveDate,
      mrr_delta_minor: delta,
      account_mrr_before_minor: onDate.mrr,
      account_mrr_after_minor: onDate.mrr + delta,
      currency: after.currency,
      recorded_at: at,
      source,
    });
    accountPatch.mrr_minor = totalAfter;
    if (total === 0) accountPatch.currency = after.currency;
  }
  accountPatch.renewal_date = await store.nextRenewal(trx, locked.id);
  const stage = locked.stage as Stage;
  let to: Stage | null = null;
  if (total > 0 && totalAfter === 0 && canTransition(stage, 'churned')) to = 'churned';
  if (total === 0 && totalAfter > 0 && stage === 'churned') to = 'active';
  if (to && to !== stage) {
    Object.assign(
      accountPatch,
      await recordStageMove(
        ctx,
        trx,
        locked,
        to,
        to === 'churned' ? 'all subscriptions ended' : 'subscription reactivated',
      ),
    );
    if (to === 'churned') accountPatch.churned_on = effectiveDate;
  }
  await accountStore.updateAccount(trx, locked.id, accountPatch);
  // The account's MRR, renewal date and stage follow billing; an import audits itself once.
  if (!source.startsWith('import:')) {
    await recordAudit(ctx, trx, {
      entity: 'account',
      entityId: locked.id,
      action: 'revenue_update',
      before: locked,
      after: { ...locked, ...accountPatch },
    });
  }
  const money = (m: number) => `${formatMinor(m, after.currency)} ${after.currency}`;
  await timeline.record(ctx, trx, locked.id, {
    kind: 'subscription_changed',
    title: kind
      ? `${kind[0]!.toUpperCase()}${kind.slice(1)}: MRR ${money(onDate.mrr)} → ${money(onDate.mrr + delta)}`
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
      ctx.can('write', 'account', { ownerId: account.owner_id });
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
      await recordAudit(ctx, trx, {
        entity: 'subscription',
        entityId: row.id,
        action: 'create',
        after: row,
      });
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
      const before = await store.getSubscriptionForUpdate(trx, ctx.dialect, id);
      if (!before) throw notFound('subscription', id);
      const account = await accountStore.getAccount(trx, before.account_id);
      if (!account) throw notFound('account', before.account_id);
      ctx.can('write', 'account', { ownerId: account.owner_id });
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
      await recordAudit(ctx, trx, {
        entity: 'subscription',
        entityId: id,
        action: 'update',
        before,
        after,
      });
      await applyRevenueChange(ctx, trx, account, before, after, effective, source);
      return toSubscription(after);
    }),
  );
}

export async function getSubscription(ctx: Ctx, id: string): Promise<Subscription> {
  assertReadable(ctx, 'account', 'subscription', id);
  const row = await store.getSubscription(ctx.db, id);
  if (!row) throw notFound('subscription', id);
  return toSubscription(row);
}

export async function listSubscriptions(ctx: Ctx, q: SubscriptionListInput) {
  ctx.can('read', 'account');
  const page = await store.listSubscriptions(
    ctx.db,
    ctx.dialect,
    q,
    q.sort ?? 'createdAt',
    q.limit,
    q.cursor,
  );
  return { items: page.items.map(toSubscription), nextCursor: page.nextCursor };
}

export async function listMovements(ctx: Ctx, accountId: string) {
  ctx.can('read', 'account');
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
  ctx.can('read', 'account');
  const date = day ?? toIsoDate(ctx.now());
  if (accountId && !(await accountStore.getAccount(ctx.db, accountId)))
    throw notFound('account', accountId);
  const rows = await store.mrrByCurrencyAt(ctx.db, date, accountId);
  return {
    date,
    byCurrency: rows.map((r) => ({ currency: r.currency, mrrMinor: r.mrr, arrMinor: r.mrr * 12 })),
  };
}
