import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen once landed. Playbooks (D3): templates of steps, and their runs on accounts.

export async function up(db: Kysely<any>): Promise<void> {
  if (!db.isTransaction && !(db.getExecutor().adapter instanceof PostgresAdapter))
    return db.transaction().execute((trx) => up(trx));
  await db.schema
    .createTable('playbooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    // The steps as JSON, checked by the API before they are stored.
    .addColumn('steps', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('built_in', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('archived_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('playbook_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('playbook_id', 'text', (c) => c.notNull().references('playbooks.id'))
    .addColumn('playbook_key', 'text', (c) => c.notNull())
    .addColumn('playbook_name', 'text', (c) => c.notNull())
    .addColumn('playbook_version', 'integer', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    // running → completed (every task closed) | cancelled
    .addColumn('status', 'text', (c) => c.notNull())
    // manual or rule; source_ref names the rule firing.
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_ref', 'text')
    .addColumn('started_by', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  // One running play of a playbook per account: a second start is refused, not doubled.
  await sql`create unique index playbook_runs_running_uq on playbook_runs (playbook_key, account_id) where status = 'running'`.execute(
    db,
  );
  await db.schema
    .createIndex('playbook_runs_account_idx')
    .on('playbook_runs')
    .columns(['account_id', 'started_at'])
    .execute();
  await db.schema
    .createIndex('playbook_runs_status_idx')
    .on('playbook_runs')
    .columns(['status', 'started_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('playbook_runs').execute();
  await db.schema.dropTable('playbooks').execute();
}
