import { closeSync, fdatasync, mkdirSync, open } from 'node:fs';
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
  return {
    db,
    dialect: 'sqlite',
    file,
    native: sqlite,
    destroy: async () => {
      walSyncs.get(sqlite)?.close();
      await db.destroy();
    },
  };
}

/**
 * fdatasync of an SQLite database's WAL file, off the event loop, shared by every commit
 * that waits for one: a call made while a sync runs waits for the next, which starts once
 * that one ends, since the running one may have begun before the caller's commit.
 */
class WalSync {
  private fd: number | null = null;
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  constructor(private readonly path: string) {}

  sync(): Promise<void> {
    if (this.next) return this.next;
    if (!this.running) return this.start();
    this.next = this.running.then(() => {
      this.next = null;
      return this.start();
    });
    return this.next;
  }

  private start(): Promise<void> {
    const run = new Promise<void>((resolve, reject) => {
      const flush = (fd: number) => fdatasync(fd, (err) => (err ? reject(err) : resolve()));
      if (this.fd !== null) return flush(this.fd);
      open(this.path, 'r', (err, fd) => {
        if (err) return reject(err);
        this.fd = fd;
        flush(fd);
      });
    });
    // Waiters on the next sync go on whether this one failed or not; its callers see why.
    const tracked: Promise<void> = run
      .catch(() => undefined)
      .finally(() => {
        if (this.running === tracked) this.running = null;
      });
    this.running = tracked;
    return run;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

const walSyncs = new WeakMap<SQLite.Database, WalSync>();

/**
 * A transaction for group commit (the event intake): on SQLite its commit writes the WAL
 * without waiting for the disk, and the promise resolves once an fdatasync of the WAL —
 * run on libuv's thread pool, shared with other commits — has put it there. The commit is
 * then exactly as durable as with synchronous=FULL when the promise resolves, but the
 * event loop parses the next requests meanwhile. Checkpoints stay safe: with NORMAL, SQLite
 * syncs the WAL before copying it and the database after. On PostgreSQL, or inside a
 * caller's transaction, it is `inTx`.
 */
export async function inTxSyncedOffLoop<T>(
  db: Db,
  fn: (trx: Db) => Promise<T>,
  /**
   * false: resolve at commit, without waiting for the disk — for work nobody is answered
   * about, whose loss in a crash its own bookkeeping repairs (the WAL is sequential, so the
   * next synced commit, or a checkpoint, makes it durable with everything before it).
   */
  opts: { awaitSync?: boolean } = {},
): Promise<T> {
  const native = sqliteNative(db);
  if (!native || db.isTransaction || native.memory) return inTx(db, fn);
  const result = await db.connection().execute(async (conn) => {
    native.pragma('synchronous = NORMAL');
    try {
      return await conn.transaction().execute((trx) => fn(trx));
    } finally {
      native.pragma('synchronous = FULL');
    }
  });
  if (opts.awaitSync === false) return result;
  let wal = walSyncs.get(native);
  if (!wal) {
    wal = new WalSync(`${native.name}-wal`);
    walSyncs.set(native, wal);
  }
  await wal.sync();
  return result;
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
