import type { Selectable } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { HealthModelsTable } from '../../db/schema.js';

export type ModelRow = Selectable<HealthModelsTable>;

/** Every version of every model, newest version first within a key. */
export async function allVersions(db: Executor): Promise<ModelRow[]> {
  return db
    .selectFrom('health_models')
    .selectAll()
    .orderBy('key')
    .orderBy('version', 'desc')
    .execute();
}

export async function versionsOf(db: Executor, key: string): Promise<ModelRow[]> {
  return db
    .selectFrom('health_models')
    .selectAll()
    .where('key', '=', key)
    .orderBy('version', 'desc')
    .execute();
}

export async function modelById(db: Executor, id: string): Promise<ModelRow | undefined> {
  return db.selectFrom('health_models').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function modelsByIds(db: Executor, ids: readonly string[]): Promise<ModelRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('health_models').selectAll().where('id', 'in', ids).execute();
}

export async function insertVersion(db: Executor, row: ModelRow): Promise<void> {
  await db.insertInto('health_models').values(row).execute();
}

/** A key is active or not as a whole: the flag is kept on all its versions alike. */
export async function setArchived(db: Executor, key: string, at: string | null): Promise<void> {
  await db.updateTable('health_models').set({ archived_at: at }).where('key', '=', key).execute();
}

export async function countModels(db: Executor): Promise<number> {
  const r = await db
    .selectFrom('health_models')
    .select((e) => e.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export interface LatestValuesRow {
  account_id: string;
  segment: string;
  stage: string;
  /** The snapshot's measure values (JSON), for rescoring with another model. */
  detail: string;
}

/**
 * Each live account's latest snapshot on or before `today`, with what picks its model: one
 * statement for the whole book (a model preview rescores them in memory).
 */
export async function latestSnapshotValues(
  db: Executor,
  today: string,
): Promise<LatestValuesRow[]> {
  return (
    db
      // Materialized, so each account's latest day is one index seek (as the portfolio does).
      .with(
        (cte) => cte('l').materialized(),
        (q) =>
          q
            .selectFrom('accounts as a')
            .where('a.archived_at', 'is', null)
            .where((eb) => eb.or([eb('a.churned_on', 'is', null), eb('a.churned_on', '>=', today)]))
            .select((eb) => [
              'a.id as account_id',
              'a.segment',
              'a.stage',
              eb
                .selectFrom('health_snapshots as h')
                .select((h) => h.fn.max<string>('h.day').as('d'))
                .whereRef('h.account_id', '=', 'a.id')
                .where('h.day', '<=', today)
                .as('day'),
            ]),
      )
      .selectFrom('l')
      .innerJoin('health_snapshots as z', (j) =>
        j.onRef('z.account_id', '=', 'l.account_id').onRef('z.day', '=', 'l.day'),
      )
      .select(['l.account_id', 'l.segment', 'l.stage', 'z.detail'])
      .orderBy('l.account_id')
      .execute()
  );
}
