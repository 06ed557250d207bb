import { sql, type RawBuilder } from 'kysely';
import { addDays, type IsoDate } from '../core/clock.js';
import type { Executor } from '../db/database.js';
import type { RenewalSignalsTable } from '../db/schema-renewals.js';
import { allVersions } from '../health/models/store.js';
import type { HealthModelDef } from '../health/model/definition.js';
import type { TierRank } from './model.js';

/**
 * The figures behind renewal buckets and expansion signals, read for the whole book (or a
 * few accounts) in a handful of grouped queries — one per source, never one per account.
 */

/** Which (model, version, tier) is a model's top and lowest tier, for CASE expressions. */
export interface TierRanks {
  rankOf(modelKey: string, version: number, tier: string | null): TierRank | null;
  top: { key: string; version: number; tier: string }[];
}

export async function tierRanks(db: Executor): Promise<TierRanks> {
  const ranks = new Map<string, TierRank>();
  const top: TierRanks['top'] = [];
  for (const row of await allVersions(db)) {
    const def = JSON.parse(row.definition) as HealthModelDef;
    const names = def.tiers.map((t) => t.name);
    names.forEach((name, i) => {
      const rank: TierRank = i === 0 ? 'top' : i === names.length - 1 ? 'lowest' : 'middle';
      ranks.set(`${row.key}@${row.version}@${name}`, rank);
    });
    if (names[0]) top.push({ key: row.key, version: row.version, tier: names[0] });
  }
  return {
    rankOf: (k, v, t) => (t === null ? null : (ranks.get(`${k}@${v}@${t}`) ?? null)),
    top,
  };
}

function isTop(ranks: TierRanks): RawBuilder<boolean> {
  if (ranks.top.length === 0) return sql<boolean>`1 = 0`;
  return sql<boolean>`(${sql.join(
    ranks.top.map(
      (t) => sql`(model_key = ${t.key} and model_version = ${t.version} and tier = ${t.tier})`,
    ),
    sql` or `,
  )})`;
}

type Ids = readonly string[] | undefined;
// Chunks keep IN lists under both databases' parameter limits.
const CHUNK = 500;

async function inChunks<T>(ids: Ids, run: (chunk: readonly string[] | undefined) => Promise<T[]>) {
  if (!ids) return run(undefined);
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await run(ids.slice(i, i + CHUNK))));
  return out;
}

export interface LatestHealth {
  account_id: string;
  tier: string | null;
  composite_tenths: number | null;
  model_key: string;
  model_version: number;
}

export async function latestHealth(db: Executor, ids: Ids): Promise<LatestHealth[]> {
  return inChunks(ids, (chunk) => {
    let q = db
      .selectFrom('health_snapshots as s')
      .innerJoin(
        db
          .selectFrom('health_snapshots')
          .select(['account_id', sql<string>`max(day)`.as('d')])
          .$if(!!chunk, (b) => b.where('account_id', 'in', chunk!))
          .groupBy('account_id')
          .as('m'),
        (j) => j.onRef('m.account_id', '=', 's.account_id').onRef('m.d', '=', 's.day'),
      )
      .select(['s.account_id', 's.tier', 's.composite_tenths', 's.model_key', 's.model_version']);
    if (chunk) q = q.where('s.account_id', 'in', chunk);
    return q.execute();
  });
}

/** First day of each account's current run of top-tier snapshots (none when not in it). */
export async function greenSince(db: Executor, ids: Ids, ranks: TierRanks) {
  const top = isTop(ranks);
  return inChunks(ids, (chunk) => {
    const lastOther = db
      .selectFrom('health_snapshots')
      .select(['account_id', sql<string>`max(day)`.as('last')])
      .where(sql<boolean>`not ${top}`)
      .$if(!!chunk, (b) => b.where('account_id', 'in', chunk!))
      .groupBy('account_id');
    return db
      .selectFrom('health_snapshots as s')
      .leftJoin(lastOther.as('o'), 'o.account_id', 's.account_id')
      .select(['s.account_id', sql<string>`min(s.day)`.as('since')])
      .where((eb) => eb.or([eb('o.last', 'is', null), eb('s.day', '>', eb.ref('o.last'))]))
      .$if(!!chunk, (b) => b.where('s.account_id', 'in', chunk!))
      .groupBy('s.account_id')
      .execute();
  });
}

/** Open (or acknowledged) alerts: how many, and the most severe (1 critical … 4 low). */
export async function openAlerts(db: Executor, ids: Ids) {
  return inChunks(ids, (chunk) =>
    db
      .selectFrom('health_alerts')
      .select([
        'account_id',
        sql<number>`count(*)`.as('n'),
        sql<number>`min(case severity when 'critical' then 1 when 'high' then 2 when 'medium' then 3 else 4 end)`.as(
          'worst',
        ),
      ])
      .where('status', 'in', ['open', 'acknowledged'])
      .$if(!!chunk, (b) => b.where('account_id', 'in', chunk!))
      .groupBy('account_id')
      .execute(),
  );
}

/** Distinct active users in the last 30 days and in the 30 before. */
export async function activeUsers(db: Executor, ids: Ids, today: IsoDate) {
  const d30 = addDays(today, -29);
  const d60 = addDays(today, -59);
  return inChunks(ids, (chunk) =>
    db
      .selectFrom('usage_daily_user')
      .select([
        'account_id',
        sql<number>`count(distinct case when day >= ${d30} then user_key end)`.as('recent'),
        sql<number>`count(distinct case when day < ${d30} then user_key end)`.as('prior'),
      ])
      .where('day', '>=', d60)
      .where('day', '<=', today)
      .$if(!!chunk, (b) => b.where('account_id', 'in', chunk!))
      .groupBy('account_id')
      .execute(),
  );
}

/** Seats licensed across live subscriptions, and the nearest renewal date. */
export async function liveSubscriptions(db: Executor, ids: Ids) {
  return inChunks(ids, (chunk) =>
    db
      .selectFrom('subscriptions')
      .select([
        'account_id',
        sql<number | null>`sum(seats)`.as('seats'),
        sql<string | null>`min(end_date)`.as('renews'),
      ])
      .where('status', 'in', ['active', 'past_due'])
      .$if(!!chunk, (b) => b.where('account_id', 'in', chunk!))
      .groupBy('account_id')
      .execute(),
  );
}

/** Per account and event name: first day ever seen, and events in the last 30 days. */
export async function eventDays(db: Executor, ids: Ids, today: IsoDate) {
  const d30 = addDays(today, -29);
  return inChunks(ids, (chunk) =>
    db
      .selectFrom('usage_daily_event')
      .select([
        'account_id',
        'event',
        sql<string>`min(day)`.as('first'),
        sql<number>`sum(case when day >= ${d30} then events else 0 end)`.as('recent'),
      ])
      .where('day', '<=', today)
      .$if(!!chunk, (b) => b.where('account_id', 'in', chunk!))
      .groupBy(['account_id', 'event'])
      .having(sql<string>`max(day)`, '>=', d30)
      .execute(),
  );
}

/** Which of `events` each account used before `before` (only the accounts named). */
export async function eventsUsedBefore(
  db: Executor,
  ids: readonly string[],
  before: IsoDate,
  events: readonly string[],
): Promise<{ account_id: string; event: string }[]> {
  if (ids.length === 0 || events.length === 0) return [];
  return inChunks(ids, (chunk) =>
    db
      .selectFrom('usage_daily_event')
      .select(['account_id', 'event'])
      .distinct()
      .where('day', '<', before)
      .where('event', 'in', events.slice(0, CHUNK))
      .where('account_id', 'in', chunk!)
      .execute(),
  );
}

/** Product users of accounts that gained users in the last 30 days, with their traits. */
export async function recentUserTraits(db: Executor, ids: Ids, today: IsoDate) {
  const since = `${addDays(today, -29)}T00:00:00.000Z`;
  return inChunks(ids, (chunk) => {
    const gained = db
      .selectFrom('product_users')
      .select('account_id')
      .where('first_seen_at', '>=', since)
      .where('account_id', 'is not', null)
      .$if(!!chunk, (b) => b.where('account_id', 'in', chunk!));
    return db
      .selectFrom('product_users')
      .select(['account_id', 'first_seen_at', 'traits'])
      .where('account_id', 'in', gained)
      .execute();
  });
}

/** Meetings, calls and emails with executive sponsors: last 30 days and the 30 before. */
export async function execTouches(db: Executor, ids: Ids, today: IsoDate) {
  const d30 = `${addDays(today, -29)}T00:00:00.000Z`;
  const d60 = `${addDays(today, -59)}T00:00:00.000Z`;
  return inChunks(ids, (chunk) =>
    db
      .selectFrom('timeline_entries as t')
      .innerJoin('contacts as c', 'c.id', 't.contact_id')
      .select([
        't.account_id',
        sql<number>`sum(case when t.occurred_at >= ${d30} then 1 else 0 end)`.as('recent'),
        sql<number>`sum(case when t.occurred_at < ${d30} then 1 else 0 end)`.as('prior'),
      ])
      .where('c.is_executive_sponsor', '=', 1)
      .where('t.kind', 'in', ['meeting', 'call', 'email'])
      .where('t.occurred_at', '>=', d60)
      .$if(!!chunk, (b) => b.where('t.account_id', 'in', chunk!))
      .groupBy('t.account_id')
      .execute(),
  );
}

export async function urgentTickets(db: Executor, ids: Ids) {
  return inChunks(ids, (chunk) =>
    db
      .selectFrom('tickets')
      .select(['account_id', sql<number>`count(*)`.as('n')])
      .where('priority', '=', 'urgent')
      .where('status', 'in', ['open', 'pending'])
      .$if(!!chunk, (b) => b.where('account_id', 'in', chunk!))
      .groupBy('account_id')
      .execute(),
  );
}

/** The accounts to work out: every one not archived, or the ones named. */
export async function accountIds(db: Executor, ids: Ids): Promise<string[]> {
  const rows = await inChunks(ids, (chunk) =>
    db
      .selectFrom('accounts')
      .select('id')
      .where('archived_at', 'is', null)
      .$if(!!chunk, (b) => b.where('id', 'in', chunk!))
      .execute(),
  );
  return rows.map((r) => r.id);
}

export async function writeSignals(
  db: Executor,
  rows: readonly RenewalSignalsTable[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 400) {
    await db
      .insertInto('renewal_signals')
      .values(rows.slice(i, i + 400))
      .onConflict((oc) =>
        oc.column('account_id').doUpdateSet((eb) => ({
          tier: eb.ref('excluded.tier'),
          tier_rank: eb.ref('excluded.tier_rank'),
          score_tenths: eb.ref('excluded.score_tenths'),
          green_since: eb.ref('excluded.green_since'),
          open_alerts: eb.ref('excluded.open_alerts'),
          worst_alert: eb.ref('excluded.worst_alert'),
          usage_trend_pct: eb.ref('excluded.usage_trend_pct'),
          expansion_score: eb.ref('excluded.expansion_score'),
          expansion_ready: eb.ref('excluded.expansion_ready'),
          expansion: eb.ref('excluded.expansion'),
          bucket: eb.ref('excluded.bucket'),
          bucket_reason: eb.ref('excluded.bucket_reason'),
          computed_at: eb.ref('excluded.computed_at'),
        })),
      )
      .execute();
  }
}
