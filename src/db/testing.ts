import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  migrateToLatest,
  openPostgres,
  openSqlite,
  type Dialect,
  type DbHandle,
} from './database.js';

/** Dialects the store tests run on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set. */
export function testDialects(): Dialect[] {
  return process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** Destructive helpers refuse any database whose name does not say it is for tests. */
export function assertTestDatabaseName(name: string): void {
  if (!/(^|_)test($|_)|^test|test$/i.test(name)) {
    throw new Error(
      `refusing to reset database "${name}": its name does not mark it as a test database`,
    );
  }
}

export interface TestDb extends DbHandle {
  /** Connection string (postgres) or file path (sqlite) of this isolated database. */
  location: string;
}

/**
 * A fresh, migrated, isolated database. On PostgreSQL a new schema inside the test
 * database (dropped on destroy); on SQLite a new file in a temp dir.
 */
export async function freshTestDb(
  dialect: Dialect,
  opts: { migrateTo?: string } = {},
): Promise<TestDb> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'tenure-test-'));
    const file = join(dir, 'test.db');
    const h = openSqlite(file);
    await migrateToLatest(h.db, undefined, opts.migrateTo);
    return {
      ...h,
      location: file,
      destroy: async () => {
        await h.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('TEST_DATABASE_URL is not set');
  const url = new URL(base);
  assertTestDatabaseName(url.pathname.replace(/^\//, ''));
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  url.searchParams.set('options', `-c search_path=${schema}`);
  const h = openPostgres(url.toString(), 4);
  await migrateWithRetry(h, schema, opts.migrateTo);
  return {
    ...h,
    location: url.toString(),
    destroy: async () => {
      await h.destroy();
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}

/**
 * Kysely's migrator lists tables across every schema; when another test drops its schema at
 * that moment PostgreSQL answers 3F000 (invalid_schema_name) for the vanished one. Only
 * concurrent test databases do that, so retry.
 */
async function migrateWithRetry(h: DbHandle, schema: string, target?: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await migrateToLatest(h.db, schema, target);
      return;
    } catch (err) {
      const code =
        typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
      if (code !== '3F000' || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}
