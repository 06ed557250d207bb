import type SQLite from 'better-sqlite3';
import type { CompiledQuery, DatabaseConnection, QueryResult } from 'kysely';

/**
 * The connection Kysely runs SQLite queries on, in place of its own: the same statements
 * with the same results, read faster.
 *
 * - Rows are read as arrays and made into objects by a function built once per statement
 *   from its column names (`{ "id": r[0], "name": r[1], … }`). Objects of one literal shape
 *   cost a fraction of the ones better-sqlite3 builds key by key, which were most of the
 *   read time of a wide listing (a third of the renewal pipeline's).
 * - Statements are prepared once and kept (the `STATEMENTS` most recently used), so a query
 *   run again skips SQLite's parser and planner.
 * - A statement's column names are only trusted for the schema they were read on: when the
 *   schema version moves (a migration, in this process or another), every kept statement
 *   goes, and a read the change slipped under is shaped by its own statement's columns.
 *
 * Streaming (`iterate`) is left to Kysely's own connection.
 */

const STATEMENTS = 500;

type Shape = (row: unknown[]) => unknown;

interface Kept {
  stmt: SQLite.Statement<unknown[]>;
  /** How a reading statement's array rows become objects; made at its first run. */
  shape: Shape | null;
}

/**
 * `{ "a": r[0], "b": r[1] }` for columns a and b. A repeated name keeps its last column, as
 * better-sqlite3 does; `__proto__` is written as a computed key, so it stays a column.
 */
export function shapeOf(names: readonly string[]): Shape {
  const fields = names.map((n, i) =>
    n === '__proto__' ? `[${JSON.stringify(n)}]: r[${i}]` : `${JSON.stringify(n)}: r[${i}]`,
  );
  return new Function('r', `return { ${fields.join(', ')} };`) as Shape;
}

const shapeOfStatement = (stmt: SQLite.Statement<unknown[]>) =>
  shapeOf(stmt.columns().map((c) => c.name));

export class FastSqliteConnection implements DatabaseConnection {
  readonly #db: SQLite.Database;
  readonly #inner: DatabaseConnection;
  readonly #kept = new Map<string, Kept>();
  readonly #schemaVersion: SQLite.Statement<[], number>;
  #schema = -1;

  constructor(db: SQLite.Database, inner: DatabaseConnection) {
    this.#db = db;
    this.#inner = inner;
    this.#schemaVersion = db.prepare<[], number>('pragma schema_version').pluck();
  }

  /** The schema version now; a new one forgets every kept statement. */
  #checkSchema(): number {
    const version = this.#schemaVersion.get()!;
    if (version !== this.#schema) {
      this.#kept.clear();
      this.#schema = version;
    }
    return version;
  }

  #statement(sql: string): Kept {
    let kept = this.#kept.get(sql);
    if (kept) {
      // Most recently used last: the first key is the one to drop when full.
      this.#kept.delete(sql);
    } else {
      const stmt = this.#db.prepare<unknown[]>(sql);
      if (stmt.reader) stmt.raw(true);
      kept = { stmt, shape: null };
      if (this.#kept.size >= STATEMENTS) this.#kept.delete(this.#kept.keys().next().value!);
    }
    this.#kept.set(sql, kept);
    return kept;
  }

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const version = this.#checkSchema();
    const kept = this.#statement(compiled.sql);
    const { stmt } = kept;
    const parameters = compiled.parameters as unknown[];
    if (stmt.reader) {
      const rows = stmt.all(parameters) as unknown[][];
      // Its columns as it ran: named after the run, which re-prepares it on a new schema.
      let shape = kept.shape;
      if (this.#checkSchema() !== version) shape = shapeOfStatement(stmt);
      else shape ??= kept.shape = shapeOfStatement(stmt);
      return Promise.resolve({ rows: rows.map(shape) as R[] });
    }
    const { changes, lastInsertRowid } = stmt.run(parameters);
    return Promise.resolve({
      numAffectedRows: changes !== undefined && changes !== null ? BigInt(changes) : undefined,
      insertId:
        lastInsertRowid !== undefined && lastInsertRowid !== null
          ? BigInt(lastInsertRowid)
          : undefined,
      rows: [],
    });
  }

  streamQuery<R>(
    compiled: CompiledQuery,
    chunkSize?: number,
  ): AsyncIterableIterator<QueryResult<R>> {
    return this.#inner.streamQuery<R>(compiled, chunkSize);
  }
}
