import type { Selectable } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { HealthSnapshotsTable } from '../../db/schema.js';

export type SnapshotRow = Selectable<HealthSnapshotsTable>;

export interface ScoredAccount {
  id: string;
  segment: string;
  stage: string;
}

/**
 * Accounts to score on a day: they existed by its end and had not churned before it.
 * (Churned accounts keep their history; they get no new snapshots.)
 */
export async function accountsToScore(
  db: Executor,
  day: string,
  ids?: readonly string[],
): Promise<ScoredAccount[]> {
  const end = `${day}T23:59:59.999Z`;
  const base = db
    .selectFrom('accounts')
    .select(['id', 'segment', 'stage'])
    .where('archived_at', 'is', null)
    .where('created_at', '<=', end)
    .where((eb) => eb.or([eb('churned_on', 'is', null), eb('churned_on', '>=', day)]));
  if (!ids) return base.orderBy('id').execute();
  const out: ScoredAccount[] = [];
  for (let i = 0; i < ids.length; i += 500)
    out.push(...(await base.where('id', 'in', ids.slice(i, i + 500)).execute()));
  return out;
}

export async function upsertSnapshots(db: Executor, rows: readonly SnapshotRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('health_snapshots')
      .values(rows.slice(i, i + 500))
      .onConflict((oc) =>
        oc.columns(['account_id', 'day']).doUpdateSet((eb) => ({
          model_id: eb.ref('excluded.model_id'),
          model_key: eb.ref('excluded.model_key'),
          model_version: eb.ref('excluded.model_version'),
          composite_tenths: eb.ref('excluded.composite_tenths'),
          tier: eb.ref('excluded.tier'),
          coverage: eb.ref('excluded.coverage'),
          detail: eb.ref('excluded.detail'),
          computed_at: eb.ref('excluded.computed_at'),
        })),
      )
      .execute();
  }
}

/** The snapshot on the day, or else the latest one before it. */
export async function snapshotAtOrBefore(
  db: Executor,
  accountId: string,
  day: string,
): Promise<SnapshotRow | undefined> {
  return db
    .selectFrom('health_snapshots')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('day', '<=', day)
    .orderBy('day', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function snapshotsBetween(
  db: Executor,
  accountId: string,
  from: string,
  to: string,
): Promise<SnapshotRow[]> {
  return db
    .selectFrom('health_snapshots')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('day', '>=', from)
    .where('day', '<=', to)
    .orderBy('day')
    .execute();
}

/** Up to `limit` accounts waiting for a rescore, oldest first. */
export async function takeDirty(
  db: Executor,
  limit: number,
): Promise<{ account_id: string; marked_at: string }[]> {
  return db.selectFrom('health_dirty').selectAll().orderBy('marked_at').limit(limit).execute();
}

/** Clear the marks that were taken; a mark made meanwhile (later) stays for next time. */
export async function clearDirty(
  db: Executor,
  taken: readonly { account_id: string; marked_at: string }[],
): Promise<void> {
  for (const t of taken)
    await db
      .deleteFrom('health_dirty')
      .where('account_id', '=', t.account_id)
      .where('marked_at', '<=', t.marked_at)
      .execute();
}

export async function countSnapshotsOn(db: Executor, day: string): Promise<number> {
  const r = await db
    .selectFrom('health_snapshots')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('day', '=', day)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
