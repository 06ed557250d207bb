import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen once landed. The renewal pipeline lists subscriptions by (end_date, id) and pages on
// that pair: an index in that order reads each page in order from where the cursor points,
// without sorting each renewal date's subscriptions by id first. It replaces the end-date
// index, which it covers.

export async function up(db: Kysely<any>): Promise<void> {
  if (!db.isTransaction && !(db.getExecutor().adapter instanceof PostgresAdapter))
    return db.transaction().execute((trx) => up(trx));
  await db.schema
    .createIndex('subscriptions_end_date_id_idx')
    .on('subscriptions')
    .columns(['end_date', 'id'])
    .execute();
  await db.schema.dropIndex('subscriptions_end_date_idx').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('subscriptions_end_date_idx')
    .on('subscriptions')
    .column('end_date')
    .execute();
  await db.schema.dropIndex('subscriptions_end_date_id_idx').execute();
}
