import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import type { Database } from '../../db/schema.js';
import { makeCtx } from '../../core/context.js';
import { testCtx } from '../../testing/ctx.js';
import { createAccount } from '../../accounts/account/service.js';
import { putUsageSettings } from '../../usage/settings.js';
import { measuresAt, measuresAtMany } from './service.js';
import {
  addContact,
  addEventDay,
  addNps,
  addSubscription,
  addTicket,
  addUserDays,
} from './testing.js';

const AS_OF = '2026-06-30';
const ACCOUNTS = 2500;

/** A second connection to the test database that counts the statements it runs. */
function countingDb(db: TestDb): { kdb: Kysely<Database>; count: () => number; reset: () => void } {
  let n = 0;
  const log = () => void n++;
  const kdb =
    db.dialect === 'sqlite'
      ? new Kysely<Database>({
          dialect: new SqliteDialect({ database: new SQLite(db.location) }),
          log,
        })
      : new Kysely<Database>({
          dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: db.location }) }),
          log,
        });
  return { kdb, count: () => n, reset: () => void (n = 0) };
}

for (const dialect of testDialects()) {
  describe(`health measures at scale on ${dialect}`, () => {
    let db: TestDb;
    let ids: string[];
    let counting: ReturnType<typeof countingDb>;

    beforeAll(async () => {
      db = await freshTestDb(dialect);
      const ctx = testCtx(db, '2026-07-10T12:00:00.000Z');
      await putUsageSettings(ctx, { features: { A: 'a', B: 'b' } });
      const template = await createAccount(ctx, { name: 'Template' });
      const row = await db.db
        .selectFrom('accounts')
        .selectAll()
        .where('id', '=', template.id)
        .executeTakeFirstOrThrow();
      ids = [template.id];
      const rows = Array.from({ length: ACCOUNTS - 1 }, (_, i) => {
        const id = `acc_scale_${String(i).padStart(5, '0')}`;
        ids.push(id);
        return { ...row, id, name: id, search_text: id, product_id: i % 3 ? null : `p${i}` };
      });
      for (let i = 0; i < rows.length; i += 100) {
        await db.db
          .insertInto('accounts')
          .values(rows.slice(i, i + 100))
          .execute();
      }
      // A little of everything on every seventh account, so chunks differ.
      for (let i = 0; i < ids.length; i += 7) {
        const id = ids[i]!;
        await addUserDays(db.db, id, [
          ['u1', AS_OF],
          ['u2', '2026-06-10'],
          ['u1', '2026-05-20'],
        ]);
        await addEventDay(db.db, id, AS_OF, i % 2 ? 'A' : 'B');
        await addTicket(db.db, id, { opened_at: '2026-06-01T10:00:00.000Z' });
        await addNps(db.db, id, i % 11, '2026-06-01T10:00:00.000Z');
        await addContact(db.db, id, { created_at: '2026-01-01T00:00:00.000Z', is_champion: 1 });
        await addSubscription(db.db, id, {
          start_date: '2026-01-01',
          end_date: '2026-12-31',
          seats: 4,
        });
      }
      counting = countingDb(db);
    });
    afterAll(async () => {
      await counting.kdb.destroy();
      await db.destroy();
    });

    it('gives the same values through chunked IN lists, the scan, and per-point calls', async () => {
      const ctx = makeCtx(counting.kdb, dialect);
      const all = await measuresAt(ctx, AS_OF);
      expect(all.size).toBe(ACCOUNTS);
      // 601 of 2,500 is under the scan share: two chunks of IN lists.
      const some = ids.slice(0, 601);
      const chunked = await measuresAt(ctx, AS_OF, some);
      expect(chunked.size).toBe(601);
      for (const id of some) expect(chunked.get(id), id).toEqual(all.get(id));
      const many = await measuresAtMany(
        ctx,
        ids.slice(0, 50).map((accountId) => ({ accountId, asOf: AS_OF })),
      );
      for (const id of ids.slice(0, 50)) expect(many.get(`${id}|${AS_OF}`)).toEqual(all.get(id));
      expect(all.get(ids[7]!)).toMatchObject({
        'usage.stickiness': 2 / 30 / 2,
        'usage.seat_utilisation': 0.5,
        'usage.active_users_trend': 100,
        'usage.feature_breadth': 0.5,
        'support.open_tickets': 1,
        'relationship.champion': 1,
      });
    });

    it('runs a fixed number of statements however many accounts it scores', async () => {
      const ctx = makeCtx(counting.kdb, dialect);
      counting.reset();
      await measuresAt(ctx, AS_OF);
      // Feature map, accounts, and one aggregate per source table.
      expect(counting.count()).toBe(11);
      counting.reset();
      await measuresAt(ctx, AS_OF, ids.slice(0, 10));
      expect(counting.count()).toBe(11);
      counting.reset();
      await measuresAt(ctx, AS_OF, ids);
      // All ids: one count, then the same scan.
      expect(counting.count()).toBe(12);
    });
  });
}
