import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen once landed. Tasks (D2) and their comments.

export async function up(db: Kysely<any>): Promise<void> {
  if (!db.isTransaction && !(db.getExecutor().adapter instanceof PostgresAdapter))
    return db.transaction().execute((trx) => up(trx));
  await db.schema
    .createTable('tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.references('accounts.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('assignee_id', 'text', (c) => c.references('users.id'))
    // A calendar day (YYYY-MM-DD), or none.
    .addColumn('due_on', 'text')
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    // manual, playbook, rule or alert; source_ref names the play, rule or alert.
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_ref', 'text')
    .addColumn('playbook_run_id', 'text')
    .addColumn('step_index', 'integer')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'text')
    .addColumn('completed_by', 'text')
    .execute();
  await db.schema
    .createIndex('tasks_assignee_idx')
    .on('tasks')
    .columns(['assignee_id', 'status', 'due_on'])
    .execute();
  await db.schema
    .createIndex('tasks_account_idx')
    .on('tasks')
    .columns(['account_id', 'status'])
    .execute();
  await db.schema.createIndex('tasks_run_idx').on('tasks').column('playbook_run_id').execute();
  await db.schema
    .createTable('task_comments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id'))
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('task_comments_task_idx')
    .on('task_comments')
    .columns(['task_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('task_comments').execute();
  await db.schema.dropTable('tasks').execute();
}
