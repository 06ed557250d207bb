import type { Executor } from '../../db/database.js';
import type { ContactRow } from '../../db/schema.js';
import { decodeCursor, encodeCursor, type Page } from '../../core/pagination.js';
import { roleColumn, type ContactRole } from './model.js';

export async function getContact(db: Executor, id: string): Promise<ContactRow | undefined> {
  return db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findByExternalId(
  db: Executor,
  externalId: string,
): Promise<ContactRow | undefined> {
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

export async function findByEmail(
  db: Executor,
  accountId: string,
  email: string,
): Promise<ContactRow | undefined> {
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('email', '=', email)
    .executeTakeFirst();
}

export async function insertContact(db: Executor, row: ContactRow): Promise<void> {
  await db.insertInto('contacts').values(row).execute();
}

export async function updateContact(
  db: Executor,
  id: string,
  patch: Partial<ContactRow>,
): Promise<void> {
  await db.updateTable('contacts').set(patch).where('id', '=', id).execute();
}

export async function listContacts(
  db: Executor,
  f: { accountId?: string; role?: ContactRole; email?: string; includeLeft?: boolean },
  limit: number,
  cursor?: string,
): Promise<Page<ContactRow>> {
  let q = db.selectFrom('contacts').selectAll().where('archived_at', 'is', null);
  if (f.accountId) q = q.where('account_id', '=', f.accountId);
  if (f.role) q = q.where(roleColumn(f.role), '=', 1);
  if (f.email) q = q.where('email', '=', f.email.toLowerCase());
  if (!f.includeLeft) q = q.where('left_on', 'is', null);
  if (cursor) q = q.where('id', '>', decodeCursor(cursor).id);
  const rows = await q
    .orderBy('id')
    .limit(limit + 1)
    .execute();
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeCursor({ v: null, id: last.id }) : null,
  };
}
