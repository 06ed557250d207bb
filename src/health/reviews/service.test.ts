import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addDays } from '../../core/clock.js';
import { makeCtx, type Ctx } from '../../core/context.js';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { testCtx } from '../../testing/ctx.js';
import { createAccount, setArchived } from '../../accounts/account/service.js';
import { createUser } from '../../identity/service.js';
import { allowed } from '../../identity/permissions.js';
import type { Role } from '../../identity/model.js';
import { measuresAt } from '../measures/service.js';
import { listReviews, recordReview, reviewQueue } from './service.js';
import type { ReviewInput, ReviewQueueItem } from './schemas.js';
import { insertSnapshots, tierRun } from './testing.js';

const TODAY = '2026-03-10';
const NOW = `${TODAY}T09:30:00.000Z`;
const ago = (n: number) => addDays(TODAY, -n);

function fieldOf(err: unknown): unknown {
  return (err as { details?: { issues?: { path: string }[] } }).details?.issues?.[0]?.path;
}

for (const dialect of testDialects()) {
  describe(`health reviews on ${dialect}`, () => {
    let db: TestDb;
    let ctx: ReturnType<typeof testCtx>;
    const users: Record<string, string> = {};
    const acc: Record<string, string> = {};

    /** A signed-in user's context, with the permission matrix of their role. */
    function as(key: string, role: Role, team: string[] = []): Ctx {
      const subject = { role, userId: users[key]!, team };
      return makeCtx(db.db, db.dialect, {
        actor: { kind: 'user', id: users[key]!, name: `${key}@example.com` },
        now: () => ctx.now(),
        access: (action, resource, target) => allowed(subject, action, resource, target),
      });
    }

    const queue = async (c: Ctx = ctx, input: Parameters<typeof reviewQueue>[1] = {}) => {
      const page = await reviewQueue(c, { limit: 500, ...input });
      return new Map(page.items.map((i) => [i.accountId, i]));
    };

    async function review(accountId: string, at: string, sentiment = 6) {
      ctx.setNow(at);
      try {
        return await recordReview(ctx, { accountId, sentiment });
      } finally {
        ctx.setNow(NOW);
      }
    }

    beforeAll(async () => {
      db = await freshTestDb(dialect);
      ctx = testCtx(db, '2026-01-01T08:00:00.000Z');
      for (const [key, role, manager] of [
        ['lead', 'manager', undefined],
        ['ana', 'csm', 'lead'],
        ['bo', 'csm', undefined],
        ['vic', 'viewer', undefined],
      ] as const) {
        const u = await createUser(ctx, {
          email: `${key}@example.com`,
          name: key.toUpperCase(),
          role,
          managerId: manager ? users[manager] : null,
        });
        users[key] = u.id;
      }
      const owners: Record<string, string | undefined> = {
        redNew: 'ana',
        redWeek: 'ana',
        yellow: 'bo',
        greenOld: 'lead',
        greenReviewed: 'bo',
        greenDue: undefined,
        flipped: 'ana',
        turnedRed: 'bo',
        unscored: undefined,
        big: 'bo',
        small: 'bo',
      };
      for (const [key, owner] of Object.entries(owners)) {
        if (key === 'unscored') ctx.setNow('2026-03-05T08:00:00.000Z');
        acc[key] = (
          await createAccount(ctx, { name: key, ownerId: owner ? users[owner] : undefined })
        ).id;
      }
      await db.db
        .updateTable('accounts')
        .set({ mrr_minor: 900_00 })
        .where('id', '=', acc.big!)
        .execute();
      await db.db
        .updateTable('accounts')
        .set({ mrr_minor: 100_00 })
        .where('id', '=', acc.small!)
        .execute();
      // Red for 8 days, never reviewed.
      await insertSnapshots(db, acc.redNew!, [
        ...tierRun(ago(12), 4, 'Yellow'),
        ...tierRun(ago(8), 9, 'Red'),
      ]);
      // Red for weeks, last reviewed 8 days ago.
      await insertSnapshots(db, acc.redWeek!, tierRun(ago(30), 31, 'Red'));
      await review(acc.redWeek!, `${ago(8)}T16:00:00.000Z`);
      // Yellow, reviewed 10 days ago.
      await insertSnapshots(db, acc.yellow!, tierRun(ago(40), 41, 'Yellow'));
      await review(acc.yellow!, `${ago(10)}T11:00:00.000Z`);
      // Green for 31 days, never reviewed; green reviewed 31 days ago; green reviewed 30 days ago.
      await insertSnapshots(db, acc.greenOld!, tierRun(ago(31), 32, 'Green'));
      await insertSnapshots(db, acc.greenReviewed!, tierRun(ago(60), 61, 'Green'));
      await review(acc.greenReviewed!, `${ago(31)}T10:00:00.000Z`);
      await insertSnapshots(db, acc.greenDue!, tierRun(ago(60), 61, 'Green'));
      await review(acc.greenDue!, `${ago(30)}T10:00:00.000Z`);
      // Yellow, red, then yellow again since 5 days ago, with a gap in the snapshots.
      await insertSnapshots(db, acc.flipped!, [
        ...tierRun(ago(30), 10, 'Yellow'),
        ...tierRun(ago(20), 5, 'Red'),
        ...tierRun(ago(5), 2, 'Yellow'),
        ...tierRun(ago(1), 2, 'Yellow'),
      ]);
      // Reviewed as yellow 5 days ago, red since 2 days ago.
      await insertSnapshots(db, acc.turnedRed!, [
        ...tierRun(ago(20), 18, 'Yellow'),
        ...tierRun(ago(2), 3, 'Red'),
      ]);
      await review(acc.turnedRed!, `${ago(5)}T10:00:00.000Z`);
      // Same due day, different ARR.
      await insertSnapshots(db, acc.big!, tierRun(ago(3), 4, 'Red'));
      await insertSnapshots(db, acc.small!, tierRun(ago(3), 4, 'Red'));
      ctx.setNow(NOW);
    });
    afterAll(async () => {
      await db.destroy();
    });
    beforeEach(() => ctx.setNow(NOW));

    it('finds a red account unreviewed for 8 days overdue, whether never reviewed or last reviewed then', async () => {
      const q = await queue();
      expect(q.get(acc.redNew!)).toMatchObject({
        tier: 'Red',
        tierColor: 'red',
        tierSince: ago(8),
        lastReviewedAt: null,
        cadence: 'weekly',
        cadenceDays: 7,
        due: ago(8),
        status: 'overdue',
        daysOverdue: 8,
      });
      expect(q.get(acc.redWeek!)).toMatchObject({
        tierSince: ago(30),
        lastReviewedAt: `${ago(8)}T16:00:00.000Z`,
        due: ago(1),
        status: 'overdue',
        daysOverdue: 1,
      });
    });

    it('finds a yellow account reviewed 10 days ago ok, due in four days', async () => {
      expect((await queue()).get(acc.yellow!)).toMatchObject({
        tier: 'Yellow',
        cadence: 'every_two_weeks',
        due: addDays(TODAY, 4),
        status: 'ok',
        daysOverdue: 0,
      });
    });

    it('finds green accounts overdue after 31 days, and due on the 30th', async () => {
      const q = await queue();
      expect(q.get(acc.greenOld!)).toMatchObject({
        tier: 'Green',
        tierSince: ago(31),
        cadenceDays: 30,
        due: ago(1),
        status: 'overdue',
      });
      expect(q.get(acc.greenReviewed!)).toMatchObject({ due: ago(1), status: 'overdue' });
      expect(q.get(acc.greenDue!)).toMatchObject({ due: TODAY, status: 'due' });
    });

    it('dates a tier from the start of its current run, and a turn to red makes the check due at once', async () => {
      const q = await queue();
      expect(q.get(acc.flipped!)).toMatchObject({
        tier: 'Yellow',
        tierSince: ago(5),
        due: addDays(ago(5), 14),
        status: 'ok',
      });
      expect(q.get(acc.turnedRed!)).toMatchObject({
        tier: 'Red',
        tierSince: ago(2),
        due: ago(2),
        status: 'overdue',
      });
    });

    it('checks an unscored account every two weeks from the day it was created', async () => {
      expect((await queue()).get(acc.unscored!)).toMatchObject({
        tier: null,
        tierColor: null,
        scoredOn: null,
        tierSince: '2026-03-05',
        cadence: 'every_two_weeks',
        due: '2026-03-19',
        status: 'ok',
      });
    });

    it('orders overdue first, then by due day and ARR, and pages without gaps', async () => {
      const all = (await reviewQueue(ctx, { limit: 500 })).items;
      expect(all).toHaveLength(Object.keys(acc).length);
      const rank = { overdue: 0, due: 1, ok: 2 };
      for (let i = 1; i < all.length; i++) {
        const [a, b] = [all[i - 1]!, all[i]!];
        expect(rank[a.status] <= rank[b.status]).toBe(true);
        expect(a.due <= b.due).toBe(true);
        if (a.due === b.due) expect(a.arrMinor >= b.arrMinor).toBe(true);
      }
      const ids = all.map((i) => i.accountId);
      expect(ids.indexOf(acc.big!)).toBe(ids.indexOf(acc.small!) - 1);
      expect(all[0]!.accountId).toBe(acc.redNew!);
      const paged: ReviewQueueItem[] = [];
      let cursor: string | undefined;
      do {
        const page = await reviewQueue(ctx, { limit: 2, cursor });
        paged.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(paged).toEqual(all);
      await expect(reviewQueue(ctx, { limit: 2, cursor: 'nonsense' })).rejects.toMatchObject({
        code: 'validation',
      });
    });

    it('filters by status: due lists due and overdue, overdue only overdue', async () => {
      const all = (await reviewQueue(ctx, { limit: 500 })).items;
      const due = (await reviewQueue(ctx, { status: 'due', limit: 500 })).items;
      const overdue = (await reviewQueue(ctx, { status: 'overdue', limit: 500 })).items;
      expect(due).toEqual(all.filter((i) => i.status !== 'ok'));
      expect(overdue).toEqual(all.filter((i) => i.status === 'overdue'));
      expect(due.some((i) => i.status === 'due')).toBe(true);
    });

    it('filters by owner: me, team, a user, nobody', async () => {
      const ids = async (c: Ctx, owner?: string) => [...(await queue(c, { owner })).keys()].sort();
      const ownedBy = (...keys: string[]) =>
        Object.entries(acc)
          .filter(([k]) => keys.includes(k))
          .map(([, id]) => id)
          .sort();
      const ana = as('ana', 'csm');
      expect(await ids(ana, 'me')).toEqual(ownedBy('redNew', 'redWeek', 'flipped'));
      const lead = as('lead', 'manager', [users.ana!]);
      expect(await ids(lead, 'team')).toEqual(ownedBy('redNew', 'redWeek', 'flipped', 'greenOld'));
      expect(await ids(ctx, 'bo@example.com')).toEqual(
        ownedBy('yellow', 'greenReviewed', 'turnedRed', 'big', 'small'),
      );
      expect(await ids(ctx, 'none')).toEqual(ownedBy('greenDue', 'unscored'));
      for (const [owner, field] of [
        ['me', 'owner'],
        ['nobody@example.com', 'owner'],
      ]) {
        const err = await reviewQueue(ctx, { owner, limit: 5 }).catch((e: unknown) => e);
        expect(err).toMatchObject({ code: 'validation' });
        expect(fieldOf(err)).toBe(field);
      }
    });

    it('records a review: ok again, stored with the tier, sentiment and engagement feed the next score', async () => {
      const r = await recordReview(ctx, {
        accountId: acc.redNew!,
        sentiment: 3,
        executiveEngagement: 2,
        notes: '  Champion left; sponsor unresponsive.  ',
      });
      expect(r.review).toMatchObject({
        accountId: acc.redNew,
        reviewerId: 'operator',
        reviewer: null,
        reviewedAt: NOW,
        tier: 'Red',
        sentiment: 3,
        executiveEngagement: 2,
        notes: 'Champion left; sponsor unresponsive.',
      });
      expect(r.review.id).toMatch(/^rvw_/);
      expect(r.cadence).toMatchObject({
        status: 'ok',
        due: addDays(TODAY, 7),
        lastReviewedAt: NOW,
      });
      expect((await queue()).get(acc.redNew!)).toMatchObject({
        status: 'ok',
        due: addDays(TODAY, 7),
      });

      const m = (await measuresAt(ctx, TODAY, [acc.redNew!])).get(acc.redNew!)!;
      expect(m['manual.csm_sentiment']).toBe(3);
      expect(m['manual.executive_engagement']).toBe(2);

      const entries = await db.db
        .selectFrom('timeline_entries')
        .selectAll()
        .where('account_id', '=', acc.redNew!)
        .where('kind', '=', 'health_review')
        .execute();
      expect(entries).toHaveLength(1);
      expect(entries[0]!.title).toBe('Health check (Red): sentiment 3/10');
      expect(JSON.parse(entries[0]!.data)).toMatchObject({ review: r.review.id, sentiment: 3 });
      const audit = await db.db
        .selectFrom('audit_log')
        .select(['entity', 'action'])
        .where('at', '=', NOW)
        .execute();
      expect(audit.map((a) => a.entity).sort()).toEqual([
        'health_manual_measure',
        'health_manual_measure',
        'health_review',
      ]);
      const dirty = await db.db.selectFrom('health_dirty').select('account_id').execute();
      expect(dirty.map((d) => d.account_id)).toContain(acc.redNew);

      const list = await listReviews(ctx, acc.redNew!);
      expect(list.items).toEqual([r.review]);
      expect(list.cadence).toEqual(r.cadence);
    });

    it('lists reviews newest first with the reviewer', async () => {
      ctx.setNow(`${TODAY}T11:00:00.000Z`);
      const ana = as('ana', 'csm');
      const r = await recordReview(ana, { accountId: acc.flipped!, sentiment: 8 });
      expect(r.review).toMatchObject({ reviewerId: users.ana, reviewer: 'ANA', tier: 'Yellow' });
      expect(r.review.executiveEngagement).toBeNull();
      const list = await listReviews(ctx, acc.flipped!);
      expect(list.items.map((i) => i.id)).toEqual([r.review.id]);
      const older = await listReviews(ctx, acc.yellow!);
      expect(older.items).toHaveLength(1);
      await expect(listReviews(ctx, 'acc_missing')).rejects.toMatchObject({ code: 'not_found' });
    });

    it('refuses a viewer, and a CSM on an account not theirs, writing nothing', async () => {
      ctx.setNow(`${TODAY}T12:00:00.000Z`);
      const input = { accountId: acc.yellow!, sentiment: 5 };
      await expect(recordReview(as('vic', 'viewer'), input)).rejects.toMatchObject({
        code: 'forbidden',
      });
      await expect(recordReview(as('ana', 'csm'), input)).rejects.toMatchObject({
        code: 'forbidden',
      });
      const rows = await db.db
        .selectFrom('health_reviews')
        .select('id')
        .where('reviewed_at', '=', `${TODAY}T12:00:00.000Z`)
        .execute();
      expect(rows).toEqual([]);
      // The viewer may still read the queue.
      expect((await queue(as('vic', 'viewer'))).size).toBe(Object.keys(acc).length);
    });

    const bad: [string, Record<string, unknown>][] = [
      ['sentiment', { sentiment: 0 }],
      ['sentiment', { sentiment: 11 }],
      ['sentiment', { sentiment: 5.5 }],
      ['sentiment', { sentiment: '7' }],
      ['sentiment', { sentiment: undefined }],
      ['executiveEngagement', { executiveEngagement: 0 }],
      ['executiveEngagement', { executiveEngagement: 10.5 }],
      ['notes', { notes: 'x'.repeat(5001) }],
      ['accountId', { accountId: '' }],
      ['mood', { mood: 'sunny' }],
    ];
    it.each(bad)('refuses a bad %s, naming the field', async (field, patch) => {
      const input = { accountId: acc.yellow!, sentiment: 5, ...patch } as ReviewInput;
      const err = await recordReview(ctx, input).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'validation' });
      expect(fieldOf(err)).toBe(field);
      expect((err as Error).message.startsWith(`${field}:`)).toBe(true);
    });

    it('refuses archived and unknown accounts; archived ones leave the queue', async () => {
      const gone = (await createAccount(ctx, { name: 'Gone' })).id;
      await setArchived(ctx, gone, true);
      await expect(recordReview(ctx, { accountId: gone, sentiment: 5 })).rejects.toMatchObject({
        code: 'conflict',
      });
      await expect(
        recordReview(ctx, { accountId: 'acc_missing', sentiment: 5 }),
      ).rejects.toMatchObject({ code: 'not_found' });
      expect((await queue()).has(gone)).toBe(false);
      expect((await listReviews(ctx, gone)).cadence).toBeNull();
    });
  });
}
