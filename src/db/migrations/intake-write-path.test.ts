import { afterEach, describe, expect, it } from 'vitest';
import { freshTestDb, testDialects, type TestDb } from '../testing.js';
import { migrateToLatest } from '../database.js';

const SCHEMA = (db: TestDb): string | undefined =>
  db.dialect === 'postgres'
    ? (new URL(db.location).searchParams.get('options') ?? '').replace('-c search_path=', '')
    : undefined;

for (const dialect of testDialects()) {
  describe(`migration 2026-12-06T00-intake-write-path on ${dialect}`, () => {
    let db: TestDb;
    afterEach(async () => db.destroy());

    it("gives stored events their sender's time as de-duplication key, so their retries stay duplicates", async () => {
      db = await freshTestDb(dialect, { migrateTo: '2026-11-23T03-usage' });
      const row = (messageId: string, payload: Record<string, unknown>) => ({
        source_id: 'key_1',
        message_id: messageId,
        type: 'track',
        event: 'Login',
        user_key: 'u1',
        account_id: null,
        ts: '2026-05-04T12:00:00.000Z',
        received_at: '2026-05-04T12:00:01.000Z',
        payload: JSON.stringify({ messageId, ...payload }),
      });
      await db.db
        .insertInto('events')
        .values([
          row('a', { timestamp: '2026-05-04T12:00:00.000Z' }),
          row('b', { originalTimestamp: '2026-05-04T11:00:00.000+01:00' }),
          row('c', { timestamp: 1_780_000_000_000 }),
          row('d', {}),
        ])
        .execute();
      await migrateToLatest(db.db, SCHEMA(db));
      const got = await db.db
        .selectFrom('events')
        .select(['message_id', 'client_ms'])
        .orderBy('message_id')
        .execute();
      expect(got.map((r) => [r.message_id, Number(r.client_ms)])).toEqual([
        ['a', Date.parse('2026-05-04T12:00:00.000Z')],
        ['b', Date.parse('2026-05-04T10:00:00.000Z')],
        ['c', 1_780_000_000_000],
        ['d', 0],
      ]);
      // The new unique key holds: the same (source, time, id) cannot be stored twice.
      const again = db.db
        .insertInto('events')
        .values({ ...row('a', {}), client_ms: Date.parse('2026-05-04T12:00:00.000Z') })
        .execute();
      await expect(again).rejects.toThrow();
    });
  });
}
