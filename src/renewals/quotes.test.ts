import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listMovements, updateSubscription } from '../accounts/subscription/service.js';
import { addMonths } from '../core/clock.js';
import { AppError } from '../core/errors.js';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { renderQuotePdf } from './document-pdf.js';
import {
  createQuote,
  decideQuote,
  getQuote,
  listQuotes,
  previewQuote,
  quoteDocument,
  updateQuote,
} from './quotes.js';
import { renewalBook } from './testing.js';

async function refusal(p: Promise<unknown>) {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const issues =
      (err.details as { issues?: { path: string }[]; field?: string } | undefined) ?? {};
    return {
      code: err.code,
      message: err.message,
      field: issues.issues?.[0]?.path ?? issues.field,
    };
  }
  throw new Error('expected a refusal');
}

for (const dialect of testDialects()) {
  describe(`renewal quotes on ${dialect}`, () => {
    let db: TestDb;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
    });
    afterEach(async () => db.destroy());

    const subRow = (id: string) =>
      db.db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    it('prices a 5% uplift with more seats, renders it, and signing renews the subscription', async () => {
      const { ctx, subs } = await renewalBook(db, [
        { name: 'Acme', days: 40, mrrMinor: 1_000_00, seats: 20 },
      ]);
      const { subscriptionId, accountId, renewalDate } = subs[0]!;
      const preview = await previewQuote(ctx, { subscriptionId, upliftBp: 500, seats: 25 });
      // 50.00 a seat a month → 52.50; 25 seats × 12 months.
      expect(preview.totals).toEqual({
        unitAfterUpliftMinor: 52_50,
        subtotalMinor: 15_750_00,
        discountMinor: 0,
        totalMinor: 15_750_00,
        monthlyMinor: 1_312_50,
      });
      const q = await createQuote(ctx, {
        subscriptionId,
        upliftBp: 500,
        seats: 25,
        notes: 'Includes SSO',
      });
      expect(q).toMatchObject({
        number: 'Q-0001',
        status: 'draft',
        termStart: renewalDate,
        termEnd: addMonths(renewalDate, 12),
      });
      ctx.setNow('2027-01-10T09:05:00.000Z');
      const edited = await updateQuote(ctx, q.id, { discountBp: 1_000 });
      expect(edited.totals).toMatchObject({
        discountMinor: 1_575_00,
        totalMinor: 14_175_00,
        monthlyMinor: 1_181_25,
      });

      const pdf = await renderQuotePdf(await quoteDocument(ctx, q.id));
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

      expect(await refusal(decideQuote(ctx, q.id, 'sign'))).toMatchObject({
        code: 'conflict',
        message: /send it first/,
      });
      ctx.setNow('2027-01-10T09:10:00.000Z');
      await decideQuote(ctx, q.id, 'send');
      expect(await refusal(updateQuote(ctx, q.id, { seats: 30 }))).toMatchObject({
        field: 'status',
      });
      ctx.setNow('2027-01-11T15:00:00.000Z');
      const signed = await decideQuote(ctx, q.id, 'sign', { note: 'Signed by the CFO' });
      expect(signed.status).toBe('signed');

      const sub = await subRow(subscriptionId);
      expect(sub).toMatchObject({ seats: 25, end_date: addMonths(renewalDate, 12) });
      expect(Number(sub.mrr_minor)).toBe(1_181_25);
      const last = (await listMovements(ctx, accountId)).at(-1)!;
      expect(last).toMatchObject({
        kind: 'expansion',
        mrrDeltaMinor: 181_25,
        effectiveDate: renewalDate,
        source: 'quote:Q-0001',
      });
      expect((await listQuotes(ctx, {})).map((x) => [x.number, x.accountName, x.status])).toEqual([
        ['Q-0001', 'Acme', 'signed'],
      ]);
      const detail = await getQuote(ctx, q.id);
      expect(detail.history.map((h) => h.action)).toEqual(['created', 'edited', 'sent', 'signed']);
      const outcome = await db.db
        .selectFrom('renewal_outcomes')
        .selectAll()
        .executeTakeFirstOrThrow();
      expect(outcome).toMatchObject({ outcome: 'renewed', renewal_date: renewalDate });
    });

    it('refuses absurd terms, another currency, and signing after the subscription changed, changing nothing', async () => {
      const { ctx, subs } = await renewalBook(db, [
        { name: 'Acme', days: 40, mrrMinor: 1_000_00, seats: 20 },
      ]);
      const { subscriptionId, accountId } = subs[0]!;
      for (const [input, field] of [
        [{ upliftBp: -100 }, 'upliftBp'],
        [{ upliftBp: 50_000 }, 'upliftBp'],
        [{ seats: 0 }, 'seats'],
        [{ seats: 5_000_000 }, 'seats'],
        [{ termMonths: 0 }, 'termMonths'],
        [{ discountBp: 10_001 }, 'discountBp'],
        [{ currency: 'EUR' }, 'currency'],
      ] as const) {
        expect(await refusal(createQuote(ctx, { subscriptionId, ...input }))).toMatchObject({
          code: 'validation',
          field,
        });
      }
      const both = await refusal(createQuote(ctx, { subscriptionId, upliftBp: -1, seats: 0 }));
      expect(both.message).toBe('upliftBp: must be 0 to 10000; seats: must be 1 to 1000000');
      expect(await db.db.selectFrom('renewal_quotes').selectAll().execute()).toHaveLength(0);

      const q = await createQuote(ctx, { subscriptionId, upliftBp: 500 });
      await decideQuote(ctx, q.id, 'send');
      await updateSubscription(ctx, subscriptionId, { mrrMinor: 1_100_00 });
      const before = await subRow(subscriptionId);
      const movements = (await listMovements(ctx, accountId)).length;
      const r = await refusal(decideQuote(ctx, q.id, 'sign'));
      expect(r).toMatchObject({ code: 'conflict', field: 'subscriptionId' });
      expect(r.message).toMatch(/mrrMinor 100000 → 110000.*make a new quote/);
      expect(await subRow(subscriptionId)).toEqual(before);
      expect((await listMovements(ctx, accountId)).length).toBe(movements);
      expect((await getQuote(ctx, q.id)).status).toBe('sent');

      expect(await refusal(decideQuote(ctx, q.id, 'lose', { reason: '' }))).toMatchObject({
        field: 'reason',
      });
      expect(
        (await decideQuote(ctx, q.id, 'lose', { reason: 'Went with a cheaper plan' })).status,
      ).toBe('lost');
      expect(await refusal(decideQuote(ctx, q.id, 'send'))).toMatchObject({ code: 'conflict' });
    });
  });
}
