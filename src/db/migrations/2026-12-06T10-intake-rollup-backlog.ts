import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen once landed. When the intake is saturated it acknowledges events once they are
// stored and rolls them up a moment later, many requests at once. Each deferred group
// leaves a row here naming its events (in the same transaction as the events), and the
// transaction that rolls them up deletes it: after a crash the rows say exactly which
// stored events still need rolling up, and a row can be applied only once.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('intake_rollup_backlog')
    .addColumn('id', postgres ? 'bigserial' : 'integer', (c) => c.primaryKey())
    // The events' seq numbers as ranges, "1-500,733-900".
    .addColumn('seqs', 'text', (c) => c.notNull())
    .addColumn('events', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('intake_rollup_backlog').execute();
}
