import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays } from '../../core/clock.js';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { testCtx } from '../../testing/ctx.js';
import { createAccount } from '../../accounts/account/service.js';
import { createContact, markContactLeft } from '../../accounts/contact/service.js';
import { createSubscription } from '../../accounts/subscription/service.js';
import { addActivity, listTimeline } from '../../accounts/timeline/service.js';
import { createSurveyResponse, createTicket } from '../../support/service.js';
import { evaluateAlerts } from './evaluate.js';
import { acknowledgeAlert, listAccountAlerts, resolveAlert, type Alert } from './service.js';
import { putAlertSettings } from './settings.js';
import { activeUsers, countingCtx, snapshot, snapshots } from './testing.js';

const D = '2026-03-25'; // a Wednesday: D+1 is in the same ISO week and month
const NOW = `${D}T12:00:00.000Z`;
const days = (from: string, to: string) => {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
};

for (const dialect of testDialects()) {
  describe(`alert evaluation on ${dialect}`, () => {
    let db: TestDb;
    let ctx: ReturnType<typeof testCtx>;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
      ctx = testCtx(db, NOW);
    });
    afterEach(async () => db.destroy());

    const account = async (name: string, extra: { productId?: string } = {}) =>
      (await createAccount(ctx, { name, ...extra })).id;
    const alertsOf = async (accountId: string, kind?: string): Promise<Alert[]> =>
      (await listAccountAlerts(ctx, accountId, { limit: 100 })).items.filter(
        (a) => !kind || a.kind === kind,
      );

    it('score_drop: 84 → 71 within 30 days fires with its evidence; 84 → 74.5 does not', async () => {
      const hit = await account('Falling');
      const miss = await account('Slipping');
      for (const [id, low] of [
        [hit, 71],
        [miss, 74.5],
      ] as const) {
        await snapshot(db.db, id, '2026-03-01', 84, 'Green');
        await snapshot(db.db, id, '2026-03-10', 80, 'Green');
        await snapshot(db.db, id, '2026-03-15', low, 'Yellow');
      }
      const run = await evaluateAlerts(ctx, D);
      expect(run.byKind.score_drop).toBe(1);
      const [a] = await alertsOf(hit, 'score_drop');
      expect(a).toMatchObject({
        causeKey: '2026-03-15',
        status: 'open',
        severity: 'medium',
        day: D,
        evidence: { from: 84, to: 71, fromDay: '2026-03-01', toDay: '2026-03-15', drop: 13 },
      });
      expect(a!.reason).toContain('from 84.0 on 2026-03-01 to 71.0 on 2026-03-15');
      expect(await alertsOf(miss, 'score_drop')).toEqual([]);
      // The new alert is on the account's timeline.
      const tl = await listTimeline(ctx, hit, { limit: 10, kinds: ['alert'] });
      expect(tl.items.map((e) => [e.title, e.data.alertId])).toEqual([[a!.title, a!.id]]);
    });

    it('tier_change: Green → Yellow fires; Yellow → Green does not', async () => {
      const hit = await account('Worse');
      const miss = await account('Better');
      await snapshot(db.db, hit, '2026-03-23', 82, 'Green');
      await snapshot(db.db, hit, '2026-03-24', 75, 'Yellow');
      await snapshot(db.db, miss, '2026-03-23', 75, 'Yellow');
      await snapshot(db.db, miss, '2026-03-24', 82, 'Green');
      await evaluateAlerts(ctx, D);
      expect(await alertsOf(hit, 'tier_change')).toMatchObject([
        {
          causeKey: '2026-03-24:Green>Yellow',
          title: 'Health tier fell: Green → Yellow',
          evidence: { from: 'Green', to: 'Yellow', fromScore: 82, toScore: 75 },
        },
      ]);
      expect(await alertsOf(miss)).toEqual([]);
    });

    it('usage_drop: 10 → 6 active users fires; 10 → 8 does not', async () => {
      const hit = await account('Quieter');
      const miss = await account('Steady');
      const before = days('2026-01-25', '2026-02-23');
      const last = days('2026-02-24', D);
      await activeUsers(db.db, hit, before, 10);
      await activeUsers(db.db, hit, last, 6);
      await activeUsers(db.db, miss, before, 10);
      await activeUsers(db.db, miss, last, 8);
      await evaluateAlerts(ctx, D);
      expect(await alertsOf(hit, 'usage_drop')).toMatchObject([
        {
          causeKey: '2026-03',
          severity: 'high',
          evidence: {
            previousUsers: 10,
            activeUsers: 6,
            dropPercent: 40,
            previousFrom: '2026-01-25',
            previousTo: '2026-02-23',
            from: '2026-02-24',
            to: D,
          },
        },
      ]);
      expect(await alertsOf(miss)).toEqual([]);
    });

    it('champion_left: a champion who left fires; another contact, or one who left long ago, does not', async () => {
      const hit = await account('Lost champion');
      const miss = await account('Kept champion');
      const cleo = await createContact(ctx, {
        accountId: hit,
        name: 'Cleo Park',
        title: 'VP Operations',
        roles: ['champion'],
      });
      await markContactLeft(ctx, cleo.id, { leftOn: '2026-03-20', reason: 'joined a competitor' });
      const user = await createContact(ctx, { accountId: miss, name: 'Uma User' });
      await markContactLeft(ctx, user.id, { leftOn: '2026-03-20' });
      const old = await createContact(ctx, { accountId: miss, name: 'Olga', roles: ['champion'] });
      await markContactLeft(ctx, old.id, { leftOn: '2026-01-10' });
      await evaluateAlerts(ctx, D);
      const [a] = await alertsOf(hit, 'champion_left');
      expect(a).toMatchObject({
        causeKey: cleo.id,
        title: 'Champion left: Cleo Park',
        evidence: { contactId: cleo.id, leftOn: '2026-03-20', reason: 'joined a competitor' },
      });
      expect(a!.reason).toBe(
        "Cleo Park (VP Operations), the account's champion, left on 2026-03-20: joined a competitor.",
      );
      expect(await alertsOf(miss)).toEqual([]);
    });

    it('support_spike: 4 tickets this week against none before fires; against 20 in 90 days does not', async () => {
      const hit = await account('Spiking');
      const miss = await account('Busy as usual');
      const ticket = (accountId: string, day: string) =>
        createTicket(ctx, { accountId, subject: 'Help', openedAt: `${day}T10:00:00.000Z` });
      for (const d of ['2026-03-19', '2026-03-21', '2026-03-24', D]) {
        await ticket(hit, d);
        await ticket(miss, d);
      }
      // 20 tickets over the 90 days before: 1.56 a week, so 4 is under 3×.
      for (let i = 0; i < 20; i++) await ticket(miss, addDays('2026-03-18', -4 * i));
      await evaluateAlerts(ctx, D);
      expect(await alertsOf(hit, 'support_spike')).toMatchObject([
        {
          causeKey: '2026-W13',
          evidence: { tickets: 4, baselineTickets: 0, weeklyAverage: 0, from: '2026-03-19', to: D },
        },
      ]);
      expect(await alertsOf(miss)).toEqual([]);
    });

    it('detractor_nps: an answer of 4 fires; a 7, or a 2 long ago, does not', async () => {
      const hit = await account('Unhappy');
      const miss = await account('Fine');
      const dana = await createContact(ctx, { accountId: hit, name: 'Dana Lee' });
      const r = await createSurveyResponse(ctx, {
        accountId: hit,
        kind: 'nps',
        score: 4,
        comment: 'Too slow',
        contactId: dana.id,
        respondedAt: '2026-03-22T08:00:00.000Z',
      });
      const nps = (score: number, at: string) =>
        createSurveyResponse(ctx, { accountId: miss, kind: 'nps', score, respondedAt: at });
      await nps(7, '2026-03-22T08:00:00.000Z');
      await nps(2, '2026-01-05T08:00:00.000Z');
      await evaluateAlerts(ctx, D);
      expect(await alertsOf(hit, 'detractor_nps')).toMatchObject([
        {
          causeKey: r.id,
          title: 'Detractor NPS: 4 from Dana Lee',
          evidence: { score: 4, contactName: 'Dana Lee', comment: 'Too slow' },
        },
      ]);
      expect(await alertsOf(miss)).toEqual([]);
    });

    it('onboarding_no_login: 20 days onboarding with no user fires; a login, or 10 days, does not', async () => {
      ctx.setNow('2026-03-05T09:00:00.000Z');
      const hit = await account('Silent', { productId: 'p-silent' });
      const used = await account('Logged in', { productId: 'p-used' });
      ctx.setNow('2026-03-15T09:00:00.000Z');
      const young = await account('Young', { productId: 'p-young' });
      ctx.setNow(NOW);
      await activeUsers(db.db, used, ['2026-03-12'], 1);
      await evaluateAlerts(ctx, D);
      expect(await alertsOf(hit, 'onboarding_no_login')).toMatchObject([
        {
          causeKey: '2026-03-05',
          title: 'No login 20 days into onboarding',
          evidence: { stageStartedOn: '2026-03-05', daysInOnboarding: 20, activeUsers: 0 },
        },
      ]);
      expect(await alertsOf(used)).toEqual([]);
      expect(await alertsOf(young)).toEqual([]);
    });

    it('renewal_risk: renewing in 46 days while Yellow fires; Green, or 76 days out, does not', async () => {
      const sub = (accountId: string, endDate: string) =>
        createSubscription(ctx, {
          accountId,
          plan: 'Pro',
          mrrMinor: 50_000,
          startDate: '2025-05-10',
          endDate,
        });
      const hit = await account('Renewing yellow');
      const green = await account('Renewing green');
      const later = await account('Renewing later');
      await sub(hit, '2026-05-10');
      await sub(green, '2026-05-10');
      await sub(later, '2026-06-09');
      await snapshot(db.db, hit, '2026-03-24', 71, 'Yellow');
      await snapshot(db.db, green, '2026-03-24', 85, 'Green');
      await snapshot(db.db, later, '2026-03-24', 71, 'Yellow');
      await evaluateAlerts(ctx, D);
      expect(await alertsOf(hit, 'renewal_risk')).toMatchObject([
        {
          causeKey: '2026-05-10',
          severity: 'medium',
          evidence: { daysToRenewal: 46, tier: 'Yellow', topTier: 'Green', scoredOn: '2026-03-24' },
        },
      ]);
      expect(await alertsOf(green)).toEqual([]);
      expect(await alertsOf(later)).toEqual([]);
    });

    it('red_no_intervention: Red for 20 days untouched fires; a call, an acknowledged alert, or 10 days do not', async () => {
      const hit = await account('Red and alone');
      const called = await account('Red and called');
      const handled = await account('Red and handled');
      const young = await account('Recently red');
      for (const id of [hit, called, handled]) {
        await snapshot(db.db, id, '2026-03-04', 82, 'Green');
        await snapshots(db.db, id, '2026-03-05', D, 40, 'Red');
      }
      await snapshots(db.db, young, '2026-03-15', D, 40, 'Red');
      // Red since the 5th but Yellow for a day on the 15th: the run began on the 16th.
      const broken = await account('Red, yellow, red');
      await snapshots(db.db, broken, '2026-03-05', '2026-03-14', 40, 'Red');
      await snapshot(db.db, broken, '2026-03-15', 61, 'Yellow');
      await snapshots(db.db, broken, '2026-03-16', D, 40, 'Red');
      await addActivity(ctx, called, {
        kind: 'call',
        title: 'Rescue call',
        occurredAt: '2026-03-12T15:00:00.000Z',
      });
      // An alert acknowledged during the run counts as an intervention.
      await createSurveyResponse(ctx, {
        accountId: handled,
        kind: 'nps',
        score: 3,
        respondedAt: '2026-03-10T08:00:00.000Z',
      });
      ctx.setNow('2026-03-10T12:00:00.000Z');
      await evaluateAlerts(ctx, '2026-03-10');
      const [nps] = await alertsOf(handled, 'detractor_nps');
      await acknowledgeAlert(ctx, nps!.id);
      ctx.setNow(NOW);
      await evaluateAlerts(ctx, D);
      expect(await alertsOf(hit, 'red_no_intervention')).toMatchObject([
        {
          causeKey: '2026-03-05',
          severity: 'critical',
          title: 'Red for 20 days with no intervention',
          evidence: { tier: 'Red', redSince: '2026-03-05', daysInTier: 20, lastScoredOn: D },
        },
      ]);
      for (const id of [called, handled, young, broken])
        expect(await alertsOf(id, 'red_no_intervention')).toEqual([]);
    });

    it('never duplicates: the same day again, the next day, and a resolved alert stays resolved', async () => {
      const a = await account('Troubled');
      await snapshot(db.db, a, '2026-03-01', 84, 'Green');
      await snapshot(db.db, a, '2026-03-24', 82, 'Green');
      await snapshots(db.db, a, '2026-03-25', '2026-03-26', 40, 'Red');
      const dana = await createContact(ctx, { accountId: a, name: 'Dana', roles: ['champion'] });
      await markContactLeft(ctx, dana.id, { leftOn: '2026-03-20' });
      for (const d of ['2026-03-20', '2026-03-21', '2026-03-22'])
        await createTicket(ctx, { accountId: a, subject: 'Down', openedAt: `${d}T10:00:00.000Z` });

      const first = await evaluateAlerts(ctx, D);
      expect(first.created).toBe(4);
      expect(first.byKind).toMatchObject({
        score_drop: 1,
        tier_change: 1,
        champion_left: 1,
        support_spike: 1,
      });
      expect((await evaluateAlerts(ctx, D)).created).toBe(0);
      const champion = (await alertsOf(a, 'champion_left'))[0]!;
      ctx.setNow('2026-03-26T12:00:00.000Z');
      await resolveAlert(ctx, champion.id, 'Met the new VP');
      const next = await evaluateAlerts(ctx, '2026-03-26');
      expect(next.created).toBe(0);
      expect(await alertsOf(a)).toHaveLength(4);
      expect((await alertsOf(a, 'champion_left'))[0]).toMatchObject({ status: 'resolved' });
      const tl = await listTimeline(ctx, a, { limit: 20, kinds: ['alert'] });
      expect(tl.items).toHaveLength(5); // four raised, one resolved with its note
      expect(tl.items[0]).toMatchObject({ title: `Alert resolved: ${champion.title}` });
      expect(tl.items[0]!.body).toBe('Met the new VP');
    });

    it('a score flapping across a tier boundary raises one tier_change per episode', async () => {
      const a = await account('Flapping');
      const flap = ['2026-03-18', '2026-03-19', '2026-03-20', '2026-03-21', '2026-03-22'];
      for (const [i, day] of [...flap, '2026-03-23', '2026-03-24', D].entries())
        await snapshot(db.db, a, day, i % 2 ? 79 : 81, i % 2 ? 'Yellow' : 'Green');
      for (const day of flap) {
        ctx.setNow(`${day}T12:00:00.000Z`);
        await evaluateAlerts(ctx, day);
      }
      const causes = async () => (await alertsOf(a, 'tier_change')).map((x) => x.causeKey);
      expect(await causes()).toEqual(['2026-03-19:Green>Yellow']);
      // Resolved on the 23rd: the fall on the 21st was part of it; the one on the 25th is new.
      ctx.setNow('2026-03-23T12:00:00.000Z');
      await resolveAlert(ctx, (await alertsOf(a, 'tier_change'))[0]!.id);
      await evaluateAlerts(ctx, '2026-03-23');
      expect(await causes()).toEqual(['2026-03-19:Green>Yellow']);
      ctx.setNow(NOW);
      await evaluateAlerts(ctx, D);
      expect(await causes()).toEqual(['2026-03-25:Green>Yellow', '2026-03-19:Green>Yellow']);
    });

    it('uses the thresholds from settings', async () => {
      const a = await account('Sensitive');
      await snapshot(db.db, a, '2026-03-01', 84, 'Green');
      await snapshot(db.db, a, '2026-03-15', 79, 'Green');
      expect((await evaluateAlerts(ctx, D)).created).toBe(0);
      await putAlertSettings(ctx, { scoreDropPoints: 5 });
      expect((await evaluateAlerts(ctx, D)).byKind.score_drop).toBe(1);
      await expect(putAlertSettings(ctx, { redDays: 0 })).rejects.toThrow(/redDays/);
    });

    it('runs a fixed number of statements whatever the number of accounts', async () => {
      const make = async (n: number, tag: string) => {
        const ids: string[] = [];
        for (let i = 0; i < n; i++) {
          const id = await account(`${tag} ${i}`, { productId: `${tag}-${i}` });
          await snapshot(db.db, id, '2026-03-24', 85, 'Green');
          await activeUsers(db.db, id, ['2026-03-20'], 2);
          ids.push(id);
        }
        return ids;
      };
      const one = await make(1, 'one');
      const many = await make(25, 'many');
      await evaluateAlerts(ctx, D); // the first run also installs the preset models
      const counting = countingCtx(db.db, db.dialect, NOW);
      await evaluateAlerts(counting.ctx, D, one);
      const forOne = counting.count();
      expect(forOne).toBeGreaterThan(10);
      counting.reset();
      await evaluateAlerts(counting.ctx, D, many);
      expect(counting.count()).toBe(forOne);
      counting.reset();
      await evaluateAlerts(counting.ctx, D);
      expect(counting.count()).toBe(forOne);
    });

    it('refuses a day in the future', async () => {
      await expect(evaluateAlerts(ctx, '2026-03-26')).rejects.toThrow(/after today/);
    });
  });
}
