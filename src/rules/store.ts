import type { Selectable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { RuleFiringsTable, RulesTable, RuleVersionsTable } from '../db/schema.js';
import { daysBetween } from '../tasks/model.js';
import { CHANGE_COLUMN, type Cause, type Facts, type Trigger } from './model.js';

export type RuleRow = Selectable<RulesTable>;
export type RuleVersionRow = Selectable<RuleVersionsTable>;
export type FiringRow = Selectable<RuleFiringsTable>;

export async function ruleRows(db: Executor): Promise<RuleRow[]> {
  return db.selectFrom('rules').selectAll().orderBy('name').execute();
}

export async function ruleByKey(db: Executor, key: string): Promise<RuleRow | undefined> {
  return db.selectFrom('rules').selectAll().where('key', '=', key).executeTakeFirst();
}

export async function versionsOf(db: Executor, key: string): Promise<RuleVersionRow[]> {
  return db
    .selectFrom('rule_versions')
    .selectAll()
    .where('key', '=', key)
    .orderBy('version', 'desc')
    .execute();
}

/**
 * What conditions read about every live account: its fields, ARR, renewal distance, and its
 * latest health score and tier. One query for the whole book, shared by every rule.
 */
export async function accountFacts(
  db: Executor,
  today: string,
  ids?: readonly string[],
): Promise<Map<string, Facts>> {
  let q = db
    .selectFrom('accounts as a')
    .leftJoin('health_snapshots as s', (j) =>
      j.onRef('s.account_id', '=', 'a.id').on((eb) =>
        eb(
          's.day',
          '=',
          eb
            .selectFrom('health_snapshots as x')
            .select((x) => x.fn.max('x.day').as('d'))
            .whereRef('x.account_id', '=', 'a.id'),
        ),
      ),
    )
    .select([
      'a.id',
      'a.segment',
      'a.stage',
      'a.industry',
      'a.region',
      'a.owner_id',
      'a.mrr_minor',
      'a.renewal_date',
      's.composite_tenths',
      's.tier',
    ])
    .where('a.archived_at', 'is', null);
  if (ids) q = q.where('a.id', 'in', [...ids]);
  const rows = await q.execute();
  const out = new Map<string, Facts>();
  for (const r of rows)
    out.set(r.id, {
      accountId: r.id,
      segment: r.segment,
      stage: r.stage,
      industry: r.industry,
      region: r.region,
      ownerId: r.owner_id,
      arrMinor: Number(r.mrr_minor) * 12,
      healthScore: r.composite_tenths === null ? null : Number(r.composite_tenths) / 10,
      healthTier: r.tier,
      renewalInDays: r.renewal_date ? daysBetween(today, r.renewal_date) : null,
    });
  return out;
}

/** What happened since `since` that this trigger fires on (schedules are handled by the caller). */
export async function causesSince(db: Executor, t: Trigger, since: string): Promise<Cause[]> {
  if (t.type === 'alert') {
    let q = db
      .selectFrom('health_alerts')
      .select(['id', 'account_id', 'kind', 'title', 'evidence'])
      .where('created_at', '>=', since);
    if (t.kinds) q = q.where('kind', 'in', t.kinds);
    const rows = await q.execute();
    return rows
      .filter((r) => !t.toTier || tierOf(r.evidence)?.toLowerCase() === t.toTier.toLowerCase())
      .map((r) => ({ accountId: r.account_id, key: `alert:${r.id}`, reason: `alert: ${r.title}` }));
  }
  if (t.type === 'stage_changed') {
    const rows = await db
      .selectFrom('account_stage_history')
      .select(['id', 'account_id', 'from_stage', 'to_stage'])
      .where('to_stage', '=', t.to)
      .where('changed_at', '>=', since)
      .execute();
    return rows.map((r) => ({
      accountId: r.account_id,
      key: `stage:${r.id}`,
      reason: `stage changed from ${r.from_stage ?? 'none'} to ${r.to_stage}`,
    }));
  }
  if (t.type === 'field_changed') {
    // Account edits are in the audit log with each field's before and after.
    const column = CHANGE_COLUMN[t.field];
    const rows = await db
      .selectFrom('audit_log')
      .select(['id', 'entity_id', 'changes'])
      .where('entity', '=', 'account')
      .where('action', '=', 'update')
      .where('at', '>=', since)
      .execute();
    return rows.flatMap((r) => {
      const change = changeOf(r.changes, column);
      if (!change) return [];
      const [from, to] = change;
      if (t.to !== undefined && String(to ?? '').toLowerCase() !== t.to.toLowerCase()) return [];
      return [
        {
          accountId: r.entity_id,
          key: `field:${r.id}`,
          reason: `${t.field} changed from ${from ?? 'none'} to ${to ?? 'none'}`,
        },
      ];
    });
  }
  if (t.type === 'event') {
    const rows = await db
      .selectFrom('usage_daily_event')
      .select(['account_id', 'day', 'events'])
      .where('event', '=', t.event)
      .where('day', '>=', since.slice(0, 10))
      .execute();
    return rows.map((r) => ({
      accountId: r.account_id,
      key: `event:${t.event}:${r.day}`,
      reason: `"${t.event}" happened ${r.events} time${r.events === 1 ? '' : 's'} on ${r.day}`,
    }));
  }
  return [];
}

function changeOf(changes: string, column: string): [unknown, unknown] | null {
  try {
    const c = (JSON.parse(changes) as Record<string, unknown>)[column];
    return Array.isArray(c) && c.length === 2 ? [c[0], c[1]] : null;
  } catch {
    return null;
  }
}

function tierOf(evidence: string): string | null {
  try {
    const e = JSON.parse(evidence) as { to?: unknown };
    return typeof e.to === 'string' ? e.to : null;
  } catch {
    return null;
  }
}

/** The (account, cause) pairs a rule already fired for. */
export async function firedSet(db: Executor, key: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('rule_firings')
    .select(['account_id', 'cause_key'])
    .where('rule_key', '=', key)
    .execute();
  return new Set(rows.map((r) => `${r.account_id}\0${r.cause_key}`));
}

/** Claim a firing; false when this rule already fired for the account and cause. */
export async function insertFiring(db: Executor, row: FiringRow): Promise<boolean> {
  const r = await db
    .insertInto('rule_firings')
    .values(row)
    .onConflict((oc) => oc.columns(['rule_key', 'account_id', 'cause_key']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function setOutcome(db: Executor, id: string, outcome: string): Promise<void> {
  await db.updateTable('rule_firings').set({ outcome }).where('id', '=', id).execute();
}

export async function firingRows(
  db: Executor,
  f: { ruleKey?: string; accountId?: string },
  limit: number,
): Promise<FiringRow[]> {
  let q = db.selectFrom('rule_firings').selectAll();
  if (f.ruleKey) q = q.where('rule_key', '=', f.ruleKey);
  if (f.accountId) q = q.where('account_id', '=', f.accountId);
  return q.orderBy('fired_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
