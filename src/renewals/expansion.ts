import { sql } from 'kysely';
import { addMonths, toIsoDate } from '../core/clock.js';
import { actorLabel, type Ctx } from '../core/context.js';
import { AppError, invalid, notFound } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { formatMinor } from '../core/money.js';
import { inTx } from '../db/database.js';
import type { ExpansionOpportunitiesTable } from '../db/schema-renewals.js';
import type { Selectable } from 'kysely';
import { recordAudit } from '../audit/record.js';
import * as accountStore from '../accounts/account/store.js';
import * as subscriptionStore from '../accounts/subscription/store.js';
import { createSubscription, updateSubscription } from '../accounts/subscription/service.js';
import * as timeline from '../accounts/timeline/service.js';
import { canMove, type OpportunityStage } from './expansion-model.js';
import type { ExpansionDetail } from './signals.js';
import { readRenewalSettings } from './settings.js';

type OpportunityRow = Selectable<ExpansionOpportunitiesTable>;

const parseDetail = (text: string): ExpansionDetail => {
  const d = JSON.parse(text) as Partial<ExpansionDetail>;
  return {
    signals: d.signals ?? [],
    readiness: d.readiness ?? [],
    activeUsers30d: d.activeUsers30d ?? 0,
    licensedSeats: d.licensedSeats ?? null,
  };
};

/** Accounts whose expansion score reaches the threshold, strongest first. */
export async function expansionCandidates(
  ctx: Ctx,
  q: { minScore?: number; ready?: boolean; ownerId?: string; limit?: number },
) {
  ctx.can('read', 'account');
  const settings = await readRenewalSettings(ctx.db);
  const min = q.minScore ?? settings.rules.expansionThreshold;
  let query = ctx.db
    .selectFrom('renewal_signals as g')
    .innerJoin('accounts as a', 'a.id', 'g.account_id')
    .select([
      'g.account_id',
      'a.name',
      'a.owner_id',
      'a.mrr_minor',
      'a.currency',
      'a.renewal_date',
      'g.tier',
      'g.expansion_score',
      'g.expansion_ready',
      'g.expansion',
      (eb) =>
        eb
          .selectFrom('expansion_opportunities as o')
          .select(sql<number>`count(*)`.as('n'))
          .whereRef('o.account_id', '=', 'g.account_id')
          .where('o.stage', 'not in', ['won', 'lost'])
          .as('open_opportunities'),
    ])
    .where('g.expansion_score', '>=', min)
    .where('a.archived_at', 'is', null);
  if (q.ready) query = query.where('g.expansion_ready', '=', 1);
  if (q.ownerId) query = query.where('a.owner_id', '=', q.ownerId);
  const rows = await query
    .orderBy('g.expansion_score', 'desc')
    .orderBy('a.mrr_minor', 'desc')
    .orderBy('g.account_id')
    .limit(q.limit ?? 100)
    .execute();
  return {
    threshold: min,
    items: rows.map((r) => ({
      accountId: r.account_id,
      accountName: r.name,
      ownerId: r.owner_id,
      arrMinor: Number(r.mrr_minor) * 12,
      currency: r.currency,
      renewalDate: r.renewal_date,
      tier: r.tier,
      score: Number(r.expansion_score),
      ready: Number(r.expansion_ready) === 1,
      openOpportunities: Number(r.open_opportunities ?? 0),
      ...parseDetail(r.expansion),
    })),
  };
}

export function toOpportunity(r: OpportunityRow & { account_name?: string }) {
  return {
    id: r.id,
    accountId: r.account_id,
    accountName: r.account_name ?? null,
    subscriptionId: r.subscription_id,
    title: r.title,
    stage: r.stage as OpportunityStage,
    amountMinor: Number(r.amount_minor),
    currency: r.currency,
    ownerId: r.owner_id,
    signals: JSON.parse(r.signals) as unknown[],
    notes: r.notes,
    lostReason: r.lost_reason,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    closedAt: r.closed_at,
  };
}

export async function listOpportunities(
  ctx: Ctx,
  q: { stage?: string; accountId?: string; limit?: number },
) {
  ctx.can('read', 'account');
  let query = ctx.db
    .selectFrom('expansion_opportunities as o')
    .innerJoin('accounts as a', 'a.id', 'o.account_id')
    .selectAll('o')
    .select('a.name as account_name');
  if (q.stage) query = query.where('o.stage', '=', q.stage);
  if (q.accountId) query = query.where('o.account_id', '=', q.accountId);
  const rows = await query
    .orderBy('o.updated_at', 'desc')
    .orderBy('o.id')
    .limit(q.limit ?? 200)
    .execute();
  return rows.map(toOpportunity);
}

export interface OpportunityInput {
  accountId: string;
  title: string;
  amountMinor: number;
  currency?: string;
  subscriptionId?: string | null;
  notes?: string | null;
}

export async function createOpportunity(ctx: Ctx, input: OpportunityInput) {
  return inTx(ctx.db, async (trx) => {
    const account = await accountStore.getAccount(trx, input.accountId);
    if (!account) throw invalid('accountId', `no account ${input.accountId}`);
    ctx.can('write', 'account', { ownerId: account.owner_id });
    const currency = input.currency ?? account.currency;
    if (Number(account.mrr_minor) > 0 && currency !== account.currency)
      throw invalid('currency', `the account bills in ${account.currency}, not ${currency}`);
    if (
      !Number.isSafeInteger(input.amountMinor) ||
      input.amountMinor <= 0 ||
      input.amountMinor > 12_000_000_000_000
    )
      throw invalid('amountMinor', 'must be a positive whole number of minor units (ARR added)');
    if (input.subscriptionId) {
      const sub = await subscriptionStore.getSubscription(trx, input.subscriptionId);
      if (!sub || sub.account_id !== account.id)
        throw invalid('subscriptionId', `no subscription ${input.subscriptionId} on this account`);
      if (sub.currency !== currency)
        throw invalid('currency', `the subscription bills in ${sub.currency}`);
    }
    const signals = await trx
      .selectFrom('renewal_signals')
      .select('expansion')
      .where('account_id', '=', account.id)
      .executeTakeFirst();
    const at = ctx.now().toISOString();
    const row: OpportunityRow = {
      id: newId('opp', ctx.now().getTime()),
      account_id: account.id,
      subscription_id: input.subscriptionId ?? null,
      title: input.title.trim(),
      stage: 'identified',
      amount_minor: input.amountMinor,
      currency,
      owner_id: account.owner_id,
      signals: JSON.stringify(signals ? parseDetail(signals.expansion).signals : []),
      notes: input.notes ?? null,
      lost_reason: null,
      created_by: actorLabel(ctx.actor),
      created_at: at,
      updated_at: at,
      closed_at: null,
    };
    if (!row.title) throw invalid('title', 'must not be blank');
    await trx.insertInto('expansion_opportunities').values(row).execute();
    await recordAudit(ctx, trx, {
      entity: 'opportunity',
      entityId: row.id,
      action: 'create',
      after: row,
    });
    await timeline.record(ctx, trx, account.id, {
      kind: 'expansion_opportunity',
      title: `Expansion opportunity: ${row.title} (${formatMinor(row.amount_minor, currency)} ${currency} ARR)`,
      data: { opportunityId: row.id, stage: row.stage },
    });
    return toOpportunity({ ...row, account_name: account.name });
  });
}

/**
 * Move an opportunity along its pipeline. Won writes the revenue: the named subscription's
 * MRR rises by the amount ÷ 12 (rounded to the minor unit), or an add-on subscription
 * co-termed with the account's next renewal is created; either way the subscription
 * service records the expansion movement.
 */
export async function moveOpportunity(
  ctx: Ctx,
  id: string,
  input: {
    stage?: OpportunityStage;
    amountMinor?: number;
    notes?: string | null;
    lostReason?: string;
  },
) {
  return inTx(ctx.db, async (trx) => {
    const row = await trx
      .selectFrom('expansion_opportunities')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound('opportunity', id);
    const account = await accountStore.getAccount(trx, row.account_id);
    if (!account) throw notFound('account', row.account_id);
    ctx.can('write', 'account', { ownerId: account.owner_id });
    const from = row.stage as OpportunityStage;
    const to = input.stage ?? from;
    if (from === 'won' || from === 'lost')
      throw new AppError('conflict', `a ${from} opportunity is closed`);
    if (to !== from && !canMove(from, to))
      throw invalid('stage', `cannot move from ${from} back to ${to}`);
    const amount = input.amountMinor ?? Number(row.amount_minor);
    if (!Number.isSafeInteger(amount) || amount <= 0)
      throw invalid('amountMinor', 'must be a positive whole number');
    const at = ctx.now().toISOString();
    const patch: Partial<OpportunityRow> = { stage: to, amount_minor: amount, updated_at: at };
    if (input.notes !== undefined) patch.notes = input.notes;
    if (to === 'lost') {
      const reason = (input.lostReason ?? '').trim();
      if (reason.length < 3) throw invalid('lostReason', 'say why it was lost');
      patch.lost_reason = reason;
      patch.closed_at = at;
    }
    if (to === 'won') {
      patch.closed_at = at;
      await bookExpansion({ ...ctx, db: trx }, row, amount);
    }
    await trx.updateTable('expansion_opportunities').set(patch).where('id', '=', id).execute();
    await recordAudit(ctx, trx, {
      entity: 'opportunity',
      entityId: id,
      action: 'update',
      before: row,
      after: { ...row, ...patch },
    });
    if (to !== from) {
      await timeline.record(ctx, trx, row.account_id, {
        kind: 'expansion_opportunity',
        title: `Expansion ${row.title}: ${from} → ${to}${patch.lost_reason ? ` (${patch.lost_reason})` : ''}`,
        data: { opportunityId: id, from, to },
      });
    }
    return toOpportunity({ ...row, ...patch, account_name: account.name });
  });
}

async function bookExpansion(ctx: Ctx, row: OpportunityRow, amount: number) {
  const mrr = Math.round(amount / 12);
  if (mrr <= 0) throw invalid('amountMinor', 'too small to add a minor unit of MRR');
  const today = toIsoDate(ctx.now());
  const source = `expansion:${row.id}`;
  if (row.subscription_id) {
    const sub = await subscriptionStore.getSubscription(ctx.db, row.subscription_id);
    if (!sub) throw notFound('subscription', row.subscription_id);
    if (sub.status !== 'active' && sub.status !== 'past_due')
      throw invalid(
        'subscriptionId',
        `the subscription is ${sub.status}; book the expansion as an add-on`,
      );
    await updateSubscription(
      ctx,
      sub.id,
      { mrrMinor: Number(sub.mrr_minor) + mrr, effectiveDate: today },
      source,
    );
    return;
  }
  const account = await accountStore.getAccount(ctx.db, row.account_id);
  const renewal =
    account?.renewal_date && account.renewal_date > today
      ? account.renewal_date
      : addMonths(today, 12);
  await createSubscription(
    ctx,
    {
      accountId: row.account_id,
      plan: row.title.slice(0, 200),
      mrrMinor: mrr,
      currency: row.currency,
      startDate: today,
      endDate: renewal,
      billingFrequency: 'annual',
    },
    source,
  );
}
