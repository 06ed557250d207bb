import type { Executor } from '../db/database.js';
import { DEFAULT_SEGMENTS } from '../accounts/account/model.js';

/** Installation settings, stored as JSON text by key. */
export async function getSetting<T>(db: Executor, key: string, fallback: T): Promise<T> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', key)
    .executeTakeFirst();
  return row ? (JSON.parse(row.value) as T) : fallback;
}

export async function putSetting(
  db: Executor,
  key: string,
  value: unknown,
  now: Date,
): Promise<void> {
  const text = JSON.stringify(value);
  await db
    .insertInto('settings')
    .values({ key, value: text, updated_at: now.toISOString() })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({ value: text, updated_at: now.toISOString() }),
    )
    .execute();
}

/** The account segments this installation uses (configurable; A1). */
export async function segments(db: Executor): Promise<string[]> {
  return getSetting<string[]>(db, 'segments', [...DEFAULT_SEGMENTS]);
}
