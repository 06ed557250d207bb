import { CompiledQuery } from 'kysely';
import type { Dialect, Executor } from '../db/database.js';
import type { Database } from '../db/schema.js';

export type BulkTable =
  | 'usage_daily_user'
  | 'usage_daily_event'
  | 'usage_daily_user_event'
  | 'product_users'
  | 'tickets'
  | 'survey_responses';

type SqlType = 'text' | 'bigint' | 'integer';
type Columns = { [K in BulkTable]: { readonly [C in keyof Database[K]]: SqlType } };

const text = 'text';
const bigint = 'bigint';
const integer = 'integer';

/** Tables the demo fills in bulk: each column (every one, or this fails to compile) and its type. */
export const BULK_COLUMNS: Columns = {
  usage_daily_user: {
    account_id: text,
    day: text,
    user_key: text,
    events: bigint,
    session_seconds: bigint,
    first_at: text,
    last_at: text,
  },
  usage_daily_event: { account_id: text, day: text, event: text, events: bigint, users: bigint },
  usage_daily_user_event: { account_id: text, day: text, event: text, user_key: text },
  product_users: {
    user_key: text,
    user_id: text,
    account_id: text,
    account_at: text,
    email: text,
    name: text,
    traits: text,
    first_seen_at: text,
    last_seen_at: text,
    events: bigint,
  },
  tickets: {
    id: text,
    account_id: text,
    external_id: text,
    subject: text,
    priority: text,
    status: text,
    opened_at: text,
    first_response_at: text,
    resolved_at: text,
    csat: integer,
    escalated: integer,
    contact_id: text,
    created_at: text,
    updated_at: text,
  },
  survey_responses: {
    id: text,
    account_id: text,
    contact_id: text,
    external_id: text,
    kind: text,
    score: integer,
    comment: text,
    responded_at: text,
    created_at: text,
  },
};

/** SQLite binds at most 32,766 parameters per statement; 1,000 rows of ≤ 14 columns fit. */
const SQLITE_ROWS = 1000;
/** PostgreSQL gets one array per column, so a statement can carry more rows. */
const POSTGRES_ROWS = 5000;

/**
 * Multi-row inserts with bound parameters. SQLite gets `values (?, …), (?, …)` with the
 * statement text built once per table; PostgreSQL gets `select * from unnest($1::text[],
 * …)`, which it plans once instead of parsing thousands of parameters. Building Kysely's
 * query tree for millions of generated rows cost about as much as inserting them.
 */
export class BulkInserter {
  private readonly texts = new Map<string, string>();

  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
  ) {}

  private columns<K extends BulkTable>(table: K): (keyof Database[K] & string)[] {
    return Object.keys(BULK_COLUMNS[table]) as (keyof Database[K] & string)[];
  }

  private sqliteText(table: BulkTable, rows: number): string {
    const key = `${table}:${rows}`;
    const known = this.texts.get(key);
    if (known) return known;
    const cols = this.columns(table);
    const tuple = `(${cols.map(() => '?').join(', ')})`;
    const sql = `insert into ${table} (${cols.join(', ')}) values ${Array(rows).fill(tuple).join(', ')}`;
    // Only full statements are worth keeping; the last of each flush has its own size.
    if (rows === SQLITE_ROWS) this.texts.set(key, sql);
    return sql;
  }

  private postgresText(table: BulkTable): string {
    const known = this.texts.get(table);
    if (known) return known;
    const types: Record<string, SqlType> = BULK_COLUMNS[table];
    const cols = Object.keys(types);
    const arrays = cols.map((c, i) => `$${i + 1}::${types[c]}[]`);
    const sql = `insert into ${table} (${cols.join(', ')}) select * from unnest(${arrays.join(', ')})`;
    this.texts.set(table, sql);
    return sql;
  }

  async insert<K extends BulkTable>(table: K, rows: readonly Database[K][]): Promise<void> {
    const cols = this.columns(table);
    const postgres = this.dialect === 'postgres';
    const size = postgres ? POSTGRES_ROWS : SQLITE_ROWS;
    for (let i = 0; i < rows.length; i += size) {
      const chunk = rows.slice(i, i + size);
      if (postgres) {
        const arrays = cols.map((c) => chunk.map((r) => r[c]));
        await this.db.executeQuery(CompiledQuery.raw(this.postgresText(table), arrays));
      } else {
        const params: unknown[] = [];
        for (const r of chunk) for (const c of cols) params.push(r[c]);
        await this.db.executeQuery(CompiledQuery.raw(this.sqliteText(table, chunk.length), params));
      }
    }
  }
}
