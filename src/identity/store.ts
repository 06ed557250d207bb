import type { Executor } from '../db/database.js';
import type { UserRow } from '../db/schema.js';

export async function getUser(db: Executor, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findUserByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function insertUsers(db: Executor, rows: UserRow[]): Promise<void> {
  if (rows.length) await db.insertInto('users').values(rows).execute();
}

export async function listUsers(db: Executor): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('name').orderBy('id').execute();
}
