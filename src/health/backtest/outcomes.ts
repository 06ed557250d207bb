import { sql } from 'kysely';
import { isIsoDate, type IsoDate } from '../../core/clock.js';
import type { Executor } from '../../db/database.js';
import {
  anniversaries,
  deriveOutcomes,
  type AccountHistory,
  type MovementDay,
  type Outcome,
  type Period,
  type TermEnd,
} from './outcomes-model.js';

export {
  LAPSE_DAYS,
  matchedAsOfDates,
  type MatchedOutcome,
  type Outcome,
  type OutcomeKind,
  type OutcomeSource,
  type Period,
} from './outcomes-model.js';

/**
 * Every renewal and churn in the period (inclusive), by the rules in `outcomes-model.ts`.
 * Reads revenue movements, subscriptions, the audit log's end-date changes and the
 * accounts' churn dates: four queries, the same on SQLite and PostgreSQL. `to` should not
 * be after today: a term end still ahead is not an outcome yet.
 */
export async function findOutcomes(db: Executor, period: Period): Promise<Outcome[]> {
  if (!isIsoDate(period.from) || !isIsoDate(period.to) || period.from > period.to) {
    throw new RangeError(`not a period: ${period.from} to ${period.to}`);
  }
  type Building = AccountHistory & { days: MovementDay[]; termEnds: TermEnd[] };
  const histories = new Map<string, Building>();
  const history = (accountId: string, currency = '') => {
    let h = histories.get(accountId);
    if (!h) {
      h = { accountId, currency, churnedOn: null, days: [], termEnds: [] };
      histories.set(accountId, h);
    }
    return h;
  };

  // Net change per account and day: MRR on a day counts every movement effective then.
  const days = await db
    .selectFrom('revenue_movements')
    .select([
      'account_id',
      'effective_date',
      sql<number>`sum(mrr_delta_minor)`.as('delta'),
      sql<string>`max(currency)`.as('currency'),
    ])
    .groupBy(['account_id', 'effective_date'])
    .orderBy('account_id')
    .orderBy('effective_date')
    .execute();
  for (const d of days) {
    history(d.account_id, d.currency).days.push({
      date: d.effective_date,
      deltaMinor: Number(d.delta),
      currency: d.currency,
    });
  }

  const subs = await db
    .selectFrom('subscriptions')
    .select([
      'id',
      'account_id',
      'start_date',
      'end_date',
      'billing_frequency',
      'status',
      'canceled_on',
    ])
    .where('status', '!=', 'trialing')
    .execute();
  const accountOf = new Map<string, string>();
  for (const s of subs) {
    accountOf.set(s.id, s.account_id);
    const h = history(s.account_id);
    // A subscription cancelled before its end date never reached that term end.
    if (s.end_date && (s.canceled_on === null || s.canceled_on >= s.end_date)) {
      h.termEnds.push({ date: s.end_date, source: 'term_end' });
    }
    if (s.billing_frequency === 'monthly' || s.end_date === null) {
      const stops = [s.end_date, s.canceled_on].filter((d): d is IsoDate => d !== null).sort();
      for (const date of anniversaries(s.start_date, stops[0] ?? null, period)) {
        h.termEnds.push({ date, source: 'anniversary' });
      }
    }
  }

  // Renewals recorded in place (API, UI, demo) leave the old end date only in the audit log.
  const extended = await db
    .selectFrom('audit_log')
    .select(['entity_id', 'changes'])
    .where('entity', '=', 'subscription')
    .where('action', '=', 'update')
    .where('changes', 'like', '%"end_date"%')
    .execute();
  for (const e of extended) {
    const accountId = accountOf.get(e.entity_id);
    const old = accountId ? oldEndDate(e.changes) : null;
    if (accountId && old) history(accountId).termEnds.push({ date: old, source: 'term_extended' });
  }

  const churned = await db
    .selectFrom('accounts')
    .select(['id', 'currency', 'churned_on'])
    .where('churned_on', '>=', period.from)
    .where('churned_on', '<=', period.to)
    .execute();
  for (const a of churned) {
    const h = history(a.id, a.currency);
    h.churnedOn = a.churned_on;
    h.currency = a.currency;
  }

  return deriveOutcomes(histories.values(), period);
}

/** The end date an audited update moved later, if it did. */
function oldEndDate(changes: string): IsoDate | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(changes);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const c = (parsed as Record<string, unknown>).end_date;
  if (!Array.isArray(c) || c.length !== 2) return null;
  const [before, after] = c as unknown[];
  return typeof before === 'string' &&
    typeof after === 'string' &&
    isIsoDate(before) &&
    isIsoDate(after) &&
    after > before
    ? before
    : null;
}

/** The first day with product usage recorded, or null when there is none. */
export async function firstUsageDay(db: Executor): Promise<IsoDate | null> {
  const row = await db
    .selectFrom('usage_daily_user')
    .select((e) => e.fn.min<string>('day').as('day'))
    .executeTakeFirst();
  return row?.day ?? null;
}
