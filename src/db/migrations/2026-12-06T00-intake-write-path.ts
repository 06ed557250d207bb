import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen once landed. A cheaper write path for event intake:
// - The events' de-duplication key gains the sender's own event time: (source, client
//   time, messageId). A retry carries the same time and id, so duplicates are still caught
//   exactly, but new keys land near the end of the index instead of at random places in it.
// - product_users is indexed by account alone: last_seen_at changes with every event, and
//   keeping it in the index rewrote an index entry per user per write.
// - On PostgreSQL the rollup tables leave room on each page, so their counters are updated
//   in place (HOT) instead of adding index entries on every upsert. On SQLite they become
//   WITHOUT ROWID tables: the row lives in the primary-key tree, so an upsert touches one
//   tree instead of a key index plus the table.

/** The sender's stamp (timestamp, else originalTimestamp) as epoch ms; 0 when absent. */
function clientMs(payload: string): number {
  let v: unknown;
  try {
    v = JSON.parse(payload);
  } catch {
    return 0;
  }
  if (!v || typeof v !== 'object') return 0;
  const e = v as { timestamp?: unknown; originalTimestamp?: unknown };
  const stamp = e.timestamp ?? e.originalTimestamp;
  if (typeof stamp === 'number' && Number.isFinite(stamp)) return Math.trunc(stamp);
  if (typeof stamp !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(stamp)) return 0;
  const ms = new Date(stamp).getTime();
  return Number.isNaN(ms) ? 0 : ms;
}

/** Rebuild an SQLite table (no secondary indexes) as WITHOUT ROWID, keeping its rows. */
async function withoutRowid(db: Kysely<any>, table: string): Promise<void> {
  const { rows } = await sql<{ sql: string }>`
    select sql from sqlite_master where type = 'table' and name = ${table}`.execute(db);
  const create = rows[0]?.sql;
  if (!create) throw new Error(`migration: table ${table} not found`);
  const body = create.slice(create.indexOf('('));
  await sql`create table ${sql.table(`${table}_rebuilt`)} ${sql.raw(body)} without rowid`.execute(
    db,
  );
  await sql`insert into ${sql.table(`${table}_rebuilt`)} select * from ${sql.table(table)}`.execute(
    db,
  );
  await sql`drop table ${sql.table(table)}`.execute(db);
  await sql`alter table ${sql.table(`${table}_rebuilt`)} rename to ${sql.table(table)}`.execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  // SQLite migrations run outside a transaction (Kysely: no transactional DDL); this one
  // is all or nothing, and its writes pay for one sync instead of one each.
  if (!db.isTransaction && !(db.getExecutor().adapter instanceof PostgresAdapter))
    return db.transaction().execute((trx) => up(trx));
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .alterTable('events')
    .addColumn('client_ms', postgres ? 'bigint' : 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // Stored events get their key from their payload, in batches.
  let after = 0;
  for (;;) {
    const rows: { seq: number | string; payload: string }[] = await db
      .selectFrom('events')
      .select(['seq', 'payload'])
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(1000)
      .execute();
    if (rows.length === 0) break;
    for (const r of rows) {
      const ms = clientMs(r.payload);
      if (ms !== 0)
        await db.updateTable('events').set({ client_ms: ms }).where('seq', '=', r.seq).execute();
    }
    after = Number(rows[rows.length - 1]!.seq);
  }
  await db.schema.dropIndex('events_message_key').execute();
  await db.schema
    .createIndex('events_dedupe_key')
    .on('events')
    .columns(['source_id', 'client_ms', 'message_id'])
    .unique()
    .execute();
  await db.schema.dropIndex('product_users_account_idx').execute();
  if (!postgres) for (const t of ROLLUP_TABLES) await withoutRowid(db, t);
  await db.schema
    .createIndex('product_users_by_account_idx')
    .on('product_users')
    .column('account_id')
    .execute();
  if (postgres) {
    for (const t of ROLLUP_TABLES)
      await sql`alter table ${sql.table(t)} set (fillfactor = 80)`.execute(db);
    await sql`analyze events`.execute(db);
  }
}

const ROLLUP_TABLES = [
  'usage_daily_user',
  'usage_daily_event',
  'product_users',
  'event_catalog',
  'event_properties',
] as const;

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter)
    for (const t of ROLLUP_TABLES)
      await sql`alter table ${sql.table(t)} reset (fillfactor)`.execute(db);
  await db.schema.dropIndex('product_users_by_account_idx').execute();
  await db.schema
    .createIndex('product_users_account_idx')
    .on('product_users')
    .columns(['account_id', 'last_seen_at'])
    .execute();
  await db.schema.dropIndex('events_dedupe_key').execute();
  await db.schema
    .createIndex('events_message_key')
    .on('events')
    .columns(['source_id', 'message_id'])
    .unique()
    .execute();
  await db.schema.alterTable('events').dropColumn('client_ms').execute();
}
