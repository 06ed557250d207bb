import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { inTxSyncedOffLoop, openSqlite, type DbHandle } from './database.js';

describe('transactions synced off the event loop (SQLite)', () => {
  let dir: string;
  let h: DbHandle;
  afterEach(async () => {
    await h.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resolve every caller after its commit, keep the connection at synchronous=FULL, and roll back on error', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tenure-synced-'));
    const file = join(dir, 'test.db');
    h = openSqlite(file);
    h.native!.exec('create table t (id integer primary key, n integer)');
    // Many at once, as the intake's groups come: each waits for a sync that began after
    // its own commit, and they share the syncs.
    const done = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        inTxSyncedOffLoop(h.db, async (trx) => {
          await sql`insert into t (n) values (${i})`.execute(trx);
          return i;
        }),
      ),
    );
    expect(done).toEqual(Array.from({ length: 20 }, (_, i) => i));
    // Another connection sees every acknowledged row.
    const other = new SQLite(file, { readonly: true });
    try {
      expect(other.prepare('select count(*) as n from t').get()).toEqual({ n: 20 });
    } finally {
      other.close();
    }
    expect(h.native!.pragma('synchronous', { simple: true })).toBe(2);
    await expect(
      inTxSyncedOffLoop(h.db, async (trx) => {
        await sql`insert into t (n) values (99)`.execute(trx);
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    const { rows } = await sql<{ n: number }>`select count(*) as n from t`.execute(h.db);
    expect(rows[0]!.n).toBe(20);
    expect(h.native!.pragma('synchronous', { simple: true })).toBe(2);
    // Work nobody is answered about commits without waiting for the disk, and the
    // connection is back at FULL for everything else.
    await inTxSyncedOffLoop(h.db, async (trx) => sql`insert into t (n) values (100)`.execute(trx), {
      awaitSync: false,
    });
    const after = await sql<{ n: number }>`select count(*) as n from t`.execute(h.db);
    expect(after.rows[0]!.n).toBe(21);
    expect(h.native!.pragma('synchronous', { simple: true })).toBe(2);
  });
});
