import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen once landed. Usage (B1–B4): raw events with exact de-duplication, daily rollups,
// product users, the event catalog, dead letters, support tickets and survey responses.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;

  // The id the product uses for an account (Segment's groupId).
  await db.schema.alterTable('accounts').addColumn('product_id', 'text').execute();
  await db.schema
    .createIndex('accounts_product_id_key')
    .on('accounts')
    .column('product_id')
    .unique()
    .execute();

  // Raw events: appended in arrival order (an integer key keeps inserts at the end of the
  // tree); de-duplicated exactly by (source, messageId).
  await db.schema
    .createTable('events')
    .addColumn('seq', postgres ? 'bigserial' : 'integer', (c) => c.primaryKey())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('event', 'text')
    .addColumn('user_key', 'text')
    .addColumn('account_id', 'text')
    .addColumn('ts', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('events_message_key')
    .on('events')
    .columns(['source_id', 'message_id'])
    .unique()
    .execute();
  await db.schema.createIndex('events_received_idx').on('events').column('received_at').execute();

  // Per account, day and user: exact distinct active users for any window come from here.
  await db.schema
    .createTable('usage_daily_user')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('user_key', 'text', (c) => c.notNull())
    .addColumn('events', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('session_seconds', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('first_at', 'text', (c) => c.notNull())
    .addColumn('last_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('usage_daily_user_pk', ['account_id', 'day', 'user_key'])
    .execute();
  await db.schema
    .createTable('usage_daily_event')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('events', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('users', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('usage_daily_event_pk', ['account_id', 'day', 'event'])
    .execute();
  // Which users did which event on a day: distinct users per feature for any window.
  await db.schema
    .createTable('usage_daily_user_event')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('user_key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('usage_daily_user_event_pk', [
      'account_id',
      'day',
      'event',
      'user_key',
    ])
    .execute();

  // People seen in the product (identify, or any event with a userId).
  await db.schema
    .createTable('product_users')
    .addColumn('user_key', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text')
    .addColumn('account_id', 'text')
    .addColumn('email', 'text')
    .addColumn('name', 'text')
    .addColumn('traits', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('first_seen_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('events', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('product_users_account_idx')
    .on('product_users')
    .columns(['account_id', 'last_seen_at'])
    .execute();

  await db.schema
    .createTable('event_catalog')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('volume', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('event_properties')
    .addColumn('event_key', 'text', (c) => c.notNull())
    .addColumn('property', 'text', (c) => c.notNull())
    .addColumn('value_type', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('volume', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('event_properties_pk', ['event_key', 'property'])
    .execute();

  await db.schema
    .createTable('dead_letters')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('batch_index', 'integer')
    .addColumn('message_id', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('replayed_at', 'text')
    .addColumn('replay_result', 'text')
    .execute();
  await db.schema
    .createIndex('dead_letters_status_idx')
    .on('dead_letters')
    .columns(['status', 'received_at'])
    .execute();

  await db.schema
    .createTable('tickets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('external_id', 'text')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('first_response_at', 'text')
    .addColumn('resolved_at', 'text')
    .addColumn('csat', 'integer')
    .addColumn('escalated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('contact_id', 'text', (c) => c.references('contacts.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('tickets_external_id_key')
    .on('tickets')
    .column('external_id')
    .unique()
    .execute();
  await db.schema
    .createIndex('tickets_account_idx')
    .on('tickets')
    .columns(['account_id', 'opened_at'])
    .execute();

  await db.schema
    .createTable('survey_responses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('contact_id', 'text', (c) => c.references('contacts.id'))
    .addColumn('external_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('responded_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('survey_responses_external_id_key')
    .on('survey_responses')
    .column('external_id')
    .unique()
    .execute();
  await db.schema
    .createIndex('survey_responses_account_idx')
    .on('survey_responses')
    .columns(['account_id', 'kind', 'responded_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'survey_responses',
    'tickets',
    'dead_letters',
    'event_properties',
    'event_catalog',
    'product_users',
    'usage_daily_user_event',
    'usage_daily_event',
    'usage_daily_user',
    'events',
  ]) {
    await db.schema.dropTable(t).execute();
  }
  await db.schema.dropIndex('accounts_product_id_key').execute();
  await db.schema.alterTable('accounts').dropColumn('product_id').execute();
}
