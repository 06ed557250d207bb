import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { makeCtx } from '../../core/context.js';
import { testCtx } from '../../testing/ctx.js';
import { createAccount, setArchived } from '../../accounts/account/service.js';
import { listManualMeasures, recordManualMeasure } from './manual.js';
import { MANUAL_MEASURE_IDS } from './model.js';
import { MANUAL_MEASURES } from './registry.js';
import { measuresAt } from './service.js';
import type { ManualMeasureInput } from './schemas.js';

const TODAY = '2026-03-10';

function fieldOf(err: unknown): unknown {
  return (err as { details?: { issues?: { path: string }[] } }).details?.issues?.[0]?.path;
}

for (const dialect of testDialects()) {
  describe(`manual measures on ${dialect}`, () => {
    let db: TestDb;
    let ctx: ReturnType<typeof testCtx>;
    let acc: string;

    beforeAll(async () => {
      db = await freshTestDb(dialect);
      ctx = testCtx(db, `${TODAY}T09:30:00.000Z`);
      acc = (await createAccount(ctx, { name: 'Acme' })).id;
    });
    afterAll(async () => {
      await db.destroy();
    });

    it('lists the same manual measures as the registry', () => {
      expect([...MANUAL_MEASURE_IDS].sort()).toEqual([...MANUAL_MEASURES].sort());
    });

    it('records a value fresh for 90 days by default, audited, and queues a rescore', async () => {
      await db.db.deleteFrom('health_dirty').execute();
      const m = await recordManualMeasure(ctx, {
        accountId: acc,
        measure: 'manual.csm_sentiment',
        value: 8,
        note: '  Happy after the QBR  ',
      });
      expect(m).toMatchObject({
        accountId: acc,
        measure: 'manual.csm_sentiment',
        value: 8,
        note: 'Happy after the QBR',
        recordedAt: `${TODAY}T09:30:00.000Z`,
        recordedBy: 'operator:operator',
        staleAfter: '2026-06-08',
        stale: false,
      });
      expect(m.id).toMatch(/^mms_/);
      const audit = await db.db
        .selectFrom('audit_log')
        .selectAll()
        .where('entity_id', '=', m.id)
        .execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ entity: 'health_manual_measure', action: 'create' });
      const dirty = await db.db.selectFrom('health_dirty').selectAll().execute();
      expect(dirty.map((d) => d.account_id)).toEqual([acc]);
      expect((await measuresAt(ctx, TODAY, [acc])).get(acc)!['manual.csm_sentiment']).toBe(8);
    });

    it('counts a value through its staleness date and not a day longer', async () => {
      ctx.setNow(`${TODAY}T09:31:00.000Z`);
      const m = await recordManualMeasure(ctx, {
        accountId: acc,
        measure: 'manual.executive_engagement',
        value: 3.5,
        staleAfter: '2026-03-20',
      });
      expect(m.staleAfter).toBe('2026-03-20');
      const on = await measuresAt(ctx, '2026-03-20', [acc]);
      expect(on.get(acc)!['manual.executive_engagement']).toBe(3.5);
      const after = await measuresAt(ctx, '2026-03-21', [acc]);
      expect(after.get(acc)!['manual.executive_engagement']).toBeNull();
      // Nor before it was recorded.
      const before = await measuresAt(ctx, '2026-03-09', [acc]);
      expect(before.get(acc)!['manual.executive_engagement']).toBeNull();
    });

    it('lists entries newest first, marking those past their staleness date', async () => {
      ctx.setNow('2026-04-01T08:00:00.000Z');
      try {
        const list = await listManualMeasures(ctx, acc);
        expect(list.map((m) => [m.measure, m.stale])).toEqual([
          ['manual.executive_engagement', true],
          ['manual.csm_sentiment', false],
        ]);
      } finally {
        ctx.setNow(`${TODAY}T09:30:00.000Z`);
      }
      await expect(listManualMeasures(ctx, 'acc_missing')).rejects.toMatchObject({
        code: 'not_found',
      });
    });

    const bad: [string, Partial<ManualMeasureInput> | Record<string, unknown>][] = [
      ['measure', { measure: 'usage.stickiness' }],
      ['measure', { measure: undefined }],
      ['value', { value: 0 }],
      ['value', { value: 11 }],
      ['value', { value: Number.NaN }],
      ['value', { value: '7' }],
      ['staleAfter', { staleAfter: '2026-03-09' }],
      ['staleAfter', { staleAfter: '2026-02-30' }],
      ['note', { note: 'x'.repeat(2001) }],
      ['accountId', { accountId: 'acc_missing' }],
      ['accountId', { accountId: '' }],
      ['mood', { mood: 'sunny' }],
    ];
    it.each(bad)('refuses a bad %s, naming the field', async (field, patch) => {
      const input = {
        accountId: acc,
        measure: 'manual.csm_sentiment',
        value: 5,
        ...patch,
      } as ManualMeasureInput;
      const err = await recordManualMeasure(ctx, input).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'validation' });
      expect(fieldOf(err)).toBe(field);
      expect((err as Error).message.startsWith(`${field}:`)).toBe(true);
    });

    it('accepts a staleness date of today, and the bounds of the range', async () => {
      for (const value of [1, 10]) {
        const m = await recordManualMeasure(ctx, {
          accountId: acc,
          measure: 'manual.executive_engagement',
          value,
          staleAfter: TODAY,
        });
        expect(m.value).toBe(value);
      }
    });

    it('refuses archived accounts and actors who may not edit the account, writing nothing', async () => {
      const gone = (await createAccount(ctx, { name: 'Gone' })).id;
      await setArchived(ctx, gone, true);
      const input = { accountId: gone, measure: 'manual.csm_sentiment' as const, value: 5 };
      await expect(recordManualMeasure(ctx, input)).rejects.toMatchObject({ code: 'validation' });
      const readOnly = makeCtx(db.db, db.dialect, {
        now: () => new Date(`${TODAY}T10:00:00.000Z`),
        access: (action) => action === 'read',
      });
      await expect(
        recordManualMeasure(readOnly, { ...input, accountId: acc }),
      ).rejects.toMatchObject({ code: 'forbidden' });
      const rows = await db.db
        .selectFrom('health_manual_measures')
        .select('id')
        .where('recorded_at', '=', `${TODAY}T10:00:00.000Z`)
        .execute();
      expect(rows).toEqual([]);
    });
  });
}
