import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type DbHandle } from './database.js';

describe('SQLite transactions with a second process on the same file', () => {
  let dir: string;
  let h: DbHandle;
  let other: SQLite.Database;
  afterEach(async () => {
    other.close();
    await h.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('take the write lock at begin, so a read-then-write transaction cannot lose a race', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tenure-tx-'));
    const file = join(dir, 'test.db');
    h = openSqlite(file);
    h.native!.exec('create table t (id integer primary key, n integer)');
    h.native!.exec('insert into t (n) values (1)');
    other = new SQLite(file);
    other.pragma('busy_timeout = 0');
    const total = await h.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ n: number }>`select sum(n) as n from t`.execute(trx);
      // Another connection (a CLI verb) tries to write meanwhile: it has to wait its turn
      // instead of committing under this transaction's read.
      expect(() => other.exec('insert into t (n) values (10)')).toThrow(
        expect.objectContaining({ code: 'SQLITE_BUSY' }),
      );
      await sql`insert into t (n) values (${rows[0]!.n + 1})`.execute(trx);
      return rows[0]!.n;
    });
    expect(total).toBe(1);
    other.exec('insert into t (n) values (10)');
    expect(h.native!.prepare('select group_concat(n) as s from t').get()).toEqual({ s: '1,2,10' });
  });
});
