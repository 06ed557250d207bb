import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { testCtx } from '../../testing/ctx.js';
import { buildDemo } from '../../demo/service.js';
import { THREE_PILLARS } from '../model/presets.js';
import { scoreWith } from '../model/score.js';
import { valuesOf } from '../model/testing.js';
import { getModelVersion } from '../models/service.js';
import { adoptFittedWeights, getBacktest, runBacktest, withFittedWeights } from './service.js';

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
      // Adopting twice gives the same definition: no new version.
      expect((await adoptFittedWeights(ctx, bt.id)).created).toBe(false);
    });
  });
}
