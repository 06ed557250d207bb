import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen once landed. The job queue: one-off jobs and the runs of recurring ones, claimed
// by whichever server process or worker gets there first.

export async function up(db: Kysely<any>): Promise<void> {
  if (!db.isTransaction && !(db.getExecutor().adapter instanceof PostgresAdapter))
    return db.transaction().execute((trx) => up(trx));
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    // A recurring slot (job@slot) or a caller's de-duplication key: at most one job each.
    .addColumn('key', 'text', (c) => c.unique())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('run_at', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'text')
    .addColumn('worker', 'text')
    .addColumn('last_error', 'text')
    .addColumn('result', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .execute();
  // The claim: due queued jobs, and running ones whose lease ran out, oldest first.
  await db.schema.createIndex('jobs_due_idx').on('jobs').columns(['status', 'run_at']).execute();
  await db.schema
    .createIndex('jobs_history_idx')
    .on('jobs')
    .columns(['kind', 'created_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('jobs').execute();
}
