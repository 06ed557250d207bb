import type { Kysely } from 'kysely';

// Frozen once landed. Account search compares a folded copy of name and domain, so
// SQLite (whose lower() only folds ASCII) and PostgreSQL find the same accounts.

function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('accounts')
    .addColumn('search_text', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  let after = '';
  for (;;) {
    const rows: { id: string; name: string; domain: string | null }[] = await db
      .selectFrom('accounts')
      .select(['id', 'name', 'domain'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(1000)
      .execute();
    if (rows.length === 0) break;
    for (const r of rows) {
      await db
        .updateTable('accounts')
        .set({ search_text: fold(`${r.name} ${r.domain ?? ''}`) })
        .where('id', '=', r.id)
        .execute();
    }
    after = rows[rows.length - 1]!.id;
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('accounts').dropColumn('search_text').execute();
}
