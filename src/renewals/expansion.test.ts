import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createContact } from '../accounts/contact/service.js';
import { listMovements } from '../accounts/subscription/service.js';
import { addActivity } from '../accounts/timeline/service.js';
import { addDays } from '../core/clock.js';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { putUsageSettings } from '../usage/settings.js';
import { createOpportunity, expansionCandidates, moveOpportunity } from './expansion.js';
import { pipeline } from './service.js';
import { refreshSignals } from './signals.js';
import { TODAY, renewalBook, setTier } from './testing.js';

for (const dialect of testDialects()) {
  describe(`expansion on ${dialect}`, () => {
    let db: TestDb;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
    });
    afterEach(async () => db.destroy());

    it('scores every signal from the data, checks readiness, and a won opportunity books revenue', async () => {
      const { ctx, subs } = await renewalBook(db, [
        { name: 'Growing', days: 60, mrrMinor: 1_000_00, seats: 10 },
        { name: 'Quiet', days: 200, mrrMinor: 1_000_00, seats: 10 },
      ]);
      const [growing, quiet] = subs;
      const id = growing!.accountId;
      // Green for 70 days, so ready; Quiet has no score.
      for (let d = 70; d >= 0; d -= 10) await setTier(db, id, 'Green', addDays(TODAY, -d));
      // 9 of 10 seats active in the last 30 days; 12 users the month before.
      const userDays = [];
      for (let u = 0; u < 9; u++) userDays.push({ day: addDays(TODAY, -3), user: `u${u}` });
      for (let u = 0; u < 12; u++) userDays.push({ day: addDays(TODAY, -40), user: `old${u}` });
      await db.db
        .insertInto('usage_daily_user')
        .values(
          userDays.map((x) => ({
            account_id: id,
            day: x.day,
            user_key: x.user,
            events: 5,
            session_seconds: 0,
            first_at: `${x.day}T10:00:00.000Z`,
            last_at: `${x.day}T11:00:00.000Z`,
          })),
        )
        .execute();
      // Events: a limit hit and a premium look this month; reports used for months; the
      // automation module first used 10 days ago.
      await putUsageSettings(ctx, {
        features: { 'Report Created': 'reports', 'Workflow Run': 'automation' },
      });
      const ev = (day: string, event: string, events = 3) => ({
        account_id: id,
        day,
        event,
        events,
        users: 1,
      });
      await db.db
        .insertInto('usage_daily_event')
        .values([
          ev(addDays(TODAY, -100), 'Report Created'),
          ev(addDays(TODAY, -2), 'Report Created'),
          ev(addDays(TODAY, -10), 'Workflow Run'),
          ev(addDays(TODAY, -5), 'Usage Limit Reached', 2),
          ev(addDays(TODAY, -6), 'Pricing Page Viewed', 1),
        ])
        .execute();
      // Users from finance arrive; the account had only sales before.
      const pu = (key: string, department: string, first: string) => ({
        user_key: key,
        user_id: key,
        account_id: id,
        email: null,
        name: null,
        traits: JSON.stringify({ department }),
        first_seen_at: `${first}T09:00:00.000Z`,
        last_seen_at: `${TODAY}T09:00:00.000Z`,
        events: 1,
      });
      await db.db
        .insertInto('product_users')
        .values([pu('s1', 'Sales', addDays(TODAY, -200)), pu('f1', 'Finance', addDays(TODAY, -4))])
        .execute();
      // Two executive meetings this month, none before.
      const cfo = await createContact(ctx, {
        accountId: id,
        name: 'Cleo CFO',
        roles: ['executive_sponsor'],
      });
      for (const d of [3, 12])
        await addActivity(ctx, id, {
          kind: 'meeting',
          title: 'Strategy review',
          contactId: cfo.id,
          occurredAt: `${addDays(TODAY, -d)}T15:00:00.000Z`,
        });

      await refreshSignals(ctx);
      const c = await expansionCandidates(ctx, {});
      expect(c.threshold).toBe(5);
      expect(c.items.map((i) => i.accountName)).toEqual(['Growing']);
      const g = c.items[0]!;
      expect(Object.fromEntries(g.signals.map((s) => [s.key, s.points]))).toEqual({
        seat_utilisation: 3,
        new_department: 3,
        usage_limit: 3,
        premium_interest: 2,
        executive_engagement: 2,
        renewal_soon_healthy: 2,
        module_activation: 2,
      });
      expect(g.score).toBe(17);
      expect(g.signals.find((s) => s.key === 'module_activation')!.evidence).toContain(
        'automation',
      );
      expect(g.signals.find((s) => s.key === 'new_department')!.evidence).toContain('Finance');
      expect(g.ready).toBe(true);
      expect((await pipeline(ctx, { accountId: id })).items[0]!.bucket).toBe('expanding');
      expect(
        (await expansionCandidates(ctx, { minScore: 0 })).items.map((i) => i.accountName),
      ).toEqual(['Growing', 'Quiet']);

      // An urgent ticket makes it not ready.
      await db.db
        .insertInto('tickets')
        .values({
          id: 'tkt_1',
          account_id: id,
          external_id: null,
          subject: 'Outage',
          priority: 'urgent',
          status: 'open',
          opened_at: `${TODAY}T08:00:00.000Z`,
          first_response_at: null,
          resolved_at: null,
          csat: null,
          escalated: 0,
          contact_id: null,
          created_at: `${TODAY}T08:00:00.000Z`,
          updated_at: `${TODAY}T08:00:00.000Z`,
        })
        .execute();
      await refreshSignals(ctx, [id]);
      const again = (await expansionCandidates(ctx, {})).items[0]!;
      expect(again.ready).toBe(false);
      expect(again.readiness.find((r) => r.key === 'no_urgent_tickets')).toMatchObject({
        ok: false,
      });
      expect((await expansionCandidates(ctx, { ready: true })).items).toEqual([]);

      // The pipeline: identified → proposed → won adds the MRR to the subscription.
      const opp = await createOpportunity(ctx, {
        accountId: id,
        title: 'Finance team seats',
        amountMinor: 6_000_00,
        subscriptionId: growing!.subscriptionId,
      });
      expect(opp.signals).toHaveLength(7);
      await expect(
        createOpportunity(ctx, { accountId: id, title: 'x', amountMinor: 100, currency: 'EUR' }),
      ).rejects.toThrow(/currency: the account bills in USD/);
      await moveOpportunity(ctx, opp.id, { stage: 'proposed' });
      await expect(moveOpportunity(ctx, opp.id, { stage: 'qualified' })).rejects.toThrow(
        /cannot move from proposed back/,
      );
      const won = await moveOpportunity(ctx, opp.id, { stage: 'won' });
      expect(won.closedAt).not.toBeNull();
      expect((await listMovements(ctx, id)).at(-1)).toMatchObject({
        kind: 'expansion',
        mrrDeltaMinor: 500_00,
        source: `expansion:${opp.id}`,
      });
      await expect(
        moveOpportunity(ctx, opp.id, { stage: 'lost', lostReason: 'oops' }),
      ).rejects.toThrow(/closed/);

      // Without a subscription named, a won opportunity is an add-on co-termed with the renewal.
      const addOn = await createOpportunity(ctx, {
        accountId: quiet!.accountId,
        title: 'Analytics add-on',
        amountMinor: 1_200_00,
      });
      await moveOpportunity(ctx, addOn.id, { stage: 'won' });
      const created = await db.db
        .selectFrom('subscriptions')
        .selectAll()
        .where('account_id', '=', quiet!.accountId)
        .where('plan', '=', 'Analytics add-on')
        .executeTakeFirstOrThrow();
      expect(created).toMatchObject({ end_date: quiet!.renewalDate });
      expect(Number(created.mrr_minor)).toBe(100_00);
    });
  });
}
