import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen once landed. Rules (D4): versioned definitions, and one firing per rule, account
// and cause — the unique key is what makes "never twice for the same cause" hold.

export async function up(db: Kysely<any>): Promise<void> {
  if (!db.isTransaction && !(db.getExecutor().adapter instanceof PostgresAdapter))
    return db.transaction().execute((trx) => up(trx));
  await db.schema
    .createTable('rules')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(0))
    // Causes before this moment never fire the rule: switching it on does not replay history.
    .addColumn('active_since', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('rule_versions')
    .addColumn('key', 'text', (c) => c.notNull().references('rules.key'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('rule_versions_pk', ['key', 'version'])
    .execute();
  await db.schema
    .createTable('rule_firings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('rule_key', 'text', (c) => c.notNull().references('rules.key'))
    .addColumn('rule_version', 'integer', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('cause_key', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    // What each action did (JSON): tasks made, run started, messages queued, skipped and why.
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('fired_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('rule_firings_cause_key', ['rule_key', 'account_id', 'cause_key'])
    .execute();
  await db.schema
    .createIndex('rule_firings_log_idx')
    .on('rule_firings')
    .columns(['rule_key', 'fired_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rule_firings').execute();
  await db.schema.dropTable('rule_versions').execute();
  await db.schema.dropTable('rules').execute();
}
