import { sql, type RawBuilder } from 'kysely';
import type { Dialect, Executor } from '../../db/database.js';
import type { HealthReviewsTable } from '../../db/schema.js';
import type { IsoDate } from '../../core/clock.js';
import { WEEKLY } from './model.js';

export type ReviewRow = HealthReviewsTable;

/** The cadence of one tier of one model version, computed by model.ts. */
export interface CadenceRule {
  modelKey: string;
  modelVersion: number;
  tier: string;
  days: number;
}

/** Whose accounts: everyone's, one user's, a lead's and the people they lead, or nobody's. */
export type OwnerScope =
  | { kind: 'all' }
  | { kind: 'user'; id: string }
  | { kind: 'team'; leadId: string }
  | { kind: 'none' };

export interface QueueQuery {
  today: IsoDate;
  todayNum: number;
  owner: OwnerScope;
  accountId?: string;
  /** due: due today or overdue. */
  status: 'due' | 'overdue' | 'all';
  rules: readonly CadenceRule[];
  defaultDays: number;
  limit: number;
  after?: { due: number; mrr: number; id: string };
}

export interface QueueRow {
  id: string;
  name: string;
  owner_id: string | null;
  mrr_minor: number;
  currency: string;
  scored_on: string | null;
  tier: string | null;
  model_key: string | null;
  model_version: number | null;
  tier_since: string;
  last_reviewed_at: string | null;
  cadence_days: number;
  due_num: number;
}

/** Days since 1970-01-01 of a day or instant held as ISO text. */
function dayNum(dialect: Dialect, column: string): RawBuilder<number> {
  const day = sql`substr(${sql.ref(column)}, 1, 10)`;
  return dialect === 'postgres'
    ? sql<number>`(cast(${day} as date) - date '1970-01-01')`
    : sql<number>`cast(julianday(${day}) - 2440587.5 as integer)`;
}

function ownerCondition(owner: OwnerScope): RawBuilder<unknown> {
  switch (owner.kind) {
    case 'all':
      return sql`1 = 1`;
    case 'none':
      return sql`a.owner_id is null`;
    case 'user':
      return sql`a.owner_id = ${owner.id}`;
    case 'team':
      return sql`(a.owner_id = ${owner.leadId} or a.owner_id in (select id from users where manager_id = ${owner.leadId}))`;
  }
}

/** The cadence of the current snapshot's tier, as a CASE over the rules that differ from the default. */
function cadenceExpr(rules: readonly CadenceRule[], defaultDays: number): RawBuilder<number> {
  const arms = rules
    .filter((r) => r.days !== defaultDays)
    .map(
      (r) =>
        sql`when c.model_key = ${r.modelKey} and c.model_version = ${r.modelVersion} and c.tier = ${r.tier} then ${sql.lit(r.days)}`,
    );
  if (arms.length === 0) return sql<number>`${sql.lit(defaultDays)}`;
  return sql<number>`case ${sql.join(arms, sql` `)} else ${sql.lit(defaultDays)} end`;
}

/**
 * The review queue in one statement: every live account in scope with its current tier
 * (latest snapshot up to today), the first day of its current run of that tier, its last
 * review, its cadence and due day (model.ts nextReviewDue, as integer day arithmetic),
 * ordered by due day, then ARR (largest first), then id. The tier run is found by walking
 * each account's snapshots back from today on the (account_id, day) key and stopping at the
 * first other tier, so the cost follows the length of current runs, not of all history.
 */
export async function reviewQueue(
  db: Executor,
  dialect: Dialect,
  q: QueueQuery,
): Promise<QueueRow[]> {
  const weekly = sql.lit(WEEKLY);
  const status =
    q.status === 'overdue'
      ? sql`due_num < ${q.todayNum}`
      : q.status === 'due'
        ? sql`due_num <= ${q.todayNum}`
        : sql`1 = 1`;
  const after = q.after
    ? sql`(due_num > ${q.after.due} or (due_num = ${q.after.due} and (mrr_minor < ${q.after.mrr} or (mrr_minor = ${q.after.mrr} and id > ${q.after.id}))))`
    : sql`1 = 1`;
  const one = q.accountId === undefined ? sql`1 = 1` : sql`a.id = ${q.accountId}`;
  const result = await sql<QueueRow>`
    with scope as (
      select a.id from accounts a
      where a.archived_at is null
        and (a.churned_on is null or a.churned_on >= ${q.today})
        and ${ownerCondition(q.owner)} and ${one}
    ), latest as materialized (
      select scope.id as account_id,
        (select max(s.day) from health_snapshots s
          where s.account_id = scope.id and s.day <= ${q.today}) as day
      from scope
    ), cur as materialized (
      select s.account_id, s.day, s.tier, s.model_key, s.model_version
      from health_snapshots s
      inner join latest l on l.account_id = s.account_id and l.day = s.day
    ), broke as materialized (
      select c.account_id, c.day as cur_day,
        (select s.day from health_snapshots s
          where s.account_id = c.account_id and s.day < c.day
            and coalesce(s.tier, '') <> coalesce(c.tier, '')
          order by s.day desc limit 1) as day
      from cur c
    ), run_start as materialized (
      select b.account_id,
        (select s.day from health_snapshots s
          where s.account_id = b.account_id and s.day > coalesce(b.day, '') and s.day <= b.cur_day
          order by s.day limit 1) as day
      from broke b
    ), last_review as (
      select r.account_id, max(r.reviewed_at) as at
      from health_reviews r inner join scope on scope.id = r.account_id
      group by r.account_id
    ), base as (
      select a.id, a.name, a.owner_id, a.mrr_minor, a.currency,
        c.day as scored_on, c.tier, c.model_key, c.model_version,
        coalesce(rs.day, substr(a.created_at, 1, 10)) as tier_since,
        lr.at as last_reviewed_at,
        ${cadenceExpr(q.rules, q.defaultDays)} as cadence_days
      from accounts a
      inner join scope on scope.id = a.id
      left join cur c on c.account_id = a.id
      left join run_start rs on rs.account_id = a.id
      left join last_review lr on lr.account_id = a.id
    ), nums as (
      select base.*, ${dayNum(dialect, 'tier_since')} as since_num,
        ${dayNum(dialect, 'last_reviewed_at')} as reviewed_num
      from base
    ), queue as (
      select nums.*, case
        when reviewed_num is null then
          case when cadence_days <= ${weekly} then since_num else since_num + cadence_days end
        when cadence_days <= ${weekly} and reviewed_num < since_num
          and since_num < reviewed_num + cadence_days then since_num
        else reviewed_num + cadence_days
      end as due_num
      from nums
    )
    select id, name, owner_id, mrr_minor, currency, scored_on, tier, model_key, model_version,
      tier_since, last_reviewed_at, cadence_days, due_num
    from queue
    where ${status} and ${after}
    order by due_num, mrr_minor desc, id
    limit ${q.limit}
  `.execute(db);
  return result.rows.map((r) => ({
    ...r,
    mrr_minor: Number(r.mrr_minor),
    model_version: r.model_version === null ? null : Number(r.model_version),
    cadence_days: Number(r.cadence_days),
    due_num: Number(r.due_num),
  }));
}

export async function insertReview(db: Executor, row: ReviewRow): Promise<void> {
  await db.insertInto('health_reviews').values(row).execute();
}

export interface ReviewListRow extends ReviewRow {
  reviewer_name: string | null;
}

function reviewsQuery(db: Executor) {
  return db
    .selectFrom('health_reviews as r')
    .leftJoin('users as u', 'u.id', 'r.reviewer_id')
    .selectAll('r')
    .select('u.name as reviewer_name');
}

function toListRow(r: ReviewListRow): ReviewListRow {
  return {
    ...r,
    sentiment: r.sentiment === null ? null : Number(r.sentiment),
    executive_engagement: r.executive_engagement === null ? null : Number(r.executive_engagement),
  };
}

/** An account's reviews, newest first, with the reviewer's name. */
export async function listReviews(db: Executor, accountId: string): Promise<ReviewListRow[]> {
  const rows = await reviewsQuery(db)
    .where('r.account_id', '=', accountId)
    .orderBy('r.reviewed_at', 'desc')
    .orderBy('r.id', 'desc')
    .execute();
  return rows.map(toListRow);
}

export async function getReview(db: Executor, id: string): Promise<ReviewListRow | undefined> {
  const row = await reviewsQuery(db).where('r.id', '=', id).executeTakeFirst();
  return row && toListRow(row);
}

/** The account's latest snapshot up to `day`: its current tier. */
export async function currentSnapshot(
  db: Executor,
  accountId: string,
  day: IsoDate,
): Promise<{ day: string; tier: string | null } | undefined> {
  return db
    .selectFrom('health_snapshots')
    .select(['day', 'tier'])
    .where('account_id', '=', accountId)
    .where('day', '<=', day)
    .orderBy('day', 'desc')
    .limit(1)
    .executeTakeFirst();
}
