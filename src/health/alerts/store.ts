import { sql, type Selectable } from 'kysely';
import { addDays } from '../../core/clock.js';
import type { Page } from '../../core/pagination.js';
import type { Dialect, Executor } from '../../db/database.js';
import { keysetPage, sortBy } from '../../db/keyset.js';
import type { HealthAlertsTable } from '../../db/schema.js';
import type { Scope } from './figures-store.js';

/** The health_alerts table: raising alerts, the inbox, and status changes. */

export type AlertRow = Selectable<HealthAlertsTable>;
export type AlertListRow = AlertRow & { account_name: string | null; owner_id: string | null };

/** The latest score_drop cause day per account from `from` to D (a decline already reported). */
export async function recentScoreDrops(
  db: Executor,
  scope: Scope,
  from: string,
  day: string,
): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('health_alerts')
    .select(['account_id', sql<string>`max(cause_key)`.as('cause')])
    .where('kind', '=', 'score_drop')
    .where('cause_key', '>=', from)
    .where('cause_key', '<=', day)
    .$if(scope !== 'all', (q) => q.where('account_id', 'in', scope as readonly string[]))
    .groupBy('account_id')
    .execute();
  return new Map(rows.map((r) => [r.account_id, r.cause]));
}

/** Falls an unresolved alert covers, whatever their day. */
const FOREVER = '9999-12-31';

/**
 * For each account and "from>to", the last day its tier_change alerts raised from `from` to
 * `day` (cause "day:from>to") cover: every day while one is unresolved, else the day the
 * latest was resolved.
 */
export async function coveredTierChanges(
  db: Executor,
  scope: Scope,
  from: string,
  day: string,
): Promise<Map<string, Map<string, string>>> {
  const rows = await db
    .selectFrom('health_alerts')
    .select(['account_id', 'cause_key', 'status', 'resolved_at'])
    .where('kind', '=', 'tier_change')
    .where('cause_key', '>=', from)
    .where('cause_key', '<', addDays(day, 1))
    .$if(scope !== 'all', (q) => q.where('account_id', 'in', scope as readonly string[]))
    .execute();
  const out = new Map<string, Map<string, string>>();
  for (const r of rows) {
    const pair = r.cause_key.slice(r.cause_key.indexOf(':') + 1);
    const until = r.status === 'resolved' ? (r.resolved_at ?? '').slice(0, 10) : FOREVER;
    const pairs = out.get(r.account_id) ?? new Map<string, string>();
    if (until > (pairs.get(pair) ?? '')) pairs.set(pair, until);
    out.set(r.account_id, pairs);
  }
  return out;
}

/** Insert alerts; one already raised for the same cause is left alone. Returns the new ones. */
export async function insertAlerts(db: Executor, rows: readonly AlertRow[]): Promise<AlertRow[]> {
  const out: AlertRow[] = [];
  for (let i = 0; i < rows.length; i += 500) {
    out.push(
      ...(await db
        .insertInto('health_alerts')
        .values(rows.slice(i, i + 500))
        .onConflict((oc) => oc.columns(['account_id', 'kind', 'cause_key']).doNothing())
        .returningAll()
        .execute()),
    );
  }
  return out;
}

export type AlertSort = 'createdAt' | '-createdAt';

export interface AlertFilter {
  /** The status a reader sees: an expired snooze is open. */
  status?: 'open' | 'acknowledged' | 'snoozed' | 'resolved';
  kind?: string;
  severity?: string;
  /** An owner's accounts; null for accounts nobody owns. */
  ownerId?: string | null;
  accountId?: string;
  nowIso: string;
}

function withAccount(db: Executor) {
  return db
    .selectFrom('health_alerts')
    .selectAll('health_alerts')
    .select((eb) => [
      eb
        .selectFrom('accounts')
        .select('accounts.name')
        .whereRef('accounts.id', '=', 'health_alerts.account_id')
        .as('account_name'),
      eb
        .selectFrom('accounts')
        .select('accounts.owner_id')
        .whereRef('accounts.id', '=', 'health_alerts.account_id')
        .as('owner_id'),
    ]);
}

export async function listAlerts(
  db: Executor,
  dialect: Dialect,
  f: AlertFilter,
  sort: AlertSort,
  limit: number,
  cursor?: string,
): Promise<Page<AlertListRow>> {
  let q = withAccount(db);
  if (f.status === 'open')
    q = q.where((eb) =>
      eb.or([
        eb('health_alerts.status', '=', 'open'),
        eb.and([
          eb('health_alerts.status', '=', 'snoozed'),
          eb.or([
            eb('health_alerts.snoozed_until', 'is', null),
            eb('health_alerts.snoozed_until', '<=', f.nowIso),
          ]),
        ]),
      ]),
    );
  else if (f.status === 'snoozed')
    q = q
      .where('health_alerts.status', '=', 'snoozed')
      .where('health_alerts.snoozed_until', '>', f.nowIso);
  else if (f.status) q = q.where('health_alerts.status', '=', f.status);
  if (f.kind) q = q.where('health_alerts.kind', '=', f.kind);
  if (f.severity) q = q.where('health_alerts.severity', '=', f.severity);
  if (f.accountId) q = q.where('health_alerts.account_id', '=', f.accountId);
  if (f.ownerId !== undefined) {
    const owned = db.selectFrom('accounts').select('accounts.id');
    q = q.where(
      'health_alerts.account_id',
      'in',
      f.ownerId === null
        ? owned.where('accounts.owner_id', 'is', null)
        : owned.where('accounts.owner_id', '=', f.ownerId),
    );
  }
  return keysetPage(
    q,
    sortBy<AlertListRow>(sort, { createdAt: 'created_at' }, dialect, { text: ['createdAt'] }),
    limit,
    cursor,
  );
}

export async function getAlert(db: Executor, id: string): Promise<AlertListRow | undefined> {
  return withAccount(db).where('health_alerts.id', '=', id).executeTakeFirst();
}

/** Change an alert unless someone else changed it since it was read; false when they did. */
export async function updateAlert(
  db: Executor,
  id: string,
  readAt: string,
  patch: Partial<Pick<AlertRow, 'status' | 'snoozed_until' | 'resolved_at' | 'updated_by'>> & {
    updated_at: string;
  },
): Promise<boolean> {
  const r = await db
    .updateTable('health_alerts')
    .set(patch)
    .where('id', '=', id)
    .where('updated_at', '=', readAt)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
