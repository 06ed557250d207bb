import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen once landed. Outbound messages (J6): the outbox and where messages go.

export async function up(db: Kysely<any>): Promise<void> {
  if (!db.isTransaction && !(db.getExecutor().adapter instanceof PostgresAdapter))
    return db.transaction().execute((trx) => up(trx));
  await db.schema
    .createTable('outbound_endpoints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // slack (an incoming-webhook URL) or webhook (any URL; signed with the secret)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('secret', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('archived_at', 'text')
    .execute();
  await db.schema
    .createTable('outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // email, slack or webhook
    .addColumn('channel', 'text', (c) => c.notNull())
    // pending → sending → sent | failed; back to pending for a retry
    .addColumn('status', 'text', (c) => c.notNull())
    // An email address, or the endpoint id of a Slack or webhook message.
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('endpoint_id', 'text', (c) => c.references('outbound_endpoints.id'))
    .addColumn('subject', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.references('accounts.id'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_ref', 'text')
    // The caller's de-duplication key: at most one message per cause.
    .addColumn('dedupe_key', 'text', (c) => c.unique())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'text')
    .addColumn('last_error', 'text')
    // What the provider answered last (SMTP reply, HTTP status): the delivery log.
    .addColumn('response', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();
  await db.schema
    .createIndex('outbox_due_idx')
    .on('outbox')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('outbox_account_idx')
    .on('outbox')
    .columns(['account_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('outbox').execute();
  await db.schema.dropTable('outbound_endpoints').execute();
}
