import { sql } from 'kysely';
import { addDays } from '../../core/clock.js';
import type { Executor } from '../../db/database.js';
import { MANUAL_KINDS } from '../../accounts/timeline/model.js';
import {
  DETRACTOR_MAX,
  type AlertSettings,
  type AlertWindows,
  type ChampionExit,
  type NpsAnswer,
  type OnboardingFigures,
  type RedRun,
  type RenewalFigures,
  type ScorePoint,
  type TicketFigures,
  type UsageFigures,
} from './kinds.js';

/**
 * The SQL of the figures the alert rules read: one statement per rule, each a single
 * set-based pass over the accounts in scope, so an evaluation runs the same number of
 * statements for ten accounts as for ten thousand. Read-only, over the other features'
 * tables, as the health measures read them.
 */

/** Up to 500 account ids bound as a list, or every account. */
export type Scope = readonly string[] | 'all';

const n = (v: unknown): number => Number(v ?? 0);
/** Instants sort as text: everything on day D is before the next day's date. */
const endOf = (day: string) => addDays(day, 1);

/** Accounts that can still need attention: not archived, not churned. */
function live(db: Executor, scope: Scope) {
  const q = db
    .selectFrom('accounts')
    .select('accounts.id')
    .where('accounts.archived_at', 'is', null)
    .where('accounts.stage', '<>', 'churned');
  return scope === 'all' ? q : q.where('accounts.id', 'in', scope);
}

/** The score series of accounts whose composite moved by the bar or whose tier changed. */
export async function scoreSeries(
  db: Executor,
  scope: Scope,
  w: AlertWindows,
  barTenths: number,
): Promise<Map<string, ScorePoint[]>> {
  const moved = db
    .selectFrom('health_snapshots')
    .select('account_id')
    .where('day', '>=', w.seriesFrom)
    .where('day', '<=', w.day)
    .where('account_id', 'in', live(db, scope))
    .groupBy('account_id')
    .having((eb) =>
      eb.or([
        eb(sql`max(composite_tenths) - min(composite_tenths)`, '>=', barTenths),
        eb(sql`count(distinct tier)`, '>', 1),
      ]),
    );
  const rows = await db
    .selectFrom('health_snapshots')
    .select(['account_id', 'day', 'composite_tenths', 'tier', 'model_key', 'model_version'])
    .where('day', '>=', w.seriesFrom)
    .where('day', '<=', w.day)
    .where('account_id', 'in', moved)
    .orderBy('account_id')
    .orderBy('day')
    .execute();
  const out = new Map<string, ScorePoint[]>();
  for (const r of rows) {
    const list = out.get(r.account_id) ?? [];
    list.push({
      day: r.day,
      tenths: r.composite_tenths === null ? null : n(r.composite_tenths),
      tier: r.tier,
      modelKey: r.model_key,
      modelVersion: n(r.model_version),
    });
    out.set(r.account_id, list);
  }
  return out;
}

/** Distinct active users in D−29…D and D−59…D−30, where the earlier window had enough. */
export async function usageFigures(
  db: Executor,
  scope: Scope,
  w: AlertWindows,
  minUsers: number,
): Promise<UsageFigures[]> {
  const prev = sql<number>`count(distinct case when day <= ${w.usagePrevTo} then user_key end)`;
  const rows = await db
    .selectFrom('usage_daily_user')
    .select([
      'account_id',
      sql<number>`count(distinct case when day >= ${w.usageFrom} then user_key end)`.as('users'),
      prev.as('prev'),
    ])
    .where('account_id', 'in', live(db, scope))
    .where('day', '>=', w.usagePrevFrom)
    .where('day', '<=', w.day)
    .groupBy('account_id')
    .having(prev, '>=', minUsers)
    .execute();
  return rows.map((r) => ({ accountId: r.account_id, users: n(r.users), prevUsers: n(r.prev) }));
}

export async function championExits(
  db: Executor,
  scope: Scope,
  w: AlertWindows,
): Promise<ChampionExit[]> {
  const rows = await db
    .selectFrom('contacts')
    .select(['id', 'account_id', 'name', 'title', 'left_on', 'left_reason'])
    .where('account_id', 'in', live(db, scope))
    .where('is_champion', '=', 1)
    .where('archived_at', 'is', null)
    .where('left_on', '>=', w.eventsFrom)
    .where('left_on', '<=', w.day)
    .execute();
  return rows.map((r) => ({
    accountId: r.account_id,
    contactId: r.id,
    name: r.name,
    title: r.title,
    leftOn: r.left_on!,
    reason: r.left_reason,
  }));
}

/** Tickets opened in D−6…D and in the 90 days before, where the recent ones reach the minimum. */
export async function ticketFigures(
  db: Executor,
  scope: Scope,
  w: AlertWindows,
  minTickets: number,
): Promise<TicketFigures[]> {
  const recent = sql<number>`sum(case when opened_at >= ${w.spikeFrom} then 1 else 0 end)`;
  const rows = await db
    .selectFrom('tickets')
    .select([
      'account_id',
      recent.as('recent'),
      sql<number>`sum(case when opened_at < ${w.spikeFrom} then 1 else 0 end)`.as('baseline'),
    ])
    .where('account_id', 'in', live(db, scope))
    .where('opened_at', '>=', w.baselineFrom)
    .where('opened_at', '<', endOf(w.day))
    .groupBy('account_id')
    .having(recent, '>=', minTickets)
    .execute();
  return rows.map((r) => ({
    accountId: r.account_id,
    recent: n(r.recent),
    baseline: n(r.baseline),
  }));
}

export async function detractorAnswers(
  db: Executor,
  scope: Scope,
  w: AlertWindows,
): Promise<NpsAnswer[]> {
  const rows = await db
    .selectFrom('survey_responses as s')
    .leftJoin('contacts as c', 'c.id', 's.contact_id')
    .select([
      's.id',
      's.account_id',
      's.score',
      's.responded_at',
      's.contact_id',
      's.comment',
      'c.name as contact_name',
    ])
    .where('s.account_id', 'in', live(db, scope))
    .where('s.kind', '=', 'nps')
    .where('s.score', '<=', DETRACTOR_MAX)
    .where('s.responded_at', '>=', w.eventsFrom)
    .where('s.responded_at', '<', endOf(w.day))
    .execute();
  return rows.map((r) => ({
    accountId: r.account_id,
    responseId: r.id,
    score: n(r.score),
    respondedAt: r.responded_at,
    contactId: r.contact_id,
    contactName: r.contact_name,
    comment: r.comment,
  }));
}

/** Linked accounts onboarding since at least `days` before D, with their users since then. */
export async function onboardingFigures(
  db: Executor,
  scope: Scope,
  w: AlertWindows,
  s: AlertSettings,
): Promise<OnboardingFigures[]> {
  const rows = await db
    .selectFrom('accounts as a')
    .select((eb) => [
      'a.id',
      'a.stage',
      'a.stage_changed_at',
      eb
        .selectFrom('usage_daily_user as u')
        .select(sql<number>`count(distinct u.user_key)`.as('n'))
        .whereRef('u.account_id', '=', 'a.id')
        .where(sql<boolean>`u.day >= substr(a.stage_changed_at, 1, 10)`)
        .where('u.day', '<=', w.day)
        .as('users'),
    ])
    .where('a.id', 'in', live(db, scope))
    .where('a.stage', '=', 'onboarding')
    .where('a.product_id', 'is not', null)
    .where('a.stage_changed_at', '<', endOf(addDays(w.day, -s.onboardingNoLoginDays)))
    .execute();
  return rows.map((r) => ({
    accountId: r.id,
    stage: r.stage,
    stageStartedOn: r.stage_changed_at.slice(0, 10),
    linked: true,
    usersSinceStart: n(r.users),
  }));
}

/** Accounts renewing from D to the horizon, with their latest snapshot on or before D. */
export async function renewalFigures(db: Executor, scope: Scope, w: AlertWindows) {
  const rows = await db
    .selectFrom('accounts as a')
    .innerJoin('health_snapshots as s', 's.account_id', 'a.id')
    .select([
      'a.id',
      'a.renewal_date',
      's.day',
      's.composite_tenths',
      's.tier',
      's.model_key',
      's.model_version',
    ])
    .where('a.id', 'in', live(db, scope))
    .where('a.renewal_date', '>=', w.day)
    .where('a.renewal_date', '<=', w.renewalTo)
    .where('s.day', '=', (eb) =>
      eb
        .selectFrom('health_snapshots as l')
        .select(sql<string>`max(l.day)`.as('d'))
        .whereRef('l.account_id', '=', 'a.id')
        .where('l.day', '<=', w.day),
    )
    .execute();
  return rows.map((r): RenewalFigures => ({
    accountId: r.id,
    renewalDate: r.renewal_date!,
    latest: {
      day: r.day,
      tenths: r.composite_tenths === null ? null : n(r.composite_tenths),
      tier: r.tier,
      modelKey: r.model_key,
      modelVersion: n(r.model_version),
    },
  }));
}

/** A model version's lowest tier, to recognise "red" in SQL. */
export interface LowestTier {
  modelKey: string;
  modelVersion: number;
  tier: string;
}

/**
 * Accounts whose snapshots since their last one outside the lowest tier (a snapshot without
 * a score ends a run too) all are in it, the run starting by `redStartedBy`, and whether a
 * touch or a handled alert came since the run began. Only accounts scored in the lowest tier
 * alone from `redStartedBy` to D can qualify, so only their history is read.
 */
export async function redRuns(
  db: Executor,
  scope: Scope,
  w: AlertWindows,
  lowest: readonly LowestTier[],
): Promise<RedRun[]> {
  if (lowest.length === 0) return [];
  const isLowest = sql.join(
    lowest.map(
      (l) =>
        sql`(model_key = ${l.modelKey} and model_version = ${l.modelVersion} and tier = ${l.tier})`,
    ),
    sql` or `,
  );
  const candidates = db
    .selectFrom('health_snapshots')
    .select('account_id')
    .where('day', '>=', w.redStartedBy)
    .where('day', '<=', w.day)
    .where('account_id', 'in', live(db, scope))
    .groupBy('account_id')
    .having(sql`sum(case when ${isLowest} then 0 else 1 end)`, '=', 0);
  const lastOk = db
    .selectFrom('health_snapshots')
    .select(['account_id', sql<string>`max(day)`.as('last_ok')])
    .where('account_id', 'in', candidates)
    .where('day', '<=', w.day)
    .where(sql<boolean>`(case when ${isLowest} then 0 else 1 end) = 1`)
    .groupBy('account_id');
  const runs = db
    .selectFrom('health_snapshots as s')
    .leftJoin(lastOk.as('o'), 'o.account_id', 's.account_id')
    .select([
      's.account_id',
      sql<string>`min(s.day)`.as('red_since'),
      sql<string>`max(s.day)`.as('last_day'),
      sql<string>`max(s.tier)`.as('tier'),
    ])
    .where('s.day', '<=', w.day)
    .where('s.account_id', 'in', candidates)
    .where((eb) => eb.or([eb('o.last_ok', 'is', null), eb('s.day', '>', eb.ref('o.last_ok'))]))
    .groupBy('s.account_id')
    .having(sql`min(s.day)`, '<=', w.redStartedBy);
  const next = endOf(w.day);
  const rows = await db
    .selectFrom(runs.as('r'))
    .select((eb) => [
      'r.account_id',
      'r.red_since',
      'r.last_day',
      'r.tier',
      eb
        .or([
          eb.exists(
            eb
              .selectFrom('timeline_entries as t')
              .select('t.id')
              .whereRef('t.account_id', '=', 'r.account_id')
              .where('t.kind', 'in', [...MANUAL_KINDS, 'health_review'])
              .whereRef('t.occurred_at', '>=', 'r.red_since')
              .where('t.occurred_at', '<', next),
          ),
          eb.exists(
            eb
              .selectFrom('health_alerts as h')
              .select('h.id')
              .whereRef('h.account_id', '=', 'r.account_id')
              .where('h.status', 'in', ['acknowledged', 'resolved'])
              .whereRef('h.updated_at', '>=', 'r.red_since')
              .where('h.updated_at', '<', next),
          ),
        ])
        .as('intervened'),
    ])
    .execute();
  return rows.map((r) => ({
    accountId: r.account_id,
    redSince: r.red_since,
    lastScoredOn: r.last_day,
    tier: r.tier,
    intervened: Boolean(r.intervened),
  }));
}
