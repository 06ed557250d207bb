import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import { addDays, type IsoDate } from '../core/clock.js';
import type { Executor } from '../db/database.js';
import type { RenewalOutcomesTable, RenewalOverridesTable } from '../db/schema-renewals.js';
import type { Bucket, BucketArr } from './model.js';

export type OverrideRow = Selectable<RenewalOverridesTable>;
export type OutcomeRow = Selectable<RenewalOutcomesTable>;

const LIVE = ['active', 'past_due'];

export interface PipelineFilter {
  /** Renewal dates from (inclusive; null: every overdue one too) … to (inclusive). */
  from: IsoDate | null;
  to: IsoDate;
  bucket?: Bucket;
  ownerId?: string;
  accountId?: string;
  currency?: string;
}

/** A renewal's bucket: the CSM's override for this renewal date, else the rules'. */
export const BUCKET = sql<string>`coalesce(o.bucket, g.bucket, 'on_track')`;

/**
 * The pipeline as one query: live subscriptions with a renewal date in range, their
 * account, the account's stored signals, and a CSM's override for this renewal date.
 */
export function pipelineBase(db: Executor, f: PipelineFilter) {
  let q = db
    .selectFrom('subscriptions as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .leftJoin('renewal_signals as g', 'g.account_id', 's.account_id')
    .leftJoin('renewal_overrides as o', (j) =>
      j.onRef('o.subscription_id', '=', 's.id').onRef('o.renewal_date', '=', 's.end_date'),
    )
    .where('s.status', 'in', LIVE)
    .where('s.end_date', 'is not', null)
    .where('s.end_date', '<=', f.to)
    .where('a.archived_at', 'is', null);
  if (f.from) q = q.where('s.end_date', '>=', f.from);
  if (f.ownerId) q = q.where('a.owner_id', '=', f.ownerId);
  if (f.accountId) q = q.where('s.account_id', '=', f.accountId);
  if (f.currency) q = q.where('s.currency', '=', f.currency);
  if (f.bucket) q = q.where(BUCKET, '=', f.bucket);
  return q;
}

export interface PipelineRow {
  subscription_id: string;
  account_id: string;
  account_name: string;
  owner_id: string | null;
  plan: string;
  renewal_date: string;
  mrr_minor: number;
  currency: string;
  seats: number | null;
  bucket: string;
  auto_bucket: string | null;
  bucket_reason: string | null;
  override_reason: string | null;
  override_actor: string | null;
  override_at: string | null;
  tier: string | null;
  expansion_score: number | null;
}

export async function pipelinePage(
  db: Executor,
  f: PipelineFilter,
  limit: number,
  after: { date: string; id: string } | null,
): Promise<PipelineRow[]> {
  let q = pipelineBase(db, f).select([
    's.id as subscription_id',
    's.account_id',
    'a.name as account_name',
    'a.owner_id',
    's.plan',
    sql<string>`s.end_date`.as('renewal_date'),
    's.mrr_minor',
    's.currency',
    's.seats',
    BUCKET.as('bucket'),
    'g.bucket as auto_bucket',
    'g.bucket_reason',
    'o.reason as override_reason',
    'o.actor as override_actor',
    'o.at as override_at',
    'g.tier',
    'g.expansion_score',
  ]);
  if (after) {
    // A row-value bound: the (end_date, id) index starts exactly at the cursor.
    q = q.where((eb) => eb(eb.refTuple('s.end_date', 's.id'), '>', eb.tuple(after.date, after.id)));
  }
  return q.orderBy('s.end_date').orderBy('s.id').limit(limit).execute();
}

/** Renewals and ARR per window, bucket and currency, for the board's headings. */
export async function pipelineSummary(db: Executor, f: PipelineFilter, today: IsoDate) {
  const window = sql<string>`case
    when s.end_date < ${today} then 'overdue'
    when s.end_date <= ${addDays(today, 30)} then '30'
    when s.end_date <= ${addDays(today, 60)} then '60'
    when s.end_date <= ${addDays(today, 90)} then '90'
    else '120' end`;
  return (
    pipelineBase(db, f)
      .select([
        window.as('window'),
        BUCKET.as('bucket'),
        's.currency',
        sql<number>`count(*)`.as('count'),
        sql<number>`sum(s.mrr_minor) * 12`.as('arr'),
      ])
      // By position: PostgreSQL does not match a parameterised CASE to its twin in GROUP BY.
      .groupBy([sql`1`, sql`2`, sql`3`])
      .execute()
  );
}

/** ARR up for renewal per currency and bucket between two dates: the forecast's input. */
export async function arrByBucket(db: Executor, from: IsoDate, to: IsoDate): Promise<BucketArr[]> {
  const rows = await pipelineBase(db, { from, to })
    .select([
      's.currency',
      BUCKET.as('bucket'),
      sql<number>`count(*)`.as('count'),
      sql<number>`sum(s.mrr_minor) * 12`.as('arr'),
    ])
    .groupBy(['s.currency', BUCKET])
    .execute();
  return rows.map((r) => ({
    currency: r.currency,
    bucket: r.bucket as Bucket,
    count: Number(r.count),
    arrMinor: Number(r.arr),
  }));
}

/** Renewals already closed in a period, per currency and outcome. */
export async function closedOutcomes(db: Executor, from: IsoDate, to: IsoDate) {
  const rows = await db
    .selectFrom('renewal_outcomes')
    .select([
      'currency',
      'outcome',
      sql<number>`count(*)`.as('count'),
      sql<number>`sum(arr_before_minor)`.as('before'),
      sql<number>`sum(arr_after_minor)`.as('after'),
    ])
    .where('renewal_date', '>=', from)
    .where('renewal_date', '<=', to)
    .groupBy(['currency', 'outcome'])
    .execute();
  return rows.map((r) => ({
    currency: r.currency,
    outcome: r.outcome,
    count: Number(r.count),
    beforeMinor: Number(r.before),
    afterMinor: Number(r.after),
  }));
}

/** Recorded outcomes per bucket (renewed or downgraded counts as kept), for calibration. */
export async function outcomeCounts(db: Executor) {
  return db
    .selectFrom('renewal_outcomes')
    .select([
      'bucket',
      sql<number>`sum(case when outcome = 'churned' then 0 else 1 end)`.as('renewed'),
      sql<number>`count(*)`.as('total'),
    ])
    .groupBy('bucket')
    .execute();
}

export async function upsertOverride(db: Executor, row: OverrideRow): Promise<void> {
  await db
    .insertInto('renewal_overrides')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['subscription_id', 'renewal_date']).doUpdateSet({
        bucket: row.bucket,
        reason: row.reason,
        actor: row.actor,
        at: row.at,
      }),
    )
    .execute();
}

export async function deleteOverride(db: Executor, subscriptionId: string, renewalDate: string) {
  return db
    .deleteFrom('renewal_overrides')
    .where('subscription_id', '=', subscriptionId)
    .where('renewal_date', '=', renewalDate)
    .executeTakeFirst();
}

export async function overrideOf(db: Executor, subscriptionId: string, renewalDate: string) {
  return db
    .selectFrom('renewal_overrides')
    .selectAll()
    .where('subscription_id', '=', subscriptionId)
    .where('renewal_date', '=', renewalDate)
    .executeTakeFirst();
}

/** One renewal's override (if any), the rules' bucket, and the one that counts. */
export async function bucketsOf(
  db: Executor,
  sub: { id: string; account_id: string },
  renewalDate: string,
) {
  const override = await overrideOf(db, sub.id, renewalDate);
  const auto = ((await signalsOf(db, sub.account_id))?.bucket ?? 'on_track') as Bucket;
  return { override, auto, bucket: (override?.bucket ?? auto) as Bucket };
}

export async function signalsOf(db: Executor, accountId: string) {
  return db
    .selectFrom('renewal_signals')
    .selectAll()
    .where('account_id', '=', accountId)
    .executeTakeFirst();
}

export async function insertOutcome(db: Executor, row: OutcomeRow): Promise<void> {
  await db.insertInto('renewal_outcomes').values(row).execute();
}

export async function listOutcomes(
  db: Executor,
  f: { from?: string; to?: string; accountId?: string },
  limit: number,
) {
  let q = db.selectFrom('renewal_outcomes').selectAll();
  if (f.from) q = q.where('renewal_date', '>=', f.from);
  if (f.to) q = q.where('renewal_date', '<=', f.to);
  if (f.accountId) q = q.where('account_id', '=', f.accountId);
  return q.orderBy('renewal_date', 'desc').orderBy('id').limit(limit).execute();
}
