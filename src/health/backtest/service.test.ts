import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { testCtx } from '../../testing/ctx.js';
import { buildDemo } from '../../demo/service.js';
import { THREE_PILLARS } from '../model/presets.js';
import { scoreWith } from '../model/score.js';
import { valuesOf } from '../model/testing.js';
import { getModelVersion } from '../models/service.js';
import { adoptFittedWeights, getBacktest, runBacktest, withFittedWeights } from './service.js';
import { loadConfig } from '../../core/config.js';
import { testKey, testServer } from '../../testing/server.js';
import { riskReport } from '../scoring/risk.js';

const TODAY = '2026-11-20T12:00:00.000Z';

describe('fitted weights as a model', () => {
  it('weigh each measure by its fitted weight, dimensions by the sum, and drop zeros', () => {
    const def = withFittedWeights(THREE_PILLARS, [
      { measure: 'usage.feature_breadth', weight: 60 },
      { measure: 'relationship.champion', weight: 40 },
    ]);
    expect(def.dimensions.map((d) => [d.key, d.weight, d.measures.map((m) => m.measure)])).toEqual([
      ['product', 60, ['usage.feature_breadth']],
      ['relationship', 40, ['relationship.champion']],
    ]);
    // The composite is then the fitted weighted mean of the two scores.
    const s = scoreWith(def, valuesOf({ 'usage.feature_breadth': 1, 'relationship.champion': 0 }));
    const breadth = s.measures.find((m) => m.measure === 'usage.feature_breadth')!.score!;
    const champion = s.measures.find((m) => m.measure === 'relationship.champion')!.score!;
    expect(s.compositeTenths).toBe(Math.round((breadth * 0.6 + champion * 0.4) * 100));
    expect(() => withFittedWeights(THREE_PILLARS, [])).toThrow(/nothing to adopt/);
  });
});

for (const dialect of testDialects()) {
  describe(`backtest of the demo company on ${dialect}`, () => {
    let db: TestDb;
    beforeAll(async () => {
      db = await freshTestDb(dialect);
      await buildDemo(testCtx(db, TODAY), { seed: 11, accounts: 400 });
    }, 120_000);
    afterAll(async () => db.destroy());

    it('scores each outcome as of the horizon before it, stores the report, and adopts fitted weights as a version', async () => {
      const ctx = testCtx(db, TODAY);
      await expect(runBacktest(ctx, { horizonDays: 0 })).rejects.toMatchObject({
        code: 'validation',
        details: { issues: [{ path: 'horizonDays' }] },
      });
      const bt = await runBacktest(ctx, { horizonDays: 60 });
      expect(bt.model).toMatchObject({ key: 'three-pillars', version: 1 });
      expect(bt.report.counts.samples).toBeGreaterThan(100);
      expect(bt.report.counts.churned).toBeGreaterThan(20);
      expect(['signal', 'no_signal', 'inverse']).toContain(bt.report.verdict.kind);
      expect(bt.params.trainUntil > bt.params.from).toBe(true);
      expect(await getBacktest(ctx, bt.id)).toEqual(bt);
      expect(bt.report.fitted.status).toBe('fitted');
      {
        const adopted = await adoptFittedWeights(ctx, bt.id);
        expect(adopted.model.version).toBe(2);
        expect(adopted.model.note).toBe(`fitted weights from backtest ${bt.id}`);
        const total = adopted.model.def.dimensions.reduce((s, d) => s + d.weight, 0);
        expect(total).toBe(100);
        expect((await getModelVersion(ctx, 'three-pillars')).version).toBe(2);
      }
      // The model has moved on from the version the backtest tested: adopting again is refused.
      await expect(adoptFittedWeights(ctx, bt.id)).rejects.toMatchObject({ code: 'conflict' });
    });

    it('over HTTP: runs, lists, reads and adopts; refuses bad input and read keys', async () => {
      const app = await testServer({
        handle: db,
        config: loadConfig({}),
        now: () => new Date(TODAY),
      });
      try {
        const bad = await app.inject({
          method: 'POST',
          url: '/api/v1/health/backtests',
          payload: { horizonDays: 0 },
        });
        expect(bad.statusCode).toBe(400);
        expect(bad.json().error.details.issues[0].path).toMatch(/horizonDays/);
        const ran = await app.inject({
          method: 'POST',
          url: '/api/v1/health/backtests',
          payload: { horizonDays: 60, modelKey: 'five-dimensions' },
        });
        expect(ran.statusCode, ran.body).toBe(201);
        const id = ran.json().id as string;
        expect(ran.json().model.key).toBe('five-dimensions');
        const list = await app.inject({ method: 'GET', url: '/api/v1/health/backtests' });
        expect(list.json().items.map((b: { id: string }) => b.id)).toContain(id);
        const one = await app.inject({ method: 'GET', url: `/api/v1/health/backtests/${id}` });
        expect(one.json()).toEqual(ran.json());
        const reader = await testKey(db, 'read');
        const refused = await app.inject({
          method: 'POST',
          url: `/api/v1/health/backtests/${id}/adopt`,
          headers: { authorization: `Bearer ${reader}` },
        });
        expect(refused.statusCode).toBe(403);
        const adopted = await app.inject({
          method: 'POST',
          url: `/api/v1/health/backtests/${id}/adopt`,
        });
        expect(adopted.statusCode, adopted.body).toBe(201);
        expect(adopted.json()).toMatchObject({ key: 'five-dimensions', version: 2, created: true });
      } finally {
        await app.close();
      }
    });

    it('the risk report lists accounts below the top tier, worst tier first, with their biggest drag', async () => {
      const ctx = testCtx(db, TODAY);
      const { scoreDay } = await import('../scoring/service.js');
      await scoreDay(ctx, '2026-10-21');
      await scoreDay(ctx, '2026-11-20');
      const rows = await riskReport(ctx);
      expect(rows.length).toBeGreaterThan(10);
      const tiers = (await getModelVersion(ctx, 'three-pillars')).def.tiers.map((t) => t.name);
      expect(rows.some((r) => r.tier === tiers[0])).toBe(false);
      const rank = rows.map((r) => tiers.indexOf(r.tier));
      expect([...rank].sort((a, b) => b - a)).toEqual(rank);
      const dragged = rows.filter((r) => r.topDriver);
      expect(dragged.length).toBeGreaterThan(0);
      for (const r of dragged) expect(r.topDriver!.points).toBeLessThan(0);
    });
  });
}
