import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorOut } from '../core/schemas.js';
import { loadConfig } from '../core/config.js';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { expectSchema } from '../testing/schema.js';
import { testServer, type TestApp } from '../testing/server.js';
import { PipelineOut } from './schemas.js';
import { overrideBucket, pipeline } from './service.js';
import { refreshSignals } from './signals.js';
import { TODAY, renewalBook, setTier } from './testing.js';

for (const dialect of testDialects()) {
  describe(`renewal pipeline over HTTP on ${dialect}`, () => {
    let db: TestDb;
    let app: TestApp;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
      app = await testServer({
        handle: db,
        config: loadConfig({}),
        now: () => new Date(`${TODAY}T09:00:00.000Z`),
      });
    });
    afterEach(async () => {
      await app.close();
      await db.destroy();
    });

    // The route writes its pages without zod (server/plain-json.ts): every answer is held
    // to the documented schema here, with each kind of field filled and empty.
    it('answers pages that are exactly the documented schema, and the service’s rows', async () => {
      const { ctx, subs } = await renewalBook(db, [
        { name: 'Overdue Co', days: -3, mrrMinor: 1_000_00 },
        { name: 'Soon Co', days: 12, mrrMinor: 2_000_00, currency: 'EUR' },
        { name: 'Forty Co', days: 45, mrrMinor: 3_333_33 },
        { name: 'Unscored Co', days: 100, mrrMinor: 5_000_00 },
      ]);
      await setTier(db, subs[1]!.accountId, 'Red');
      await setTier(db, subs[2]!.accountId, 'Green');
      await refreshSignals(ctx);
      // Unscored Co has no signals row at all: its fields come out as their empty values.
      await db.db
        .deleteFrom('renewal_signals')
        .where('account_id', '=', subs[3]!.accountId)
        .execute();
      await overrideBucket(ctx, subs[2]!.subscriptionId, {
        bucket: 'expanding',
        reason: 'Adding a team "next" quarter',
      });

      const items: unknown[] = [];
      let cursor: string | null = null;
      do {
        const res = await app.inject({
          method: 'GET',
          url: `/api/v1/renewals?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        });
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        const page = expectSchema(PipelineOut, res.json());
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);

      const direct = await pipeline(ctx, { limit: 500 });
      expect(items).toEqual(JSON.parse(JSON.stringify(direct.items)));
      const [, soon, forty, unscored] = direct.items;
      expect(soon).toMatchObject({ bucket: 'at_risk', currency: 'EUR', override: null });
      expect(forty).toMatchObject({
        bucket: 'expanding',
        override: { automatic: 'on_track', reason: 'Adding a team "next" quarter' },
      });
      expect(unscored).toMatchObject({
        tier: null,
        expansionScore: 0,
        bucketReason: 'not worked out yet',
      });

      const bad = await app.inject({ method: 'GET', url: '/api/v1/renewals?cursor=bm9wZQ' });
      expect(bad.statusCode).toBe(400);
      expectSchema(ErrorOut, bad.json());
    });
  });
}
