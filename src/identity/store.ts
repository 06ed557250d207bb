import type { Executor } from '../db/database.js';
import type { UserRow } from '../db/schema.js';

export async function getUser(db: Executor, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findUserByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function findUserByOidc(
  db: Executor,
  issuer: string,
  subject: string,
): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('oidc_issuer', '=', issuer)
    .where('oidc_subject', '=', subject)
    .executeTakeFirst();
}

export async function insertUsers(db: Executor, rows: UserRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    await db
      .insertInto('users')
      .values(rows.slice(i, i + 200))
      .execute();
  }
}

export async function updateUser(db: Executor, id: string, patch: Partial<UserRow>): Promise<void> {
  await db.updateTable('users').set(patch).where('id', '=', id).execute();
}

export async function listUsers(db: Executor): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('name').orderBy('id').execute();
}

/** The users a manager leads. */
export async function teamOf(db: Executor, managerId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('manager_id', '=', managerId)
    .execute();
  return rows.map((r) => r.id);
}

export async function countActiveAdmins(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .where('archived_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
