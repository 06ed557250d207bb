import { sql, type RawBuilder, type Selectable } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { HealthManualMeasuresTable } from '../../db/schema.js';
import type { FeatureMap } from '../../usage/measures.js';
import { MANUAL_KINDS } from '../../accounts/timeline/model.js';
import { OPEN_STATUSES } from '../../support/model.js';
import {
  MANUAL_MEASURE_IDS,
  type ManualMeasureId,
  type MeasureWindows,
  type RawMeasures,
} from './model.js';

/**
 * The SQL of the measures: one aggregate per source table, each a single pass grouped by
 * account_id, so the number of statements never depends on how many accounts there are.
 * A scope of ids (≤ 500) binds them as an IN list. For 'active' (accounts not archived) or
 * 'all', tables whose history grows without bound and whose window is short (usage rollups,
 * survey answers) are driven by the account ids in a subquery, so SQLite seeks each account's
 * date range in the (account_id, day…) index rather than reading all history; the other
 * tables are read whole (every row up to D counts anyway) and the caller drops rows of
 * accounts it did not ask for.
 */
export type Scope = readonly string[] | 'active' | 'all';

/** Tables read whole for a scope of every account need the account filter only for ids. */
const isIds = (scope: Scope): scope is readonly string[] => typeof scope !== 'string';

function accountsIn(db: Executor, scope: Scope) {
  if (isIds(scope)) return sql<string>`(${sql.join(scope)})`;
  const q = db.selectFrom('accounts').select('id');
  return scope === 'active' ? q.where('archived_at', 'is', null) : q;
}

type Section<K extends keyof RawMeasures> = [accountId: string, value: RawMeasures[K]];

const n = (v: unknown): number => Number(v ?? 0);
const RESOLVED = ['solved', 'closed'];
const TOUCH_KINDS = [...MANUAL_KINDS];
// Not a timeline kind yet: counted here so the measure works the day billing starts writing it.
const PAYMENT_FAILED = 'payment_failed';

/** `sum(case when … then x else 0 end)`: a count or total over part of the scanned rows. */
function sumIf(cond: RawBuilder<unknown>, value: RawBuilder<unknown> = sql`1`): RawBuilder<number> {
  return sql<number>`sum(case when ${cond} then ${value} else 0 end)`;
}

/** Every account not archived, with whether it is linked to the product (accounts.product_id). */
export async function accountsToScore(db: Executor): Promise<{ id: string; linked: boolean }[]> {
  const rows = await db
    .selectFrom('accounts')
    .select(['id', 'product_id'])
    .where('archived_at', 'is', null)
    .execute();
  return rows.map((r) => ({ id: r.id, linked: r.product_id !== null }));
}

/** Which accounts of the scope are linked to the product. */
export async function linkedAccounts(db: Executor, scope: Scope): Promise<string[]> {
  const rows = await db
    .selectFrom('accounts')
    .select('id')
    .where('id', 'in', accountsIn(db, scope))
    .where('product_id', 'is not', null)
    .execute();
  return rows.map((r) => r.id);
}

export async function countAccounts(db: Executor): Promise<number> {
  const r = await db
    .selectFrom('accounts')
    .select(sql<number>`count(*)`.as('n'))
    .executeTakeFirst();
  return n(r?.n);
}

/** Distinct users in the 30 days and the 30 before, and user-days in the 30 (one index scan). */
export async function usageActivity(
  db: Executor,
  scope: Scope,
  w: MeasureWindows,
): Promise<Section<'usage'>[]> {
  const recent = sql`day >= ${w.usageFrom}`;
  const rows = await db
    .selectFrom('usage_daily_user')
    .select([
      'account_id',
      sql<number>`count(*)`.as('rows'),
      sql<number>`count(distinct case when ${recent} then user_key end)`.as('users'),
      sql<number>`count(distinct case when day < ${w.usageFrom} then user_key end)`.as('prev'),
      sumIf(recent).as('user_days'),
    ])
    .where('account_id', 'in', accountsIn(db, scope))
    .where('day', '>=', w.usagePrevFrom)
    .where('day', '<=', w.asOf)
    .groupBy('account_id')
    .execute();
  return rows.map((r) => [
    r.account_id,
    {
      rows: n(r.rows),
      users: n(r.users),
      prevUsers: n(r.prev),
      userDays: n(r.user_days),
      featuresUsed: 0,
    },
  ]);
}

/** Distinct configured features used in the 30 days (event names mapped inside SQL). */
export async function featuresUsed(
  db: Executor,
  scope: Scope,
  w: MeasureWindows,
  map: FeatureMap,
): Promise<[string, number][]> {
  const events = Object.keys(map);
  if (events.length === 0) return [];
  const arms = Object.entries(map).map(([e, f]) => sql`when ${e} then ${f}`);
  const rows = await db
    .selectFrom('usage_daily_event')
    .select([
      'account_id',
      sql<number>`count(distinct case event ${sql.join(arms, sql` `)} end)`.as('n'),
    ])
    .where('account_id', 'in', accountsIn(db, scope))
    .where('day', '>=', w.usageFrom)
    .where('day', '<=', w.asOf)
    .where('event', 'in', events)
    .groupBy('account_id')
    .execute();
  return rows.map((r) => [r.account_id, n(r.n)]);
}

/**
 * Open on D: opened before the end of D and not resolved by then. A solved or closed ticket
 * without a resolution time counts as resolved (support's rule). Priority, escalation and
 * CSAT are kept without history, so their current values stand for D.
 */
export async function ticketFigures(
  db: Executor,
  scope: Scope,
  w: MeasureWindows,
): Promise<Section<'tickets'>[]> {
  const resolved = sql`status in (${sql.join(RESOLVED)})`;
  const stillOpen = sql`status in (${sql.join([...OPEN_STATUSES])})`;
  const open = sql`(${stillOpen} or (${resolved} and resolved_at >= ${w.end}))`;
  const urgent = sql`${open} and (priority in ('urgent', 'high') or escalated = 1)`;
  const rated = sql`${resolved} and resolved_at >= ${w.csatFrom} and resolved_at < ${w.end}
    and csat is not null`;
  const rows = await db
    .selectFrom('tickets')
    .select([
      'account_id',
      sumIf(open).as('open'),
      sumIf(urgent).as('urgent'),
      sumIf(sql`opened_at >= ${w.ticketsFrom}`).as('opened'),
      sumIf(sql`opened_at >= ${w.ticketsPrevFrom} and opened_at < ${w.ticketsFrom}`).as('prev'),
      sumIf(rated, sql`csat`).as('csat_sum'),
      sumIf(rated).as('csat_n'),
    ])
    .$if(isIds(scope), (q) => q.where('account_id', 'in', accountsIn(db, scope)))
    .where('opened_at', '<', w.end)
    // Only rows some figure can use: open ones, recent ones, recently resolved ones.
    .where((eb) =>
      eb.or([
        eb('status', 'in', [...OPEN_STATUSES]),
        eb('resolved_at', '>=', w.csatFrom),
        eb('opened_at', '>=', w.ticketsPrevFrom),
      ]),
    )
    .groupBy('account_id')
    .execute();
  return rows.map((r) => [
    r.account_id,
    {
      open: n(r.open),
      urgent: n(r.urgent),
      opened: n(r.opened),
      prevOpened: n(r.prev),
      csatSum: n(r.csat_sum),
      csatCount: n(r.csat_n),
    },
  ]);
}

/** NPS answers in the 180 days, and those of the last 90 separately. */
export async function npsFigures(
  db: Executor,
  scope: Scope,
  w: MeasureWindows,
): Promise<Section<'nps'>[]> {
  const recent = sql`responded_at >= ${w.npsRecentFrom}`;
  const rows = await db
    .selectFrom('survey_responses')
    .select([
      'account_id',
      sql<number>`count(*)`.as('answers'),
      sumIf(sql`score >= 9`).as('promoters'),
      sumIf(sql`score <= 6`).as('detractors'),
      sql<number>`sum(score)`.as('total'),
      sumIf(recent).as('recent'),
      sumIf(recent, sql`score`).as('recent_total'),
    ])
    .where('account_id', 'in', accountsIn(db, scope))
    .where('kind', '=', 'nps')
    .where('responded_at', '>=', w.npsFrom)
    .where('responded_at', '<', w.end)
    .groupBy('account_id')
    .execute();
  return rows.map((r) => [
    r.account_id,
    {
      answers: n(r.answers),
      promoters: n(r.promoters),
      detractors: n(r.detractors),
      sum: n(r.total),
      recentAnswers: n(r.recent),
      recentSum: n(r.recent_total),
    },
  ]);
}

/** Contacts on record on D, and how many of the present ones hold each key role. */
export async function contactFigures(
  db: Executor,
  scope: Scope,
  w: MeasureWindows,
): Promise<Section<'contacts'>[]> {
  const present = sql`(left_on is null or left_on > ${w.asOf})`;
  const rows = await db
    .selectFrom('contacts')
    .select([
      'account_id',
      sql<number>`count(*)`.as('known'),
      sumIf(sql`is_champion = 1 and ${present}`).as('champions'),
      sumIf(sql`is_executive_sponsor = 1 and ${present}`).as('sponsors'),
    ])
    .$if(isIds(scope), (q) => q.where('account_id', 'in', accountsIn(db, scope)))
    .where('created_at', '<', w.end)
    .where((eb) => eb.or([eb('archived_at', 'is', null), eb('archived_at', '>=', w.end)]))
    .groupBy('account_id')
    .execute();
  return rows.map((r) => [
    r.account_id,
    { known: n(r.known), champions: n(r.champions), sponsors: n(r.sponsors) },
  ]);
}

/** The latest touch on or before D, and payment failures in the 90 days. */
export async function timelineFigures(
  db: Executor,
  scope: Scope,
  w: MeasureWindows,
): Promise<Section<'timeline'>[]> {
  const rows = await db
    .selectFrom('timeline_entries')
    .select([
      'account_id',
      sql<string | null>`max(case when kind in (${sql.join(TOUCH_KINDS)}) then occurred_at end)`.as(
        'touch',
      ),
      sumIf(sql`kind = ${PAYMENT_FAILED} and occurred_at >= ${w.paymentsFrom}`).as('failed'),
    ])
    .$if(isIds(scope), (q) => q.where('account_id', 'in', accountsIn(db, scope)))
    .where('kind', 'in', [...TOUCH_KINDS, PAYMENT_FAILED])
    .where('occurred_at', '<', w.end)
    .groupBy('account_id')
    .execute();
  return rows.map((r) => [
    r.account_id,
    { lastTouchAt: r.touch ?? null, paymentFailures: n(r.failed) },
  ]);
}

/**
 * Live on D: started by D, not a trial, not canceled by D, and — when it has ended since
 * (canceled, expired) — ending after D (canceled_on, else end_date: the day MRR stops, as the
 * churn movement is dated). Seat counts have no history; the current one stands for D.
 */
export async function subscriptionFigures(
  db: Executor,
  scope: Scope,
  w: MeasureWindows,
): Promise<Section<'subscriptions'>[]> {
  const rows = await db
    .selectFrom('subscriptions')
    .select([
      'account_id',
      sql<number>`count(*)`.as('live'),
      sql<number | null>`sum(seats)`.as('seats'),
      sql<string | null>`min(case when end_date >= ${w.asOf} then end_date end)`.as('renewal'),
    ])
    .$if(isIds(scope), (q) => q.where('account_id', 'in', accountsIn(db, scope)))
    .where('start_date', '<=', w.asOf)
    .where('status', '<>', 'trialing')
    .where((eb) => eb.or([eb('canceled_on', 'is', null), eb('canceled_on', '>', w.asOf)]))
    .where((eb) =>
      eb.or([
        eb('status', 'in', ['active', 'past_due']),
        eb(eb.fn.coalesce('canceled_on', 'end_date'), '>', w.asOf),
      ]),
    )
    .groupBy('account_id')
    .execute();
  return rows.map((r) => [
    r.account_id,
    {
      live: n(r.live),
      seats: r.seats === null ? null : n(r.seats),
      nextRenewal: r.renewal ?? null,
    },
  ]);
}

/** MRR before the 180 days (the sum of earlier movements), added and contracted within them. */
export async function revenueFigures(
  db: Executor,
  scope: Scope,
  w: MeasureWindows,
): Promise<Section<'revenue'>[]> {
  const inWindow = sql`effective_date >= ${w.contractionFrom}`;
  const rows = await db
    .selectFrom('revenue_movements')
    .select([
      'account_id',
      sumIf(sql`effective_date < ${w.contractionFrom}`, sql`mrr_delta_minor`).as('start'),
      sumIf(
        sql`${inWindow} and kind in ('new', 'expansion', 'reactivation')`,
        sql`mrr_delta_minor`,
      ).as('added'),
      sumIf(sql`${inWindow} and kind = 'contraction'`, sql`-mrr_delta_minor`).as('lost'),
    ])
    .$if(isIds(scope), (q) => q.where('account_id', 'in', accountsIn(db, scope)))
    .where('effective_date', '<=', w.asOf)
    .groupBy('account_id')
    .execute();
  return rows.map((r) => [
    r.account_id,
    { startMrr: n(r.start), added: n(r.added), contracted: n(r.lost) },
  ]);
}

/** Per account and manual measure, the latest entry recorded by the end of D and fresh on D. */
export async function manualFigures(
  db: Executor,
  scope: Scope,
  w: MeasureWindows,
): Promise<[string, ManualMeasureId, number][]> {
  const latest = db
    .selectFrom('health_manual_measures')
    .select([
      'account_id',
      'measure',
      'value',
      sql<number>`row_number() over (
        partition by account_id, measure order by recorded_at desc, id desc)`.as('rn'),
    ])
    .$if(isIds(scope), (q) => q.where('account_id', 'in', accountsIn(db, scope)))
    .where('measure', 'in', [...MANUAL_MEASURE_IDS])
    .where('recorded_at', '<', w.end)
    .where('stale_after', '>=', w.asOf)
    .as('t');
  const rows = await db
    .selectFrom(latest)
    .select(['t.account_id', 't.measure', 't.value'])
    .where('t.rn', '=', 1)
    .execute();
  return rows.map((r) => [r.account_id, r.measure as ManualMeasureId, n(r.value)]);
}

export type ManualMeasureRow = Selectable<HealthManualMeasuresTable>;

export async function insertManualMeasure(db: Executor, row: ManualMeasureRow): Promise<void> {
  await db.insertInto('health_manual_measures').values(row).execute();
}

/** An account's manual entries, newest first. */
export async function listManualMeasures(
  db: Executor,
  accountId: string,
): Promise<ManualMeasureRow[]> {
  return db
    .selectFrom('health_manual_measures')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('recorded_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}
