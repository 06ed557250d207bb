import type { Selectable } from 'kysely';
import type { Dialect, Executor } from '../db/database.js';
import type { PortfolioViewsTable } from '../db/schema.js';
import { columnOrder } from '../db/keyset.js';

export type ViewRow = Selectable<PortfolioViewsTable>;
export interface ViewListRow extends ViewRow {
  owner_name: string;
  owner_email: string;
}

function withOwner(db: Executor) {
  return db
    .selectFrom('portfolio_views as v')
    .innerJoin('users as u', 'u.id', 'v.owner_id')
    .selectAll('v')
    .select(['u.name as owner_name', 'u.email as owner_email']);
}

/** The views `ownerId` owns (none for a caller who is not a user) and every shared one, by name. */
export async function listViews(
  db: Executor,
  dialect: Dialect,
  ownerId: string | null,
): Promise<ViewListRow[]> {
  return withOwner(db)
    .where((eb) =>
      ownerId === null
        ? eb('v.shared', '=', 1)
        : eb.or([eb('v.shared', '=', 1), eb('v.owner_id', '=', ownerId)]),
    )
    .orderBy(columnOrder('v.name', dialect, { text: true }))
    .orderBy('v.id')
    .execute();
}

export async function getView(db: Executor, id: string): Promise<ViewListRow | undefined> {
  return withOwner(db).where('v.id', '=', id).executeTakeFirst();
}

export async function insertView(db: Executor, row: ViewRow): Promise<void> {
  await db.insertInto('portfolio_views').values(row).execute();
}

export async function updateView(
  db: Executor,
  id: string,
  patch: Partial<Pick<ViewRow, 'name' | 'shared' | 'query' | 'updated_at'>>,
): Promise<void> {
  await db.updateTable('portfolio_views').set(patch).where('id', '=', id).execute();
}

export async function deleteView(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('portfolio_views').where('id', '=', id).execute();
}
