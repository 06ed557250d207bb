import { sql } from 'kysely';
import type { Dialect, Executor } from '../../db/database.js';
import type { AccountPatchRow, AccountRow, NewAccountRow } from '../../db/schema.js';
import type { Page } from '../../core/pagination.js';
import { keysetPage, sortBy } from '../../db/keyset.js';
import type { AccountSort } from './schemas.js';
import { foldText } from './model.js';

export async function getAccount(db: Executor, id: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Read and lock the row for the rest of the transaction (PostgreSQL; SQLite writers are serial). */
export async function getAccountForUpdate(
  db: Executor,
  dialect: Dialect,
  id: string,
): Promise<AccountRow | undefined> {
  const q = db.selectFrom('accounts').selectAll().where('id', '=', id);
  return (dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
}

export async function findByExternalId(
  db: Executor,
  field: 'crm_id' | 'billing_id' | 'product_id',
  value: string,
): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where(field, '=', value).executeTakeFirst();
}

export async function insertAccount(db: Executor, row: NewAccountRow): Promise<void> {
  await db.insertInto('accounts').values(row).execute();
}

export async function updateAccount(
  db: Executor,
  id: string,
  patch: AccountPatchRow,
): Promise<void> {
  await db.updateTable('accounts').set(patch).where('id', '=', id).execute();
}

export async function insertStageChange(
  db: Executor,
  row: {
    id: string;
    account_id: string;
    from_stage: string | null;
    to_stage: string;
    changed_at: string;
    actor: string;
    reason: string | null;
  },
): Promise<void> {
  await db.insertInto('account_stage_history').values(row).execute();
}

export async function listStageHistory(db: Executor, accountId: string) {
  return db
    .selectFrom('account_stage_history')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('changed_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
}

/** The parent chain of an account, nearest first (bounded to stop at bad data). */
export async function ancestors(db: Executor, id: string): Promise<string[]> {
  const out: string[] = [];
  let current: string | null = id;
  while (current && out.length < 64) {
    out.push(current);
    const row: { parent_id: string | null } | undefined = await db
      .selectFrom('accounts')
      .select('parent_id')
      .where('id', '=', current)
      .executeTakeFirst();
    current = row?.parent_id ?? null;
  }
  return out;
}

export async function countAccounts(db: Executor): Promise<number> {
  const r = await db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export interface AccountFilter {
  q?: string;
  ownerId?: string | null;
  segment?: string;
  stage?: string;
  parentId?: string;
  region?: string;
  industry?: string;
  renewalBefore?: string;
  includeArchived?: boolean;
}

const SORT_COLUMN = {
  name: 'name',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  mrr: 'mrr_minor',
  renewalDate: 'renewal_date',
} as const;

/** One page of accounts in `sort` order, continuing after `cursor`. */
export async function listAccounts(
  db: Executor,
  dialect: Dialect,
  filter: AccountFilter,
  sort: AccountSort,
  limit: number,
  cursor?: string,
): Promise<Page<AccountRow>> {
  let q = db.selectFrom('accounts').selectAll();
  if (!filter.includeArchived) q = q.where('archived_at', 'is', null);
  if (filter.ownerId === null) q = q.where('owner_id', 'is', null);
  else if (filter.ownerId !== undefined) q = q.where('owner_id', '=', filter.ownerId);
  if (filter.segment) q = q.where('segment', '=', filter.segment);
  if (filter.stage) q = q.where('stage', '=', filter.stage);
  if (filter.parentId) q = q.where('parent_id', '=', filter.parentId);
  if (filter.region) q = q.where('region', '=', filter.region);
  if (filter.industry) q = q.where('industry', '=', filter.industry);
  if (filter.renewalBefore) q = q.where('renewal_date', '<=', filter.renewalBefore);
  if (filter.q) {
    const like = `%${foldText(filter.q).replace(/[%_\\]/g, (m) => `\\${m}`)}%`;
    q = q.where((eb) =>
      eb.or([
        eb('search_text', 'like', sql<string>`${like} escape '\\'`),
        eb('crm_id', '=', filter.q!),
        eb('billing_id', '=', filter.q!),
      ]),
    );
  }
  return keysetPage(
    q,
    sortBy<AccountRow>(sort, SORT_COLUMN, dialect, { text: ['name'], nullable: ['renewalDate'] }),
    limit,
    cursor,
  );
}
