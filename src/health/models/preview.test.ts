import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays } from '../../core/clock.js';
import { loadConfig } from '../../core/config.js';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { testCtx } from '../../testing/ctx.js';
import { testKey, testServer, type TestApp } from '../../testing/server.js';
import { insertAccounts, insertSnapshots, sentimentSnapshot } from '../../portfolio/testing.js';
import type { HealthModelDef } from '../model/definition.js';
import { ladder, THREE_PILLARS } from '../model/presets.js';
import { previewModel, type ModelPreview } from './preview.js';
import { listModels } from './service.js';

const NOW = '2026-03-10T12:00:00.000Z';
const TODAY = '2026-03-10';

/** Three pillars with other tier cuts (Green from `green`, Yellow from `yellow`). */
function withTiers(green: number, yellow: number): HealthModelDef {
  return {
    ...THREE_PILLARS,
    tiers: [
      { name: 'Green', min: green, color: 'green' },
      { name: 'Yellow', min: yellow, color: 'yellow' },
      { name: 'Red', min: 0, color: 'red' },
    ],
  };
}

type Valid = Extract<ModelPreview, { valid: true }>;
const valid = (p: ModelPreview): Valid => {
  if (!p.valid) throw new Error(`invalid: ${JSON.stringify(p.problems)}`);
  return p;
};

for (const dialect of testDialects()) {
  describe(`health model preview on ${dialect}`, () => {
    let db: TestDb;
    let ctx: ReturnType<typeof testCtx>;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
      ctx = testCtx(db, NOW);
      await listModels(ctx); // the presets
      // Composite = 10 × CSM sentiment: 90 and 80 Green, 70 and 60 Yellow, 50 Red, none unscored.
      const sentiments: [string, number | null, string][] = [
        ['a1', 9, 'smb'],
        ['a2', 8, 'smb'],
        ['a3', 7, 'smb'],
        ['a4', 6, 'mid_market'],
        ['a5', 5, 'enterprise'],
        ['a6', null, 'smb'],
      ];
      await insertAccounts(db.db, [
        ...sentiments.map(([id, , segment]) => ({ id, name: id, segment })),
        { id: 'gone', name: 'Archived', archived_at: '2026-02-01T00:00:00.000Z' },
        { id: 'lost', name: 'Churned', churned_on: '2026-03-01', stage: 'churned' },
      ]);
      await insertSnapshots(db.db, [
        ...sentiments.map(([id, s]) => sentimentSnapshot(id, addDays(TODAY, -1), s)),
        // Only the latest snapshot on or before today counts.
        sentimentSnapshot('a1', addDays(TODAY, -20), 2),
        sentimentSnapshot('a1', addDays(TODAY, 3), 1),
        sentimentSnapshot('gone', addDays(TODAY, -1), 7),
        sentimentSnapshot('lost', addDays(TODAY, -12), 7),
      ]);
    });
    afterEach(async () => db.destroy());

    it('counts the accounts whose tier the draft would change, from their latest snapshot', async () => {
      const same = valid(await previewModel(ctx, THREE_PILLARS));
      expect(same).toMatchObject({ active: true, accounts: 6, scoredByDraft: 6, moved: 0 });
      expect(same.changes).toEqual([]);
      expect(same.tiers).toEqual([
        { tier: 'Green', before: 2, after: 2 },
        { tier: 'Yellow', before: 2, after: 2 },
        { tier: 'Red', before: 1, after: 1 },
        { tier: null, before: 1, after: 1 },
      ]);
      expect(same.unrecorded).toEqual([]);

      const lower = valid(await previewModel(ctx, withTiers(70, 50)));
      expect(lower.moved).toBe(2);
      expect(lower.changes).toEqual([
        { from: 'Yellow', to: 'Green', count: 1 },
        { from: 'Red', to: 'Yellow', count: 1 },
      ]);
      const higher = valid(await previewModel(ctx, withTiers(85, 65)));
      expect(higher.changes).toEqual([
        { from: 'Green', to: 'Yellow', count: 1 },
        { from: 'Yellow', to: 'Red', count: 1 },
      ]);
    });

    it('reports a measure the snapshots did not keep, and weights that move no tier', async () => {
      const draft = structuredClone(THREE_PILLARS);
      draft.dimensions[0]!.measures.push({
        measure: 'usage.stickiness',
        bands: ladder([1, 5, 10], [0.2, 0.4]),
      });
      draft.dimensions[0]!.weight = 35;
      draft.dimensions[2]!.weight = 35;
      const p = valid(await previewModel(ctx, draft));
      expect(p.unrecorded).toEqual(['usage.stickiness']);
      // Only the sentiment has data, so the composite is the same whatever the weights.
      expect(p.moved).toBe(0);
    });

    it('scores only the accounts a targeted model applies to, and a model switched off none', async () => {
      const enterprise: HealthModelDef = {
        ...withTiers(40, 20),
        key: 'enterprise',
        name: 'Enterprise',
        appliesTo: { segments: ['enterprise'] },
      };
      const p = valid(await previewModel(ctx, enterprise));
      expect(p).toMatchObject({ active: true, scoredByDraft: 1, moved: 1 });
      expect(p.changes).toEqual([{ from: 'Red', to: 'Green', count: 1 }]);
      const off = valid(await previewModel(ctx, enterprise, { activate: false }));
      expect(off).toMatchObject({ active: false, scoredByDraft: 0, moved: 0 });
      // The five-dimension preset is off; switching it on changes nothing for three pillars.
      const fiveOff = (await listModels(ctx)).find((m) => m.key === 'five-dimensions')!;
      expect(valid(await previewModel(ctx, fiveOff.def))).toMatchObject({ active: false });
    });

    it('names every problem at its path, as the save does, and refuses to leave accounts without a model', async () => {
      const bad = structuredClone(THREE_PILLARS) as unknown as {
        dimensions: { weight: number; measures: { bands: object[] }[] }[];
        tiers: { min: number }[];
      };
      bad.dimensions[0]!.weight = 45;
      bad.dimensions[0]!.measures[0]!.bands = [
        { max: 5, score: 2 },
        { min: 3, score: 8 },
      ];
      bad.tiers[1]!.min = 90;
      const p = await previewModel(ctx, bad);
      expect(p.valid).toBe(false);
      expect(p.valid ? [] : p.problems).toEqual(
        expect.arrayContaining([
          { path: 'dimensions', message: 'weights add up to 105, not 100' },
          {
            path: 'dimensions[0].measures[0].bands[1].min',
            message: 'overlaps dimensions[0].measures[0].bands[0]',
          },
          { path: 'tiers[1].min', message: expect.stringMatching(/must be below 80/) },
        ]),
      );
      expect(await previewModel(ctx, THREE_PILLARS, { activate: false })).toEqual({
        valid: false,
        problems: [{ path: 'activate', message: expect.stringMatching(/no active health model/) }],
      });
      const narrowed = { ...THREE_PILLARS, appliesTo: { segments: ['smb'] } };
      expect(await previewModel(ctx, narrowed)).toMatchObject({
        valid: false,
        problems: [{ path: 'appliesTo' }],
      });
    });

    it('over HTTP: any key that reads models may preview; nothing is saved or audited', async () => {
      const app: TestApp = await testServer({
        handle: db,
        config: loadConfig({}),
        now: () => new Date(NOW),
      });
      try {
        const audits = async () =>
          Number(
            (
              await db.db
                .selectFrom('audit_log')
                .select((e) => e.fn.countAll<number>().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          );
        const before = await audits();
        const read = `Bearer ${await testKey(db, 'read')}`;
        // Straight to the server: the harness would demand an audit entry for any POST.
        const post = (payload: object, authorization = `Bearer ${app.key}`) =>
          app.raw.inject({
            method: 'POST',
            url: '/api/v1/health/models/preview',
            payload,
            headers: { authorization },
          });
        const ok = await post({ definition: withTiers(70, 50) }, read);
        expect(ok.statusCode, ok.body).toBe(200);
        expect(ok.json()).toMatchObject({ valid: true, accounts: 6, moved: 2 });
        const invalid = await post({ definition: { ...THREE_PILLARS, tiers: [] } });
        expect(invalid.statusCode).toBe(200);
        expect(invalid.json()).toEqual({
          valid: false,
          problems: [{ path: 'tiers', message: 'add at least one tier' }],
        });
        expect((await post({ definition: 'x' })).statusCode).toBe(400);
        const versions = await app.inject({
          method: 'GET',
          url: '/api/v1/health/models/three-pillars',
        });
        expect(versions.json().items).toHaveLength(1);
        // Key creation is audited; the previews are not writes.
        expect(await audits()).toBe(before + 1);
      } finally {
        await app.close();
      }
    });
  });
}
