import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen once landed. Health (C1–C5): versioned models, daily snapshots, manual measures,
// alerts (one per cause), reviews, accounts waiting to be rescored, and backtest reports.

export async function up(db: Kysely<any>): Promise<void> {
  // SQLite migrations run outside a transaction (Kysely: no transactional DDL); this one
  // is all or nothing, and its writes pay for one sync instead of one each.
  if (!db.isTransaction && !(db.getExecutor().adapter instanceof PostgresAdapter))
    return db.transaction().execute((trx) => up(trx));
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const double = postgres ? 'double precision' : 'real';

  // Editing a model adds a version; a version is never changed.
  await db.schema
    .createTable('health_models')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('archived_at', 'text')
    .execute();
  await db.schema
    .createIndex('health_models_version_key')
    .on('health_models')
    .columns(['key', 'version'])
    .unique()
    .execute();

  // One per account per day; composite in tenths of a point (0–1000) so sums are exact.
  await db.schema
    .createTable('health_snapshots')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('model_key', 'text', (c) => c.notNull())
    .addColumn('model_version', 'integer', (c) => c.notNull())
    .addColumn('composite_tenths', 'integer')
    .addColumn('tier', 'text')
    .addColumn('coverage', double, (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('computed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('health_snapshots_pk', ['account_id', 'day'])
    .execute();
  await db.schema
    .createIndex('health_snapshots_day_idx')
    .on('health_snapshots')
    .columns(['day', 'tier'])
    .execute();

  await db.schema
    .createTable('health_manual_measures')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('measure', 'text', (c) => c.notNull())
    .addColumn('value', double, (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    // The last day the value counts; after it the measure is missing.
    .addColumn('stale_after', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('health_manual_measures_account_idx')
    .on('health_manual_measures')
    .columns(['account_id', 'measure', 'recorded_at'])
    .execute();

  await db.schema
    .createTable('health_alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    // What makes two evaluations the same alert (e.g. the day a tier changed).
    .addColumn('cause_key', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('snoozed_until', 'text')
    .addColumn('resolved_at', 'text')
    .addColumn('updated_by', 'text')
    .execute();
  await db.schema
    .createIndex('health_alerts_cause_key')
    .on('health_alerts')
    .columns(['account_id', 'kind', 'cause_key'])
    .unique()
    .execute();
  await db.schema
    .createIndex('health_alerts_status_idx')
    .on('health_alerts')
    .columns(['status', 'created_at'])
    .execute();

  await db.schema
    .createTable('health_reviews')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('reviewer_id', 'text', (c) => c.notNull())
    .addColumn('reviewed_at', 'text', (c) => c.notNull())
    .addColumn('tier', 'text')
    .addColumn('sentiment', 'integer')
    .addColumn('executive_engagement', 'integer')
    .addColumn('notes', 'text')
    .execute();
  await db.schema
    .createIndex('health_reviews_account_idx')
    .on('health_reviews')
    .columns(['account_id', 'reviewed_at'])
    .execute();

  // Accounts whose inputs changed since they were last scored.
  await db.schema
    .createTable('health_dirty')
    .addColumn('account_id', 'text', (c) => c.primaryKey())
    .addColumn('marked_at', 'text', (c) => c.notNull())
    .execute();

  // The last touch (note, call, meeting, email) per account, for the relationship measures.
  await db.schema
    .createIndex('timeline_entries_kind_idx')
    .on('timeline_entries')
    .columns(['account_id', 'kind', 'occurred_at'])
    .execute();

  await db.schema
    .createTable('health_backtests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('report', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('timeline_entries_kind_idx').execute();
  for (const t of [
    'health_backtests',
    'health_dirty',
    'health_reviews',
    'health_alerts',
    'health_manual_measures',
    'health_snapshots',
    'health_models',
  ])
    await db.schema.dropTable(t).execute();
}
