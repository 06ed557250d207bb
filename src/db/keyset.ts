import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import { decodeCursor, encodeCursor, type Page } from '../core/pagination.js';
import type { Database } from './schema.js';

/** How a list is ordered: an SQL expression (never null), its direction, and its API name. */
export interface KeysetSort<O> {
  name: string;
  expr: RawBuilder<unknown>;
  desc: boolean;
  /** The row's value of `expr`, written into the cursor. */
  value(row: O): string | number;
}

/**
 * One page of a list in a stable order: (sort value, id) is unique, so continuing after the
 * last row of a page never skips or repeats a row, whatever is inserted meanwhile.
 */
export async function keysetPage<TB extends keyof Database, O extends { id: string }>(
  query: SelectQueryBuilder<Database, TB, O>,
  sort: KeysetSort<O>,
  limit: number,
  cursor?: string,
): Promise<Page<O>> {
  let q = query;
  const op = sql.raw(sort.desc ? '<' : '>');
  if (cursor) {
    const c = decodeCursor(cursor, sort.name);
    q = q.where(
      sql<boolean>`(${sort.expr} ${op} ${c.v} or (${sort.expr} = ${c.v} and ${sql.ref('id')} ${op} ${c.id}))`,
    );
  }
  const dir = sort.desc ? 'desc' : 'asc';
  const rows = await q
    .orderBy(sort.expr, dir)
    .orderBy(sql.ref('id'), dir)
    .limit(limit + 1)
    .execute();
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor:
      rows.length > limit && last
        ? encodeCursor({ v: sort.value(last), id: last.id, s: sort.name })
        : null,
  };
}

/**
 * Order by a column; text sorts by code point on both databases (PostgreSQL's locale
 * collation would differ from SQLite), and `missing` stands in for nulls.
 */
export function columnOrder(
  column: string,
  dialect: 'sqlite' | 'postgres',
  opts: { text?: boolean; missing?: string | number } = {},
): RawBuilder<unknown> {
  const ref =
    opts.missing === undefined
      ? sql`${sql.ref(column)}`
      : sql`coalesce(${sql.ref(column)}, ${opts.missing})`;
  return opts.text && dialect === 'postgres' ? sql`${ref} collate "C"` : ref;
}

/** Stands in for a missing date or instant so it sorts after every real one. */
const LAST = '9999-12-31T99';

/**
 * A list's sort from its API name ("name", "-mrr"): `columns` maps sort keys to columns,
 * `text` keys sort by code point, `nullable` keys put missing values last either way.
 */
export function sortBy<O>(
  sort: string,
  columns: Readonly<Record<string, string>>,
  dialect: 'sqlite' | 'postgres',
  opts: { text?: readonly string[]; nullable?: readonly string[] } = {},
): KeysetSort<O> {
  const desc = sort.startsWith('-');
  const key = desc ? sort.slice(1) : sort;
  const column = columns[key];
  if (!column) throw new Error(`unknown sort ${sort}`);
  const missing = opts.nullable?.includes(key) ? (desc ? '' : LAST) : undefined;
  return {
    name: sort,
    desc,
    expr: columnOrder(column, dialect, { text: opts.text?.includes(key), missing }),
    value: (row) => (row as Record<string, string | number | null>)[column] ?? missing ?? '',
  };
}
