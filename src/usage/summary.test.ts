import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays } from '../core/clock.js';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { testCtx } from '../testing/ctx.js';
import { createAccount } from '../accounts/account/service.js';
import { createSubscription } from '../accounts/subscription/service.js';
import { lastDays } from './measures.js';
import { putUsageSettings } from './settings.js';
import { listProductUsers, usageAt, usageSeries, usageSummary } from './summary.js';

const AS_OF = '2026-03-31';

/** [user, day, events, last_at hour] — u1 is active on several days: the sum-of-daily trap. */
const ACTIVITY: [string, string, number, number][] = [
  ['u1', '2026-03-31', 5, 18],
  ['u1', '2026-03-30', 3, 10],
  ['u1', '2026-03-25', 2, 10],
  ['u1', '2026-03-20', 4, 10],
  ['u1', '2026-03-05', 1, 10],
  ['u1', '2026-02-25', 5, 10],
  ['u1', '2026-04-02', 9, 23], // after asOf: must not count
  ['u2', '2026-03-31', 2, 9],
  ['u2', '2026-03-10', 6, 9],
  ['u3', '2026-03-28', 4, 9],
  ['anon:x', '2026-03-15', 3, 9],
  ['u5', '2026-02-20', 10, 9],
  ['u5', '2026-03-01', 2, 9],
];

/** [day, event, users] for usage_daily_event and usage_daily_user_event; events = 3 per user. */
const EVENTS: [string, string, string[], number][] = [
  ['2026-03-31', 'Report Exported', ['u1', 'u2'], 3],
  ['2026-03-31', 'Unmapped Thing', ['u1'], 1],
  ['2026-03-30', 'Report Viewed', ['u1'], 2],
  ['2026-03-28', 'Report Viewed', ['u3'], 4],
  ['2026-03-10', 'Page: Dashboard', ['u2'], 6],
  ['2026-02-25', 'Invite Sent', ['u1'], 1],
];

const FEATURES = {
  'Report Exported': 'reporting',
  'Report Viewed': 'reporting',
  'Page: Dashboard': 'dashboards',
  'Invite Sent': 'collaboration',
  'Billing Updated': 'billing',
};

async function insertUserDays(
  db: TestDb,
  accountId: string,
  rows: readonly (readonly [string, string, number, number])[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.db
    .insertInto('usage_daily_user')
    .values(
      rows.map(([user, day, events, hour]) => ({
        account_id: accountId,
        day,
        user_key: user,
        events,
        session_seconds: events * 60,
        first_at: `${day}T08:00:00.000Z`,
        last_at: `${day}T${String(hour).padStart(2, '0')}:00:00.000Z`,
      })),
    )
    .execute();
}

for (const dialect of testDialects()) {
  describe(`usage measures on ${dialect}`, () => {
    let db: TestDb;
    let ctx: ReturnType<typeof testCtx>;
    let a: string;
    let b: string;

    beforeAll(async () => {
      db = await freshTestDb(dialect);
      ctx = testCtx(db, '2026-04-03T12:00:00.000Z');
      a = (await createAccount(ctx, { name: 'Acme' })).id;
      b = (await createAccount(ctx, { name: 'Globex' })).id;
      await insertUserDays(db, a, ACTIVITY);
      await insertUserDays(db, b, [['u1', AS_OF, 100, 12]]);
      for (const [day, event, users, events] of EVENTS) {
        await db.db
          .insertInto('usage_daily_event')
          .values({ account_id: a, day, event, events, users: users.length })
          .execute();
        await db.db
          .insertInto('usage_daily_user_event')
          .values(users.map((user_key) => ({ account_id: a, day, event, user_key })))
          .execute();
      }
      const sub = { accountId: a, plan: 'Pro', mrrMinor: 1000, startDate: '2026-01-01' };
      await createSubscription(ctx, { ...sub, seats: 10 });
      await createSubscription(ctx, { ...sub, seats: 6, status: 'past_due' });
      await createSubscription(ctx, { ...sub, seats: 100, status: 'canceled' });
      await createSubscription(ctx, { ...sub, seats: null });
      await putUsageSettings(ctx, { features: FEATURES });
      await db.db
        .insertInto('product_users')
        .values(
          ['u1', 'u2', 'u3', 'anon:x', 'u5'].map((u, i) => ({
            user_key: u,
            user_id: u.startsWith('anon:') ? null : u,
            account_id: a,
            email: u.startsWith('anon:') ? null : `${u}@acme.test`,
            name: null,
            traits: JSON.stringify({ plan: 'pro' }),
            first_seen_at: '2026-01-01T00:00:00.000Z',
            last_seen_at: `2026-03-2${i}T00:00:00.000Z`,
            events: 10 + i,
          })),
        )
        .execute();
    });
    afterAll(async () => {
      await db.destroy();
    });

    it('counts distinct users over each window, never sums of daily counts', async () => {
      const s = await usageSummary(ctx, a, { asOf: AS_OF });
      expect(s.windows.week).toEqual({ from: '2026-03-25', to: AS_OF });
      expect(s.windows.prevMonth).toEqual({ from: '2026-01-31', to: '2026-03-01' });
      expect({ dau: s.dau, wau: s.wau, mau: s.mau }).toEqual({ dau: 2, wau: 3, mau: 4 });
      // 9 user-days over 30 days, 4 distinct users.
      expect(s.avgDau).toBeCloseTo(0.3, 12);
      expect(s.stickiness).toBeCloseTo(0.075, 12);
      expect(s.loginFrequency).toBeCloseTo(2.25, 12);
      expect(s.events30).toBe(30);
      expect(s.sessionSeconds30).toBe(1800);
      expect(s.lastSeenAt).toBe('2026-03-31T18:00:00.000Z');
      expect(s.seats).toBe(16);
      expect(s.seatUtilisation).toBeCloseTo(0.25, 12);
    });

    it('reports week-over-week and month-over-month trends', async () => {
      const { weekOverWeek, monthOverMonth } = (await usageSummary(ctx, a, { asOf: AS_OF })).trends;
      expect(weekOverWeek.events).toEqual({ current: 16, previous: 4, ratio: 4, changePct: 300 });
      expect(weekOverWeek.activeUsers).toEqual({
        current: 3,
        previous: 1,
        ratio: 3,
        changePct: 200,
      });
      expect(monthOverMonth.events.current).toBe(30);
      expect(monthOverMonth.events.previous).toBe(17);
      expect(monthOverMonth.events.ratio).toBeCloseTo(30 / 17, 12);
      expect(monthOverMonth.activeUsers).toEqual({
        current: 4,
        previous: 2,
        ratio: 2,
        changePct: 100,
      });
      // No base: no trend.
      const quiet = await usageSummary(ctx, b, { asOf: '2026-03-24' });
      expect(quiet.trends.weekOverWeek.events).toEqual({
        current: 0,
        previous: 0,
        ratio: null,
        changePct: null,
      });
    });

    it('measures feature use with exact distinct users and breadth over configured features', async () => {
      const s = await usageSummary(ctx, a, { asOf: AS_OF });
      expect(s.features).toEqual([
        { feature: 'reporting', users: 3, events: 9, lastUsedOn: AS_OF },
        { feature: 'dashboards', users: 1, events: 6, lastUsedOn: '2026-03-10' },
      ]);
      expect(s.featuresConfigured).toBe(4);
      expect(s.featuresUsed).toBe(2);
      expect(s.featureBreadth).toBe(0.5);
      expect(s.unusedFeatures).toEqual(['billing', 'collaboration']);
    });

    it('lists top users with their product profile', async () => {
      const s = await usageSummary(ctx, a, { asOf: AS_OF, topUsers: 3 });
      expect(s.topUsers).toEqual([
        {
          userKey: 'u1',
          email: 'u1@acme.test',
          name: null,
          events: 15,
          activeDays: 5,
          lastSeenAt: '2026-03-31T18:00:00.000Z',
        },
        expect.objectContaining({ userKey: 'u2', events: 8, activeDays: 2 }),
        expect.objectContaining({ userKey: 'u3', events: 4, activeDays: 1 }),
      ]);
    });

    it('computes the same measures for many accounts at once, zeros for the silent', async () => {
      const silent = Array.from({ length: 1200 }, (_, i) => `acc_none_${i}`);
      const all = await usageAt(ctx, [...silent, a, b, a], AS_OF);
      expect(all.size).toBe(1202);
      const { dau, wau, mau, stickiness, seatUtilisation, featureBreadth, trends } =
        await usageSummary(ctx, a, { asOf: AS_OF });
      expect(all.get(a)).toMatchObject({
        dau,
        wau,
        mau,
        stickiness,
        seatUtilisation,
        featureBreadth,
        trends,
      });
      expect(all.get(b)).toMatchObject({ dau: 1, mau: 1, events30: 100, featuresUsed: 0 });
      expect(all.get('acc_none_1199')).toMatchObject({
        dau: 0,
        mau: 0,
        stickiness: null,
        loginFrequency: null,
        seats: null,
        seatUtilisation: null,
        lastSeenAt: null,
        featureBreadth: 0,
      });
    });

    it('serves a daily series with zero days and the top events per day', async () => {
      const s = await usageSeries(ctx, a, { from: '2026-03-28', to: AS_OF, top: 1 });
      expect(s.days.map((d) => [d.day, d.events, d.activeUsers])).toEqual([
        ['2026-03-28', 4, 1],
        ['2026-03-29', 0, 0],
        ['2026-03-30', 3, 1],
        [AS_OF, 7, 2],
      ]);
      expect(s.days[3]!.topEvents).toEqual([
        { event: 'Report Exported', feature: 'reporting', events: 3, users: 2 },
      ]);
      const two = await usageSeries(ctx, a, { from: AS_OF, to: AS_OF, top: 2 });
      expect(two.days[0]!.topEvents.map((e) => [e.event, e.feature])).toEqual([
        ['Report Exported', 'reporting'],
        ['Unmapped Thing', null],
      ]);
      // Defaults: the 30 days ending today (the test clock says 2026-04-03).
      const d = await usageSeries(ctx, a);
      expect([d.from, d.to, d.days.length]).toEqual(['2026-03-05', '2026-04-03', 30]);
      await expect(usageSeries(ctx, a, { from: AS_OF, to: '2026-03-01' })).rejects.toThrow(/from/);
      await expect(usageSeries(ctx, a, { from: '2024-01-01', to: AS_OF })).rejects.toThrow(/366/);
    });

    it('answers not found for an unknown account and pages product users', async () => {
      await expect(usageSummary(ctx, 'acc_missing', { asOf: AS_OF })).rejects.toMatchObject({
        code: 'not_found',
      });
      const first = await listProductUsers(ctx, a, { limit: 2 });
      expect(first.items.map((u) => u.userKey)).toEqual(['u5', 'anon:x']);
      expect(first.items[0]!.traits).toEqual({ plan: 'pro' });
      const rest = await listProductUsers(ctx, a, { limit: 10, cursor: first.nextCursor! });
      expect(rest.items.map((u) => u.userKey)).toEqual(['u3', 'u2', 'u1']);
      expect(rest.nextCursor).toBeNull();
    });

    it('WAU and MAU equal a plain distinct count for any activity (property)', async () => {
      const accounts = ['acc_p1', 'acc_p2'];
      const activity = fc.uniqueArray(
        fc.record({
          account: fc.constantFrom(...accounts),
          offset: fc.integer({ min: -3, max: 65 }),
          user: fc.constantFrom('p0', 'p1', 'p2', 'p3', 'p4', 'anon:p5'),
          events: fc.integer({ min: 1, max: 9 }),
        }),
        { selector: (r) => `${r.account}|${r.offset}|${r.user}`, maxLength: 60 },
      );
      const asOf = '2026-06-30';
      await fc.assert(
        fc.asyncProperty(activity, async (rows) => {
          await db.db.deleteFrom('usage_daily_user').where('account_id', 'in', accounts).execute();
          for (const acc of accounts) {
            await insertUserDays(
              db,
              acc,
              rows
                .filter((r) => r.account === acc)
                .map((r) => [r.user, addDays(asOf, -r.offset), r.events, 12] as const),
            );
          }
          const got = await usageAt(ctx, accounts, asOf);
          for (const acc of accounts) {
            const mine = rows.filter((r) => r.account === acc);
            const within = (days: number) => {
              const { from, to } = lastDays(asOf, days);
              return mine.filter((r) => {
                const day = addDays(asOf, -r.offset);
                return day >= from && day <= to;
              });
            };
            const distinct = (days: number) => new Set(within(days).map((r) => r.user)).size;
            const m = got.get(acc)!;
            expect(m.dau).toBe(distinct(1));
            expect(m.wau).toBe(distinct(7));
            expect(m.mau).toBe(distinct(30));
            expect(m.events30).toBe(within(30).reduce((n, r) => n + r.events, 0));
            expect(m.loginFrequency).toBe(
              distinct(30) === 0 ? null : within(30).length / distinct(30),
            );
          }
        }),
        { numRuns: 40 },
      );
    });
  });
}
