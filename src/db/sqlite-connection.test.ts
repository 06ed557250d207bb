import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite, type DbHandle } from './database.js';

/**
 * The SQLite connection reads rows as arrays and shapes them itself, and keeps prepared
 * statements: its answers must be better-sqlite3's own, whatever the query or the schema
 * did since.
 */
describe('SQLite connection', () => {
  let dir: string;
  let h: DbHandle;
  let plain: SQLite.Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tenure-conn-'));
    h = openSqlite(join(dir, 'test.db'));
    h.native!.exec(`create table t (id integer primary key, name text, amount bigint, ratio real,
      data blob, note text)`);
    h.native!.exec(`insert into t (name, amount, ratio, data, note) values
      ('a', 9007199254740991, 0.1, x'00ff', null), ('b', -5, null, null, 'n'), ('c', 0, 2.5, null, '')`);
    plain = new SQLite(join(dir, 'test.db'), { readonly: true });
  });
  afterEach(async () => {
    plain.close();
    await h.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const both = async (text: string, ...params: unknown[]) => {
    const ours = (await sql.raw(text).execute(h.db)).rows;
    const theirs = plain.prepare(text).all(...params);
    return { ours, theirs };
  };

  it('answers with better-sqlite3’s rows: values, nulls, blobs, repeated and odd names', async () => {
    for (const text of [
      'select * from t order by id',
      'select name, name as "name", id * 2 as "double id", 1 as "1", \'x\' as "quo""te" from t',
      'select count(*) as n, sum(amount) as s from t',
      'select * from t where 0',
    ]) {
      const { ours, theirs } = await both(text);
      expect(ours, text).toEqual(theirs);
      for (const [i, row] of ours.entries())
        expect(Object.keys(row as object), text).toEqual(Object.keys(theirs[i] as object));
    }
  });

  it('keeps a column named __proto__ as a column, not a prototype', async () => {
    const { rows } = await sql
      .raw('select id as "__proto__", name from t where id = 1')
      .execute(h.db);
    const row = rows[0] as object;
    expect(Object.keys(row)).toEqual(['__proto__', 'name']);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
  });

  it('runs a statement again with other parameters, and writes as before', async () => {
    const byId = (id: number) =>
      h.db
        .selectFrom('t' as never)
        .selectAll()
        .where('id' as never, '=', id as never)
        .execute();
    expect((await byId(1))[0]).toMatchObject({ name: 'a' });
    expect((await byId(2))[0]).toMatchObject({ name: 'b' });
    const inserted = await sql`insert into t (name) values (${'d'})`.execute(h.db);
    expect(inserted.insertId).toBe(4n);
    const updated = await sql`update t set note = ${'z'} where id > ${1}`.execute(h.db);
    expect(updated.numAffectedRows).toBe(3n);
    const returned = await sql<{ id: number }>`delete from t where id = ${4} returning id`.execute(
      h.db,
    );
    expect(returned.rows).toEqual([{ id: 4 }]);
  });

  it('sees a new schema at once: added, renamed and dropped columns (here or elsewhere)', async () => {
    const all = async () => (await sql.raw('select * from t where id = 1').execute(h.db)).rows[0];
    expect(Object.keys((await all()) as object)).toEqual([
      'id',
      'name',
      'amount',
      'ratio',
      'data',
      'note',
    ]);
    await sql`alter table t add column extra text default 'e'`.execute(h.db);
    expect(await all()).toMatchObject({ extra: 'e' });
    await sql`alter table t rename column name to title`.execute(h.db);
    expect(await all()).toMatchObject({ title: 'a' });
    expect(await all()).not.toHaveProperty('name');
    // Another connection to the file (a CLI verb, a migration) changes it too.
    const other = new SQLite(join(dir, 'test.db'));
    other.exec('alter table t drop column extra');
    other.close();
    expect(await all()).not.toHaveProperty('extra');
    expect(Object.keys((await all()) as object)).toHaveLength(6);
  });

  it('leaves no read open behind it: the WAL can be checkpointed to the end after reads', async () => {
    await sql`insert into t (name) values ('w')`.execute(h.db);
    await sql.raw('select * from t').execute(h.db);
    await h.db
      .selectFrom('t' as never)
      .selectAll()
      .executeTakeFirst();
    const other = new SQLite(join(dir, 'test.db'));
    const [r] = other.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    other.close();
    expect(r!.busy).toBe(0);
  });

  it('keeps transactions whole: a rolled-back write is not read afterwards', async () => {
    await expect(
      h.db.transaction().execute(async (trx) => {
        await sql`insert into t (name) values ('in tx')`.execute(trx);
        const seen = await sql<{ n: number }>`select count(*) as n from t`.execute(trx);
        expect(seen.rows[0]!.n).toBe(4);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const after = await sql<{ n: number }>`select count(*) as n from t`.execute(h.db);
    expect(after.rows[0]!.n).toBe(3);
  });
});
