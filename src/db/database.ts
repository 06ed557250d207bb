import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import {
  CompiledQuery,
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type Transaction,
} from 'kysely';
import type { Config } from '../core/config.js';
import { migrations } from './migrations/index.js';
import { FastSqliteConnection } from './sqlite-connection.js';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the database or an open transaction: store functions accept both. */
export type Executor = Kysely<Database>;

export interface DbHandle {
  db: Db;
  dialect: Dialect;
  /** SQLite only: the database file and the connection behind Kysely. */
  file?: string;
  native?: SQLite.Database;
  destroy(): Promise<void>;
}

// int8 (COUNT, SUM, bigint money) arrives from pg as text; money stays well inside 2^53.
pg.types.setTypeParser(20, (v) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new RangeError(`integer out of safe range: ${v}`);
  return n;
});
// numeric (e.g. SUM of bigint) likewise.
pg.types.setTypeParser(1700, (v) => Number(v));

/**
 * The better-sqlite3 handle behind a Kysely instance, keyed by its adapter, which a
 * transaction shares with its database. For the few hot paths that run prepared statements
 * synchronously (event intake); everything else goes through Kysely.
 */
const natives = new WeakMap<object, SQLite.Database>();

export function sqliteNative(db: Db): SQLite.Database | undefined {
  return natives.get(db.getExecutor().adapter);
}

/** Every connection to the embedded database (the server's, the intake writer thread's). */
export function configureSqlite(sqlite: SQLite.Database): void {
  sqlite.pragma('journal_mode = WAL');
  // FULL: an acknowledged write survives power loss.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // 64 MiB of page cache: the event intake's de-duplication index stays in memory.
  sqlite.pragma('cache_size = -65536');
}

/**
 * Transactions take the write lock when they begin. The server and a CLI verb (an import,
 * a backfill) may write to one database file at once; a deferred transaction that read
 * first and wrote second would then fail at once if the other committed in between, where
 * an immediate one waits its turn (busy_timeout).
 */
class ImmediateSqliteDriver extends SqliteDriver {
  readonly #native: SQLite.Database;
  #connection: FastSqliteConnection | undefined;

  constructor(native: SQLite.Database) {
    super({ database: native });
    this.#native = native;
  }

  /** Kysely's one connection (its lock and all), running queries through ours. */
  override async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await super.acquireConnection();
    this.#connection ??= new FastSqliteConnection(this.#native, inner);
    return this.#connection;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly native: SQLite.Database) {
    super({ database: native });
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.native);
  }
}

export function openSqlite(file: string): DbHandle {
  const sqlite = new SQLite(file);
  configureSqlite(sqlite);
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect(sqlite) });
  natives.set(db.getExecutor().adapter, sqlite);
  return { db, dialect: 'sqlite', file, native: sqlite, destroy: () => db.destroy() };
}

export function openPostgres(url: string, max = 10): DbHandle {
  const pool = new pg.Pool({ connectionString: url, max });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', destroy: () => db.destroy() };
}

/** PostgreSQL when DATABASE_URL is set, otherwise the embedded SQLite file in the data dir. */
export function openDatabase(config: Config): DbHandle {
  if (config.databaseUrl) return openPostgres(config.databaseUrl);
  mkdirSync(config.dataDir, { recursive: true });
  return openSqlite(join(config.dataDir, 'tenure.db'));
}

/**
 * `schema` pins Kysely's bookkeeping tables to one PostgreSQL schema (isolated test schemas);
 * `target` stops at that migration (tests of a migration over data in the old shape).
 */
export async function migrateToLatest(db: Db, schema?: string, target?: string): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await (target
    ? migrator.migrateTo(target)
    : migrator.migrateToLatest());
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Run `fn` in a transaction, joining the caller's one when `db` already is a transaction,
 * so a use case can be composed into a larger all-or-nothing unit (imports, the demo).
 */
export async function inTx<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db);
  return db.transaction().execute((trx) => fn(trx));
}
