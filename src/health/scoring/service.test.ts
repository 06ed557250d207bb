import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { testCtx } from '../../testing/ctx.js';
import { createAccount } from '../../accounts/account/service.js';
import { createContact } from '../../accounts/contact/service.js';
import { markDirty } from '../dirty.js';
import { addActiveUsers } from '../measures/testing.js';
import { THREE_PILLARS } from '../model/presets.js';
import { listModels, saveModel, setModelActive } from '../models/service.js';
import {
  backfillOneDay,
  explainHealth,
  healthOn,
  healthTrend,
  rescoreDirty,
  scoreDay,
} from './service.js';

for (const dialect of testDialects()) {
  describe(`health scoring on ${dialect}`, () => {
    let db: TestDb;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
    });
    afterEach(async () => db.destroy());

    it('scores every live account with the default model, stores a snapshot per day, and explains the change exactly', async () => {
      const ctx = testCtx(db, '2026-03-01T10:00:00.000Z');
      const a = await createAccount(ctx, { name: 'Acme' });
      const b = await createAccount(ctx, { name: 'Globex' });
      ctx.setNow('2026-04-20T10:00:00.000Z');
      const days = Array.from(
        { length: 30 },
        (_, i) => `2026-04-${String(i + 1).padStart(2, '0')}`,
      );
      await addActiveUsers(db.db, a.id, days, 8);
      await addActiveUsers(db.db, b.id, days.slice(0, 3), 2);

      const first = await scoreDay(ctx, '2026-04-10');
      expect(first.scored).toBe(2);
      const models = await listModels(ctx);
      expect(models.filter((m) => m.active).map((m) => m.key)).toEqual(['three-pillars']);

      await createContact(ctx, { accountId: a.id, name: 'Cleo Champion', roles: ['champion'] });
      await scoreDay(ctx, '2026-04-20');
      const now = await healthOn(ctx, a.id, '2026-04-20');
      expect(now.modelKey).toBe('three-pillars');
      expect(now.score.composite).not.toBeNull();
      const sum = now.score.measures.reduce((s, m) => s + m.contributionTenths, 0);
      expect(sum).toBe(now.score.compositeTenths);

      const why = await explainHealth(ctx, a.id, '2026-04-10', '2026-04-20');
      expect(why.drivers.reduce((s, d) => s + d.contributionTenths, 0)).toBe(why.changeTenths);
      expect(why.changeTenths).toBe((why.toTenths ?? 0) - (why.fromTenths ?? 0));
      // The champion added on the way counts among the reasons.
      expect(
        why.drivers.find((d) => d.kind === 'measure' && d.measure === 'relationship.champion')
          ?.contributionTenths,
      ).toBeGreaterThan(0);

      const trend = await healthTrend(ctx, a.id, '2026-04-01', '2026-04-30');
      expect(trend.points.map((p) => p.day)).toEqual(['2026-04-10', '2026-04-20']);
    });

    it('a new model version rescores through the dirty queue and shows as its own driver', async () => {
      const ctx = testCtx(db, '2026-04-01T10:00:00.000Z');
      const a = await createAccount(ctx, { name: 'Acme' });
      await scoreDay(ctx, '2026-04-01');
      ctx.setNow('2026-04-02T10:00:00.000Z');
      const changed = {
        ...THREE_PILLARS,
        dimensions: THREE_PILLARS.dimensions.map((d, i) => ({
          ...d,
          weight: i === 0 ? 50 : i === 1 ? 25 : 25,
        })),
      };
      const saved = await saveModel(ctx, changed, { note: 'more weight on product' });
      expect(saved.created).toBe(true);
      expect(saved.model.version).toBe(2);
      // Saving the same definition again is not a new version.
      expect((await saveModel(ctx, changed)).created).toBe(false);
      expect(await rescoreDirty(ctx)).toEqual([a.id]);
      const why = await explainHealth(ctx, a.id, '2026-04-01', '2026-04-02');
      expect(why.drivers.reduce((s, d) => s + d.contributionTenths, 0)).toBe(why.changeTenths);
      const version = why.drivers.find((d) => d.kind === 'model_version');
      if (why.changeTenths !== 0) expect(version).toBeDefined();
      const trend = await healthTrend(ctx, a.id, '2026-04-01', '2026-04-02');
      expect(trend.versionChanges).toEqual([
        { day: '2026-04-02', from: 'three-pillars v1', to: 'three-pillars v2' },
      ]);
      await markDirty(db.db, [a.id], ctx.now());
      expect(await rescoreDirty(ctx)).toEqual([a.id]);
      expect(await rescoreDirty(ctx)).toEqual([]);
    });

    it('backfills recent history one day at a time, newest first, back to when accounts existed', async () => {
      const ctx = testCtx(db, '2026-04-01T10:00:00.000Z');
      await createAccount(ctx, { name: 'Acme' });
      ctx.setNow('2026-04-05T10:00:00.000Z');
      await scoreDay(ctx, '2026-04-03');
      const filled: (string | null)[] = [];
      for (let i = 0; i < 6; i++) filled.push(await backfillOneDay(ctx, 90));
      expect(filled).toEqual(['2026-04-04', '2026-04-02', '2026-04-01', null, null, null]);
      const audits = await db.db
        .selectFrom('audit_log')
        .select('entity_id')
        .where('entity', '=', 'health_score_run')
        .orderBy('entity_id')
        .execute();
      expect(audits.map((a) => a.entity_id)).toEqual(['2026-04-01', '2026-04-02', '2026-04-04']);
    });

    it('refuses to switch off the only model that scores every account', async () => {
      const ctx = testCtx(db);
      await listModels(ctx);
      await expect(setModelActive(ctx, 'three-pillars', false)).rejects.toMatchObject({
        code: 'conflict',
      });
      await setModelActive(ctx, 'five-dimensions', true);
      await setModelActive(ctx, 'three-pillars', false);
      const active = (await listModels(ctx)).filter((m) => m.active).map((m) => m.key);
      expect(active).toEqual(['five-dimensions']);
    });
  });
}
