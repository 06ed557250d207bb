import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen once landed. Renewals and expansion (F1–F4): each account's renewal signals (worked
// out in sets by a job, read by the pipeline in one join), a CSM's bucket override per
// renewal date, recorded outcomes, reminders (the unique key is what makes "never twice for
// the same subscription, window and renewal date" hold), quotes with their history, and
// expansion opportunities.

export async function up(db: Kysely<any>): Promise<void> {
  if (!db.isTransaction && !(db.getExecutor().adapter instanceof PostgresAdapter))
    return db.transaction().execute((trx) => up(trx));
  await db.schema
    .createTable('renewal_signals')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id'))
    .addColumn('tier', 'text')
    // top, middle or lowest of the model's tiers; null without a score.
    .addColumn('tier_rank', 'text')
    .addColumn('score_tenths', 'integer')
    .addColumn('green_since', 'text')
    .addColumn('open_alerts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('worst_alert', 'text')
    .addColumn('usage_trend_pct', 'real')
    .addColumn('expansion_score', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expansion_ready', 'integer', (c) => c.notNull().defaultTo(0))
    // Signals with points and evidence, readiness criteria (JSON).
    .addColumn('expansion', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('bucket_reason', 'text', (c) => c.notNull())
    .addColumn('computed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('renewal_signals_expansion_idx')
    .on('renewal_signals')
    .columns(['expansion_score', 'account_id'])
    .execute();
  await db.schema
    .createTable('renewal_overrides')
    .addColumn('subscription_id', 'text', (c) => c.notNull().references('subscriptions.id'))
    // An override holds for one renewal date: a new term is judged afresh.
    .addColumn('renewal_date', 'text', (c) => c.notNull())
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('renewal_overrides_pk', ['subscription_id', 'renewal_date'])
    .execute();
  await db.schema
    .createTable('renewal_outcomes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subscription_id', 'text', (c) => c.notNull().references('subscriptions.id'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('renewal_date', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('arr_before_minor', 'bigint', (c) => c.notNull())
    .addColumn('arr_after_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('churn_reason', 'text')
    .addColumn('note', 'text')
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('renewal_outcomes_term_key', ['subscription_id', 'renewal_date'])
    .execute();
  await db.schema
    .createIndex('renewal_outcomes_date_idx')
    .on('renewal_outcomes')
    .columns(['renewal_date'])
    .execute();
  await db.schema
    .createTable('renewal_reminders')
    .addColumn('subscription_id', 'text', (c) => c.notNull().references('subscriptions.id'))
    .addColumn('renewal_date', 'text', (c) => c.notNull())
    .addColumn('window_days', 'integer', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    // sent, or superseded: a later window was already due when the job saw this one.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('renewal_reminders_pk', [
      'subscription_id',
      'renewal_date',
      'window_days',
    ])
    .execute();
  await db.schema
    .createTable('renewal_quotes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'integer', (c) => c.notNull().unique())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('subscription_id', 'text', (c) => c.notNull().references('subscriptions.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('plan', 'text', (c) => c.notNull())
    .addColumn('unit_minor', 'bigint', (c) => c.notNull())
    .addColumn('seats', 'integer', (c) => c.notNull())
    .addColumn('term_months', 'integer', (c) => c.notNull())
    .addColumn('uplift_bp', 'integer', (c) => c.notNull())
    .addColumn('discount_bp', 'integer', (c) => c.notNull())
    .addColumn('notes', 'text')
    .addColumn('subtotal_minor', 'bigint', (c) => c.notNull())
    .addColumn('discount_minor', 'bigint', (c) => c.notNull())
    .addColumn('total_minor', 'bigint', (c) => c.notNull())
    .addColumn('monthly_minor', 'bigint', (c) => c.notNull())
    .addColumn('term_start', 'text', (c) => c.notNull())
    .addColumn('term_end', 'text', (c) => c.notNull())
    // The subscription as quoted (JSON): signing refuses if it has changed since.
    .addColumn('based_on', 'text', (c) => c.notNull())
    .addColumn('lost_reason', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('decided_at', 'text')
    .execute();
  await db.schema
    .createIndex('renewal_quotes_account_idx')
    .on('renewal_quotes')
    .columns(['account_id', 'created_at'])
    .execute();
  await db.schema
    .createTable('renewal_quote_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('quote_id', 'text', (c) => c.notNull().references('renewal_quotes.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('renewal_quote_events_quote_idx')
    .on('renewal_quote_events')
    .columns(['quote_id', 'at'])
    .execute();
  await db.schema
    .createTable('expansion_opportunities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('subscription_id', 'text', (c) => c.references('subscriptions.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    // ARR the expansion adds, in the account's currency.
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text')
    .addColumn('signals', 'text', (c) => c.notNull())
    .addColumn('notes', 'text')
    .addColumn('lost_reason', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .execute();
  await db.schema
    .createIndex('expansion_opportunities_stage_idx')
    .on('expansion_opportunities')
    .columns(['stage', 'updated_at'])
    .execute();
  await db.schema
    .createIndex('expansion_opportunities_account_idx')
    .on('expansion_opportunities')
    .columns(['account_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'expansion_opportunities',
    'renewal_quote_events',
    'renewal_quotes',
    'renewal_reminders',
    'renewal_outcomes',
    'renewal_overrides',
    'renewal_signals',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
