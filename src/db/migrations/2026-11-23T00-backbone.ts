import type { Kysely } from 'kysely';

// Frozen once landed: later changes go in new migrations.
// Booleans are stored as integer 0/1 and JSON as text so both dialects behave the same.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('archived_at', 'text')
    .execute();

  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('domain', 'text')
    .addColumn('crm_id', 'text')
    .addColumn('billing_id', 'text')
    .addColumn('segment', 'text', (c) => c.notNull())
    .addColumn('industry', 'text')
    .addColumn('region', 'text')
    .addColumn('owner_id', 'text', (c) => c.references('users.id'))
    .addColumn('parent_id', 'text', (c) => c.references('accounts.id'))
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('stage_changed_at', 'text', (c) => c.notNull())
    .addColumn('traits', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('currency', 'text', (c) => c.notNull().defaultTo('USD'))
    .addColumn('mrr_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('renewal_date', 'text')
    .addColumn('churned_on', 'text')
    .addColumn('churn_reason', 'text')
    .addColumn('churn_note', 'text')
    .addColumn('archived_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('accounts_crm_id_key')
    .on('accounts')
    .column('crm_id')
    .unique()
    .execute();
  await db.schema
    .createIndex('accounts_billing_id_key')
    .on('accounts')
    .column('billing_id')
    .unique()
    .execute();
  await db.schema
    .createIndex('accounts_owner_idx')
    .on('accounts')
    .columns(['owner_id', 'id'])
    .execute();
  await db.schema.createIndex('accounts_parent_idx').on('accounts').column('parent_id').execute();
  await db.schema.createIndex('accounts_name_idx').on('accounts').columns(['name', 'id']).execute();
  await db.schema
    .createIndex('accounts_segment_idx')
    .on('accounts')
    .columns(['segment', 'id'])
    .execute();
  await db.schema
    .createIndex('accounts_stage_idx')
    .on('accounts')
    .columns(['stage', 'id'])
    .execute();
  await db.schema.createIndex('accounts_domain_idx').on('accounts').column('domain').execute();

  await db.schema
    .createTable('account_stage_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('from_stage', 'text')
    .addColumn('to_stage', 'text', (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .execute();
  await db.schema
    .createIndex('account_stage_history_account_idx')
    .on('account_stage_history')
    .columns(['account_id', 'changed_at'])
    .execute();

  await db.schema
    .createTable('contacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('external_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('title', 'text')
    .addColumn('phone', 'text')
    .addColumn('is_champion', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_economic_buyer', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_executive_sponsor', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_technical_lead', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_power_user', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_detractor', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_seen_at', 'text')
    .addColumn('latest_nps', 'integer')
    .addColumn('left_on', 'text')
    .addColumn('left_reason', 'text')
    .addColumn('archived_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('contacts_external_id_key')
    .on('contacts')
    .column('external_id')
    .unique()
    .execute();
  await db.schema
    .createIndex('contacts_account_email_key')
    .on('contacts')
    .columns(['account_id', 'email'])
    .unique()
    .execute();
  await db.schema
    .createIndex('contacts_account_idx')
    .on('contacts')
    .columns(['account_id', 'id'])
    .execute();

  await db.schema
    .createTable('subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('external_id', 'text')
    .addColumn('plan', 'text', (c) => c.notNull())
    .addColumn('product', 'text')
    .addColumn('seats', 'integer')
    .addColumn('mrr_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('billing_frequency', 'text', (c) => c.notNull())
    .addColumn('start_date', 'text', (c) => c.notNull())
    .addColumn('end_date', 'text')
    .addColumn('auto_renew', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('canceled_on', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('subscriptions_external_id_key')
    .on('subscriptions')
    .column('external_id')
    .unique()
    .execute();
  await db.schema
    .createIndex('subscriptions_account_idx')
    .on('subscriptions')
    .columns(['account_id', 'id'])
    .execute();
  await db.schema
    .createIndex('subscriptions_end_date_idx')
    .on('subscriptions')
    .column('end_date')
    .execute();

  await db.schema
    .createTable('revenue_movements')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('subscription_id', 'text', (c) => c.notNull().references('subscriptions.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('effective_date', 'text', (c) => c.notNull())
    .addColumn('mrr_delta_minor', 'bigint', (c) => c.notNull())
    .addColumn('account_mrr_before_minor', 'bigint', (c) => c.notNull())
    .addColumn('account_mrr_after_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('revenue_movements_account_idx')
    .on('revenue_movements')
    .columns(['account_id', 'effective_date'])
    .execute();
  await db.schema
    .createIndex('revenue_movements_date_idx')
    .on('revenue_movements')
    .columns(['effective_date', 'kind'])
    .execute();

  await db.schema
    .createTable('timeline_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text')
    .addColumn('contact_id', 'text', (c) => c.references('contacts.id'))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('timeline_account_idx')
    .on('timeline_entries')
    .columns(['account_id', 'occurred_at', 'id'])
    .execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('response_body', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pkey', ['scope', 'key'])
    .execute();

  await db.schema
    .createTable('imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('filename', 'text')
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('report', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('applied_at', 'text')
    .execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'settings',
    'imports',
    'idempotency_keys',
    'timeline_entries',
    'revenue_movements',
    'subscriptions',
    'contacts',
    'account_stage_history',
    'accounts',
    'users',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
