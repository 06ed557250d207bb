import type { Kysely } from 'kysely';

// Frozen once landed. A product user's account is the one named by their latest event (by
// the event's own time) that named one, whatever order events arrive or are rolled up in:
// account_at is that event's time. Users stored before it have none, and the next event
// naming an account sets it.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('product_users').addColumn('account_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('product_users').dropColumn('account_at').execute();
}
