import { CompiledQuery, sql } from 'kysely';
import type { Dialect, Executor } from '../../db/database.js';
import type {
  AccountRow,
  ContactRow,
  Database,
  ImportRow,
  SubscriptionRow,
} from '../../db/schema.js';

/** The importer's SQL: the imports table, batched lookups, and multi-row writes. */

type Table = keyof Database;
type Row<T extends Table> = Database[T];

// SQLite allows 32,766 bound parameters per statement; stay well under it.
const MAX_PARAMS = 30_000;
const sqlCache = new Map<string, string>();

function cached(key: string, build: () => string): string {
  let text = sqlCache.get(key);
  if (text === undefined) {
    if (sqlCache.size > 200) sqlCache.clear();
    text = build();
    sqlCache.set(key, text);
  }
  return text;
}

const quote = (c: string) => `"${c}"`;

function upsertClause(update?: readonly string[]): string {
  return update
    ? ` on conflict ("id") do update set ${update.map((c) => `${quote(c)} = excluded.${quote(c)}`).join(', ')}`
    : '';
}

/** PostgreSQL: a plain multi-row VALUES list with $n parameters. */
function valuesSql(
  table: string,
  columns: readonly string[],
  rows: number,
  update?: readonly string[],
): string {
  return cached(`pg|${table}|${columns.join(',')}|${rows}|${update?.join(',') ?? ''}`, () => {
    let p = 0;
    const tuples: string[] = [];
    for (let i = 0; i < rows; i++) tuples.push(`(${columns.map(() => `$${++p}`).join(',')})`);
    return `insert into ${quote(table)} (${columns.map(quote).join(',')}) values ${tuples.join(',')}${upsertClause(update)}`;
  });
}

/**
 * SQLite: columns with the same value in every row (timestamps, the actor, defaults) are
 * bound once in the SELECT list instead of once per row. Parsing and binding fewer
 * placeholders makes a 500-row statement about a quarter faster.
 */
function selectSql(
  table: string,
  varying: readonly string[],
  constant: readonly string[],
  rows: number,
  update?: readonly string[],
): string {
  return cached(
    `sqlite|${table}|${varying.join(',')}|${constant.join(',')}|${rows}|${update?.join(',') ?? ''}`,
    () => {
      const tuple = `(${varying.map(() => '?').join(',')})`;
      const consts = constant.map(() => ', ?').join('');
      // "where true" keeps SQLite from reading ON CONFLICT as a join constraint.
      return `insert into ${quote(table)} (${[...varying, ...constant].map(quote).join(',')}) select *${consts} from (values ${new Array<string>(rows).fill(tuple).join(',')}) where true${upsertClause(update)}`;
    },
  );
}

/**
 * Multi-row INSERT (or upsert by id when `update` names the columns to overwrite), built
 * once per shape and chunked under the parameter limit. Compiling 500-row statements with
 * the query builder would cost more than executing them.
 */
export async function bulkWrite<T extends Table>(
  db: Executor,
  dialect: Dialect,
  table: T,
  rows: readonly Row<T>[],
  update?: readonly (keyof Row<T> & string)[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!) as (keyof Row<T> & string)[];
  const per = Math.min(500, Math.max(1, Math.floor(MAX_PARAMS / columns.length)));
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    const params: unknown[] = [];
    if (dialect === 'postgres') {
      for (const r of chunk) for (const c of columns) params.push(r[c] ?? null);
      await db.executeQuery(
        CompiledQuery.raw(valuesSql(table, columns, chunk.length, update), params),
      );
      continue;
    }
    const first = chunk[0]!;
    const constant: (keyof Row<T> & string)[] = [];
    const varying: (keyof Row<T> & string)[] = [];
    for (const c of columns) {
      const v = first[c];
      let same = chunk.length > 1;
      for (let j = 1; same && j < chunk.length; j++) same = chunk[j]![c] === v;
      (same ? constant : varying).push(c);
    }
    for (const c of constant) params.push(first[c] ?? null);
    for (const r of chunk) for (const c of varying) params.push(r[c] ?? null);
    await db.executeQuery(
      CompiledQuery.raw(selectSql(table, varying, constant, chunk.length, update), params),
    );
  }
}

/** Columns an account import owns; MRR, renewal date and creation time are never overwritten. */
export const ACCOUNT_UPDATE_COLUMNS = [
  'name',
  'domain',
  'search_text',
  'crm_id',
  'billing_id',
  'segment',
  'industry',
  'region',
  'owner_id',
  'stage',
  'stage_changed_at',
  'traits',
  'currency',
  'churned_on',
  'churn_reason',
  'churn_note',
  'archived_at',
  'updated_at',
] as const satisfies readonly (keyof AccountRow)[];

export const CONTACT_UPDATE_COLUMNS = [
  'external_id',
  'name',
  'email',
  'title',
  'phone',
  'is_champion',
  'is_economic_buyer',
  'is_executive_sponsor',
  'is_technical_lead',
  'is_power_user',
  'is_detractor',
  'last_seen_at',
  'latest_nps',
  'left_on',
  'left_reason',
  'updated_at',
] as const satisfies readonly (keyof ContactRow)[];

export interface AccountKeys {
  ids: string[];
  crmIds: string[];
  billingIds: string[];
  domains: string[];
  names: string[];
}

/** Every account any key of a batch could match: one query per batch. */
export async function findAccounts(
  db: Executor,
  dialect: Dialect,
  k: AccountKeys,
  lock: boolean,
): Promise<AccountRow[]> {
  const names = k.names;
  if (
    !k.ids.length &&
    !k.crmIds.length &&
    !k.billingIds.length &&
    !k.domains.length &&
    !names.length
  )
    return [];
  let q = db
    .selectFrom('accounts')
    .selectAll()
    .where((eb) =>
      eb.or([
        ...(k.ids.length ? [eb('id', 'in', k.ids)] : []),
        ...(k.crmIds.length ? [eb('crm_id', 'in', k.crmIds)] : []),
        ...(k.billingIds.length ? [eb('billing_id', 'in', k.billingIds)] : []),
        ...(k.domains.length ? [eb('domain', 'in', k.domains)] : []),
        ...(names.length ? [eb('name', 'in', names)] : []),
      ]),
    );
  // Rows read to be rewritten are locked on PostgreSQL; SQLite has one writer anyway.
  if (lock && dialect === 'postgres') q = q.forUpdate();
  return q.execute();
}

export async function findContacts(
  db: Executor,
  dialect: Dialect,
  k: {
    ids: string[];
    externalIds: string[];
    accountEmails: { accountId: string; email: string }[];
  },
  lock: boolean,
): Promise<ContactRow[]> {
  if (!k.ids.length && !k.externalIds.length && !k.accountEmails.length) return [];
  const accounts = [...new Set(k.accountEmails.map((x) => x.accountId))];
  const emails = [...new Set(k.accountEmails.map((x) => x.email))];
  let q = db
    .selectFrom('contacts')
    .selectAll()
    .where((eb) =>
      eb.or([
        ...(k.ids.length ? [eb('id', 'in', k.ids)] : []),
        ...(k.externalIds.length ? [eb('external_id', 'in', k.externalIds)] : []),
        ...(emails.length
          ? [eb.and([eb('account_id', 'in', accounts), eb('email', 'in', emails)])]
          : []),
      ]),
    );
  if (lock && dialect === 'postgres') q = q.forUpdate();
  return q.execute();
}

export async function findSubscriptions(
  db: Executor,
  dialect: Dialect,
  k: { ids: string[]; externalIds: string[] },
  lock: boolean,
): Promise<SubscriptionRow[]> {
  if (!k.ids.length && !k.externalIds.length) return [];
  let q = db
    .selectFrom('subscriptions')
    .selectAll()
    .where((eb) =>
      eb.or([
        ...(k.ids.length ? [eb('id', 'in', k.ids)] : []),
        ...(k.externalIds.length ? [eb('external_id', 'in', k.externalIds)] : []),
      ]),
    );
  if (lock && dialect === 'postgres') q = q.forUpdate();
  return q.execute();
}

/** An account's place in the hierarchy, as the parent checks of an import need it. */
export interface ParentLink {
  id: string;
  crm_id: string | null;
  parent_id: string | null;
}

const LOOKUP_CHUNK = 1_000;

/** Accounts with any of these ids or CRM ids, a bounded number of values per query. */
export async function findParentLinks(
  db: Executor,
  ids: readonly string[],
  crmIds: readonly string[],
): Promise<ParentLink[]> {
  const out: ParentLink[] = [];
  for (const [col, values] of [
    ['id', ids],
    ['crm_id', crmIds],
  ] as const) {
    for (let i = 0; i < values.length; i += LOOKUP_CHUNK) {
      out.push(
        ...(await db
          .selectFrom('accounts')
          .select(['id', 'crm_id', 'parent_id'])
          .where(col, 'in', values.slice(i, i + LOOKUP_CHUNK))
          .execute()),
      );
    }
  }
  return out;
}

/** Set parents, a few hundred accounts per statement. */
export async function setParents(
  db: Executor,
  links: readonly { id: string; parentId: string }[],
  at: string,
): Promise<void> {
  for (let i = 0; i < links.length; i += 500) {
    const chunk = links.slice(i, i + 500);
    const cases = sql.join(
      chunk.map((l) => sql`when ${l.id} then ${l.parentId}`),
      sql` `,
    );
    await db
      .updateTable('accounts')
      .set({ parent_id: sql<string>`case ${sql.ref('id')} ${cases} end`, updated_at: at })
      .where(
        'id',
        'in',
        chunk.map((l) => l.id),
      )
      .execute();
  }
}

export async function anyAccount(db: Executor): Promise<boolean> {
  return (await db.selectFrom('accounts').select('id').limit(1).executeTakeFirst()) !== undefined;
}

export async function getAccountRow(db: Executor, id: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateSubscriptionRow(db: Executor, row: SubscriptionRow): Promise<void> {
  const { id, ...rest } = row;
  await db.updateTable('subscriptions').set(rest).where('id', '=', id).execute();
}

export async function insertImport(db: Executor, row: ImportRow): Promise<void> {
  await db.insertInto('imports').values(row).execute();
}

export type ImportMeta = Omit<ImportRow, 'content'>;
const META = [
  'id',
  'kind',
  'status',
  'filename',
  'options',
  'report',
  'actor',
  'created_at',
  'applied_at',
] as const;

export async function getImportMeta(db: Executor, id: string): Promise<ImportMeta | undefined> {
  return db.selectFrom('imports').select(META).where('id', '=', id).executeTakeFirst();
}

/** The import with its content, locked for the rest of the transaction on PostgreSQL. */
export async function getImportForApply(
  db: Executor,
  dialect: Dialect,
  id: string,
): Promise<ImportRow | undefined> {
  let q = db.selectFrom('imports').selectAll().where('id', '=', id);
  if (dialect === 'postgres') q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function updateImport(
  db: Executor,
  id: string,
  patch: Partial<Pick<ImportRow, 'status' | 'options' | 'report' | 'applied_at'>>,
): Promise<void> {
  await db.updateTable('imports').set(patch).where('id', '=', id).execute();
}

export async function listImports(db: Executor, limit: number): Promise<ImportMeta[]> {
  return db
    .selectFrom('imports')
    .select(META)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
