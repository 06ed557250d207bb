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
