import { sql, type RawBuilder } from 'kysely';
import { assertReadable, type Ctx } from '../core/context.js';
import { invalid, notFound } from '../core/errors.js';
import { daysBetween, isIsoDate, toIsoDate, type IsoDate } from '../core/clock.js';
import { decodeCursor, encodeCursor, type Page } from '../core/pagination.js';
import type { Dialect, Executor } from '../db/database.js';
import { columnOrder } from '../db/keyset.js';
import {
  byAdoption,
  configuredFeatures,
  deriveMeasures,
  fillSeries,
  lastDays,
  MAX_SERIES_DAYS,
  MONTH_DAYS,
  unusedFeatures,
  windowsAt,
  zeroCounts,
  toProductUser,
  type DayRange,
  type FeatureMap,
  type FeatureUse,
  type ProductUser,
  type SeriesDay,
  type TopUser,
  type UsageCounts,
  type UsageMeasures,
  type UsageSummary,
} from './measures.js';
import { readFeatureMap } from './settings.js';

// Bound parameters per statement stay far below SQLite's 32,766 even with 500 mappings.
const CHUNK = 500;
const LIVE = ['active', 'past_due'];

function inRange(r: DayRange): RawBuilder<boolean> {
  return sql<boolean>`day >= ${r.from} and day <= ${r.to}`;
}

/** `case event when 'a' then 'feature' … end`: maps event names to features inside SQL. */
function featureOf(map: FeatureMap): RawBuilder<string> {
  const arms = Object.entries(map).map(([e, f]) => sql`when ${e} then ${f}`);
  return sql<string>`case event ${sql.join(arms, sql` `)} end`;
}

function checkDay(field: string, day: string): void {
  if (!isIsoDate(day)) throw invalid(field, 'expected a calendar date YYYY-MM-DD');
}

/**
 * The raw counts for many accounts as of a day, in four set-based statements per chunk of
 * accounts: activity windows, last seen, licensed seats, and features used.
 */
async function countsFor(
  db: Executor,
  ids: readonly string[],
  asOf: IsoDate,
  map: FeatureMap,
): Promise<Map<string, UsageCounts>> {
  const w = windowsAt(asOf);
  const mapped = Object.keys(map);
  const configured = configuredFeatures(map).length;
  const distinct = (r: DayRange) =>
    sql<number>`count(distinct case when ${inRange(r)} then user_key end)`;
  const total = (col: 'events' | 'session_seconds' | 1, r: DayRange) =>
    sql<number>`sum(case when ${inRange(r)} then ${col === 1 ? sql`1` : sql.ref(col)} else 0 end)`;
  const out = new Map<string, UsageCounts>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const [activity, seen, seats, features] = await Promise.all([
      db
        .selectFrom('usage_daily_user')
        .select([
          'account_id',
          distinct(w.day).as('dau'),
          distinct(w.week).as('wau'),
          distinct(w.month).as('mau'),
          distinct(w.prevWeek).as('prev_wau'),
          distinct(w.prevMonth).as('prev_mau'),
          total(1, w.month).as('user_days'),
          total('events', w.week).as('week_events'),
          total('events', w.prevWeek).as('prev_week_events'),
          total('events', w.month).as('month_events'),
          total('events', w.prevMonth).as('prev_month_events'),
          total('session_seconds', w.month).as('month_seconds'),
        ])
        .where('account_id', 'in', chunk)
        .where('day', '>=', w.prevMonth.from)
        .where('day', '<=', asOf)
        .groupBy('account_id')
        .execute(),
      // The latest active day's last_at is the latest of all; max(day) walks the index.
      db
        .selectFrom('usage_daily_user as u')
        .innerJoin(
          db
            .selectFrom('usage_daily_user')
            .select(['account_id', (eb) => eb.fn.max('day').as('d')])
            .where('account_id', 'in', chunk)
            .where('day', '<=', asOf)
            .groupBy('account_id')
            .as('m'),
          (j) => j.onRef('m.account_id', '=', 'u.account_id').onRef('m.d', '=', 'u.day'),
        )
        .select(['u.account_id', (eb) => eb.fn.max('u.last_at').as('last_at')])
        .groupBy('u.account_id')
        .execute(),
      db
        .selectFrom('subscriptions')
        .select(['account_id', sql<number>`sum(seats)`.as('seats')])
        .where('account_id', 'in', chunk)
        .where('status', 'in', LIVE)
        .where('seats', 'is not', null)
        .groupBy('account_id')
        .execute(),
      mapped.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom(
              db
                .selectFrom('usage_daily_event')
                .select(['account_id', featureOf(map).as('feature')])
                .where('account_id', 'in', chunk)
                .where('event', 'in', mapped)
                .where(inRange(w.month))
                .as('t'),
            )
            .select(['t.account_id', sql<number>`count(distinct t.feature)`.as('n')])
            .groupBy('t.account_id')
            .execute(),
    ]);
    for (const id of chunk) out.set(id, zeroCounts(configured));
    for (const r of activity) {
      Object.assign(out.get(r.account_id)!, {
        dau: Number(r.dau),
        wau: Number(r.wau),
        mau: Number(r.mau),
        prevWau: Number(r.prev_wau),
        prevMau: Number(r.prev_mau),
        userDays: Number(r.user_days),
        weekEvents: Number(r.week_events),
        prevWeekEvents: Number(r.prev_week_events),
        monthEvents: Number(r.month_events),
        prevMonthEvents: Number(r.prev_month_events),
        monthSessionSeconds: Number(r.month_seconds),
      });
    }
    for (const r of seen) out.get(r.account_id)!.lastSeenAt = r.last_at ?? null;
    for (const r of seats) out.get(r.account_id)!.seats = Number(r.seats);
    for (const r of features) out.get(r.account_id)!.featuresUsed = Number(r.n);
  }
  return out;
}

/**
 * The main usage measures for many accounts as of a day, in one set of queries per 500
 * accounts (the health scorer's entry point). Accounts without activity get zeros.
 */
export async function usageAt(
  ctx: Ctx,
  accountIds: readonly string[],
  asOf: IsoDate,
): Promise<Map<string, UsageMeasures>> {
  ctx.can('read', 'account');
  checkDay('asOf', asOf);
  const ids = [...new Set(accountIds)];
  const counts = await countsFor(ctx.db, ids, asOf, await readFeatureMap(ctx.db));
  return new Map([...counts].map(([id, c]) => [id, deriveMeasures(c)]));
}

async function assertAccount(ctx: Ctx, id: string): Promise<void> {
  assertReadable(ctx, 'account', 'account', id);
  const row = await ctx.db
    .selectFrom('accounts')
    .select('id')
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('account', id);
}

async function featureUse(
  db: Executor,
  accountId: string,
  month: DayRange,
  map: FeatureMap,
): Promise<FeatureUse[]> {
  const mapped = Object.keys(map);
  if (mapped.length === 0) return [];
  const [users, events] = await Promise.all([
    db
      .selectFrom(
        db
          .selectFrom('usage_daily_user_event')
          .select(['user_key', featureOf(map).as('feature')])
          .where('account_id', '=', accountId)
          .where('event', 'in', mapped)
          .where(inRange(month))
          .as('t'),
      )
      .select(['t.feature', sql<number>`count(distinct t.user_key)`.as('users')])
      .groupBy('t.feature')
      .execute(),
    db
      .selectFrom(
        db
          .selectFrom('usage_daily_event')
          .select(['day', 'events', featureOf(map).as('feature')])
          .where('account_id', '=', accountId)
          .where('event', 'in', mapped)
          .where(inRange(month))
          .as('t'),
      )
      .select([
        't.feature',
        sql<number>`sum(t.events)`.as('events'),
        (eb) => eb.fn.max('t.day').as('last_day'),
      ])
      .groupBy('t.feature')
      .execute(),
  ]);
  const usersOf = new Map(users.map((u) => [u.feature, Number(u.users)]));
  return events
    .map((e) => ({
      feature: e.feature,
      users: usersOf.get(e.feature) ?? 0,
      events: Number(e.events),
      lastUsedOn: e.last_day,
    }))
    .sort(byAdoption);
}

async function topUsers(
  db: Executor,
  dialect: Dialect,
  accountId: string,
  month: DayRange,
  limit: number,
): Promise<TopUser[]> {
  const perUser = db
    .selectFrom('usage_daily_user')
    .select([
      'user_key',
      sql<number>`sum(events)`.as('events'),
      sql<number>`count(*)`.as('active_days'),
      (eb) => eb.fn.max('last_at').as('last_at'),
    ])
    .where('account_id', '=', accountId)
    .where(inRange(month))
    .groupBy('user_key')
    .as('t');
  const rows = await db
    .selectFrom(perUser)
    .leftJoin('product_users as p', 'p.user_key', 't.user_key')
    .select(['t.user_key', 't.events', 't.active_days', 't.last_at', 'p.email', 'p.name'])
    .orderBy('t.events', 'desc')
    .orderBy('t.active_days', 'desc')
    .orderBy(columnOrder('t.user_key', dialect, { text: true }))
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    userKey: r.user_key,
    email: r.email,
    name: r.name,
    events: Number(r.events),
    activeDays: Number(r.active_days),
    lastSeenAt: r.last_at,
  }));
}

/** Everything the account page shows about usage as of a day (default: today, UTC). */
export async function usageSummary(
  ctx: Ctx,
  accountId: string,
  opts: { asOf?: IsoDate; topUsers?: number } = {},
): Promise<UsageSummary> {
  await assertAccount(ctx, accountId);
  const asOf = opts.asOf ?? toIsoDate(ctx.now());
  checkDay('asOf', asOf);
  const map = await readFeatureMap(ctx.db);
  const windows = windowsAt(asOf);
  const [counts, features, top] = await Promise.all([
    countsFor(ctx.db, [accountId], asOf, map),
    featureUse(ctx.db, accountId, windows.month, map),
    topUsers(ctx.db, ctx.dialect, accountId, windows.month, opts.topUsers ?? 10),
  ]);
  return {
    accountId,
    asOf,
    windows,
    ...deriveMeasures(counts.get(accountId)!),
    features,
    unusedFeatures: unusedFeatures(
      map,
      features.map((f) => f.feature),
    ),
    topUsers: top,
  };
}

/**
 * Per day of a range: events, active users, time in app, and the day's `top` most frequent
 * events. Default range: the 30 days ending today.
 */
export async function usageSeries(
  ctx: Ctx,
  accountId: string,
  opts: { from?: IsoDate; to?: IsoDate; top?: number } = {},
): Promise<{ from: IsoDate; to: IsoDate; days: SeriesDay[] }> {
  await assertAccount(ctx, accountId);
  const to = opts.to ?? toIsoDate(ctx.now());
  checkDay('to', to);
  const from = opts.from ?? lastDays(to, MONTH_DAYS).from;
  checkDay('from', from);
  if (from > to) throw invalid('from', 'must not be after to');
  if (daysBetween(from, to) >= MAX_SERIES_DAYS)
    throw invalid('from', `a series spans at most ${MAX_SERIES_DAYS} days`);
  const range = { from, to };
  const map = await readFeatureMap(ctx.db);
  const byEvents = sql`row_number() over (partition by day order by events desc, ${columnOrder('event', ctx.dialect, { text: true })})`;
  const [totals, top] = await Promise.all([
    ctx.db
      .selectFrom('usage_daily_user')
      .select([
        'day',
        sql<number>`sum(events)`.as('events'),
        sql<number>`count(*)`.as('users'),
        sql<number>`sum(session_seconds)`.as('seconds'),
      ])
      .where('account_id', '=', accountId)
      .where(inRange(range))
      .groupBy('day')
      .execute(),
    ctx.db
      .selectFrom(
        ctx.db
          .selectFrom('usage_daily_event')
          .select(['day', 'event', 'events', 'users', byEvents.as('rank')])
          .where('account_id', '=', accountId)
          .where(inRange(range))
          .as('t'),
      )
      .selectAll('t')
      .where('t.rank', '<=', opts.top ?? 5)
      .orderBy('t.day')
      .orderBy('t.rank')
      .execute(),
  ]);
  const days = fillSeries(
    range,
    totals.map((t) => ({
      day: t.day,
      events: Number(t.events),
      activeUsers: Number(t.users),
      sessionSeconds: Number(t.seconds),
    })),
    top.map((t) => ({
      day: t.day,
      event: t.event,
      feature: map[t.event] ?? null,
      events: Number(t.events),
      users: Number(t.users),
    })),
  );
  return { from, to, days };
}

const USERS_SORT = 'lastSeen';

/** The account's product users, most recently seen first, keyset-paged. */
export async function listProductUsers(
  ctx: Ctx,
  accountId: string,
  opts: { limit: number; cursor?: string },
): Promise<Page<ProductUser>> {
  await assertAccount(ctx, accountId);
  // Code-point order on both databases, in the filter and the sort alike.
  const seen = columnOrder('last_seen_at', ctx.dialect, { text: true });
  const key = columnOrder('user_key', ctx.dialect, { text: true });
  let q = ctx.db.selectFrom('product_users').selectAll().where('account_id', '=', accountId);
  if (opts.cursor) {
    const c = decodeCursor(opts.cursor, USERS_SORT);
    q = q.where(sql<boolean>`(${seen} < ${c.v} or (${seen} = ${c.v} and ${key} < ${c.id}))`);
  }
  const rows = await q
    .orderBy(seen, 'desc')
    .orderBy(key, 'desc')
    .limit(opts.limit + 1)
    .execute();
  const items = rows.slice(0, opts.limit);
  const last = items[items.length - 1];
  return {
    items: items.map(toProductUser),
    nextCursor:
      rows.length > opts.limit && last
        ? encodeCursor({ v: last.last_seen_at, id: last.user_key, s: USERS_SORT })
        : null,
  };
}
