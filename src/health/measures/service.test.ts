import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { testCtx } from '../../testing/ctx.js';
import { createAccount, setArchived } from '../../accounts/account/service.js';
import { putUsageSettings } from '../../usage/settings.js';
import { makeCtx } from '../../core/context.js';
import { MEASURE_IDS, type MeasureValues } from './registry.js';
import { measuresAt, measuresAtMany } from './service.js';
import {
  addContact,
  addEventDay,
  addManual,
  addMovement,
  addNps,
  addSubscription,
  addTicket,
  addTouch,
  addUserDays,
} from './testing.js';

const AS_OF = '2026-06-30';
/** The first instant after AS_OF: records stamped here do not exist yet. */
const END = '2026-07-01T00:00:00.000Z';

const FEATURES = {
  'Report Exported': 'reporting',
  'Report Viewed': 'reporting',
  'Dashboard Viewed': 'dashboards',
  'Invite Sent': 'collaboration',
};

/** Every measure as null, with the given ones set. */
function values(set: Partial<MeasureValues>): MeasureValues {
  const out = Object.fromEntries(MEASURE_IDS.map((id) => [id, null])) as Record<
    string,
    number | null
  >;
  return { ...out, ...set } as MeasureValues;
}

/** Account A: something in every table, with records on both sides of every boundary. */
async function seedA(db: TestDb, a: string): Promise<void> {
  const d = db.db;
  // Usage: June 1–30 is the window, May 2–31 the one before.
  await addUserDays(d, a, [
    ['u1', '2026-06-30'],
    ['u1', '2026-06-29'],
    ['u1', '2026-06-10'],
    ['u2', '2026-06-30'],
    ['u3', '2026-06-01'],
    ['u1', '2026-05-31'],
    ['u4', '2026-05-02'],
    ['u4', '2026-05-15'],
    ['u5', '2026-05-01'], // before both windows
    ['u6', '2026-07-01'], // after asOf
  ]);
  await addEventDay(d, a, '2026-06-30', 'Report Exported');
  await addEventDay(d, a, '2026-06-02', 'Report Viewed');
  await addEventDay(d, a, '2026-06-01', 'Dashboard Viewed');
  await addEventDay(d, a, '2026-06-15', 'Unmapped Thing');
  await addEventDay(d, a, '2026-05-31', 'Invite Sent'); // before the window
  await addEventDay(d, a, '2026-07-01', 'Invite Sent'); // after asOf

  // Subscriptions: live on asOf are S1, S2 (canceled later), S6 (expires later), S7.
  const s1 = await addSubscription(d, a, {
    start_date: '2026-01-01',
    end_date: '2026-12-31',
    seats: 10,
  });
  await addSubscription(d, a, {
    start_date: '2026-02-01',
    end_date: '2026-08-01',
    seats: 2,
    status: 'canceled',
    canceled_on: '2026-07-15',
  });
  await addSubscription(d, a, { start_date: '2026-01-01', seats: 100, status: 'trialing' });
  await addSubscription(d, a, {
    start_date: '2026-01-01',
    end_date: '2026-07-05',
    seats: 50,
    status: 'canceled',
    canceled_on: AS_OF,
  });
  await addSubscription(d, a, { start_date: '2026-07-02', end_date: '2026-07-10', seats: 7 });
  await addSubscription(d, a, {
    start_date: '2026-03-01',
    end_date: '2026-07-20',
    status: 'expired',
  });
  await addSubscription(d, a, { start_date: '2025-01-01', end_date: '2026-06-29' });

  // Revenue: 1500 at the window start (Jan 2), +500 in it, −500 contraction in it.
  for (const [kind, effective_date, mrr_delta_minor] of [
    ['new', '2025-06-01', 1000],
    ['expansion', '2026-01-01', 500],
    ['expansion', '2026-01-02', 500],
    ['contraction', '2026-03-01', -400],
    ['contraction', AS_OF, -100],
    ['contraction', '2026-07-01', -1000],
  ] as const) {
    await addMovement(d, a, s1, { kind, effective_date, mrr_delta_minor });
  }

  // Tickets.
  await addTicket(d, a, { opened_at: '2026-06-10T09:00:00.000Z' });
  await addTicket(d, a, {
    opened_at: '2026-05-20T09:00:00.000Z',
    priority: 'high',
    status: 'solved',
    resolved_at: '2026-07-02T09:00:00.000Z',
    csat: 5,
  });
  await addTicket(d, a, {
    opened_at: '2026-03-01T09:00:00.000Z',
    priority: 'low',
    status: 'pending',
    escalated: 1,
  });
  await addTicket(d, a, { opened_at: END, priority: 'urgent' });
  await addTicket(d, a, {
    opened_at: '2026-06-14T09:00:00.000Z',
    status: 'closed',
    resolved_at: '2026-06-15T09:00:00.000Z',
    csat: 4,
  });
  await addTicket(d, a, {
    opened_at: '2026-04-01T09:00:00.000Z',
    status: 'solved',
    resolved_at: '2026-04-02T00:00:00.000Z',
    csat: 2,
  });
  await addTicket(d, a, {
    opened_at: '2026-03-30T09:00:00.000Z',
    status: 'solved',
    resolved_at: '2026-04-01T23:59:59.999Z',
    csat: 1,
  });
  await addTicket(d, a, { opened_at: '2026-05-01T23:59:59.999Z', status: 'solved' });
  await addTicket(d, a, {
    opened_at: '2026-05-02T00:00:00.000Z',
    status: 'solved',
    resolved_at: '2026-06-20T09:00:00.000Z',
  });
  await addTicket(d, a, { opened_at: '2026-06-30T23:59:59.999Z', priority: 'urgent' });

  // NPS: 180 days from Jan 2, the last 90 from Apr 2.
  await addNps(d, a, 10, '2026-06-30T23:00:00.000Z');
  await addNps(d, a, 9, '2026-05-01T10:00:00.000Z');
  await addNps(d, a, 3, '2026-04-02T00:00:00.000Z');
  await addNps(d, a, 9, '2026-03-15T10:00:00.000Z');
  await addNps(d, a, 6, '2026-01-02T00:00:00.000Z');
  await addNps(d, a, 0, '2026-01-01T23:59:59.999Z');
  await addNps(d, a, 10, END);
  await addNps(d, a, 1, '2026-06-01T10:00:00.000Z', 'csat');

  // Contacts.
  await addContact(d, a, { created_at: '2026-01-01T00:00:00.000Z', is_champion: 1 });
  await addContact(d, a, {
    created_at: '2026-01-01T00:00:00.000Z',
    is_executive_sponsor: 1,
    left_on: AS_OF,
  });
  await addContact(d, a, { created_at: END, is_executive_sponsor: 1 });
  await addContact(d, a, {
    created_at: '2026-01-01T00:00:00.000Z',
    is_executive_sponsor: 1,
    archived_at: '2026-06-01T00:00:00.000Z',
  });

  // Timeline.
  await addTouch(d, a, 'note', '2026-06-20T10:00:00.000Z');
  await addTouch(d, a, 'call', '2026-06-25T23:59:59.999Z');
  await addTouch(d, a, 'meeting', END);
  await addTouch(d, a, 'email_sent', '2026-06-29T10:00:00.000Z');
  await addTouch(d, a, 'payment_failed', '2026-06-01T10:00:00.000Z');
  await addTouch(d, a, 'payment_failed', '2026-04-01T23:59:59.999Z');

  // Manual: the latest fresh sentiment is 7 (the later 3 went stale on Jun 29).
  const manual = [
    ['manual.csm_sentiment', 7, '2026-06-01T10:00:00.000Z', '2026-08-01'],
    ['manual.csm_sentiment', 9, END, '2026-12-01'],
    ['manual.csm_sentiment', 3, '2026-06-20T10:00:00.000Z', '2026-06-29'],
    ['manual.executive_engagement', 5, '2026-03-01T10:00:00.000Z', AS_OF],
    ['manual.executive_engagement', 8, '2026-02-01T10:00:00.000Z', '2026-12-01'],
  ] as const;
  for (const [measure, value, recorded_at, stale_after] of manual) {
    await addManual(d, a, { measure, value, recorded_at, stale_after });
  }
}

const A_VALUES = values({
  'usage.stickiness': 5 / 30 / 3,
  'usage.feature_breadth': 2 / 3,
  'usage.seat_utilisation': 3 / 12,
  'usage.login_frequency': 5 / 3,
  'usage.active_users_trend': 50,
  'support.open_tickets': 4,
  'support.urgent_tickets': 3,
  'support.ticket_trend': 50,
  'support.csat': 3,
  'voice.nps': 20,
  'voice.nps_trend': 22 / 3 - 7.5,
  'relationship.champion': 1,
  'relationship.executive_sponsor': 0,
  'relationship.last_touch_days': 5,
  'commercial.days_to_renewal': 20,
  'commercial.payment_issues': 1,
  'commercial.contraction': 25,
  'manual.csm_sentiment': 7,
  'manual.executive_engagement': 5,
});

function expectValues(actual: MeasureValues | undefined, expected: MeasureValues): void {
  expect(actual).toBeDefined();
  expect(Object.keys(actual!).sort()).toEqual([...MEASURE_IDS].sort());
  for (const id of MEASURE_IDS) {
    const want = expected[id];
    if (want === null) expect(actual![id], id).toBeNull();
    else expect(actual![id], id).toBeCloseTo(want, 12);
  }
}

for (const dialect of testDialects()) {
  describe(`health measures on ${dialect}`, () => {
    let db: TestDb;
    let ctx: ReturnType<typeof testCtx>;
    let a: string;
    let b: string;
    let c: string;
    let archived: string;
    let e: string;

    beforeAll(async () => {
      db = await freshTestDb(dialect);
      ctx = testCtx(db, '2026-07-10T12:00:00.000Z');
      await putUsageSettings(ctx, { features: FEATURES });
      a = (await createAccount(ctx, { name: 'Acme', productId: 'prod-a' })).id;
      b = (await createAccount(ctx, { name: 'Blank' })).id;
      c = (await createAccount(ctx, { name: 'Quiet', productId: 'prod-c' })).id;
      archived = (await createAccount(ctx, { name: 'Gone' })).id;
      e = (await createAccount(ctx, { name: 'Sponsored' })).id;
      await seedA(db, a);
      const sc = await addSubscription(db.db, c, {
        start_date: '2025-12-01',
        end_date: '2026-09-28',
        seats: 5,
      });
      await addMovement(db.db, c, sc, {
        kind: 'new',
        effective_date: '2025-12-01',
        mrr_delta_minor: 2000,
      });
      await addUserDays(db.db, archived, [['x', AS_OF]]);
      await setArchived(ctx, archived, true);
      await addContact(db.db, e, { created_at: '2026-01-01T00:00:00.000Z', is_champion: 0 });
      await addContact(db.db, e, {
        created_at: '2026-01-01T00:00:00.000Z',
        is_executive_sponsor: 1,
        left_on: '2026-07-01',
      });
    });
    afterAll(async () => {
      await db.destroy();
    });

    it('computes every measure of a full account exactly, on both sides of each boundary', async () => {
      const all = await measuresAt(ctx, AS_OF, [a]);
      expectValues(all.get(a), A_VALUES);
    });

    it('gives null for no data and 0 where the absence is itself a fact', async () => {
      const m = await measuresAt(ctx, AS_OF, [b, c, e]);
      // Nothing recorded: null, except ticket counts (no open ticket is a count of 0).
      expectValues(m.get(b), values({ 'support.open_tickets': 0, 'support.urgent_tickets': 0 }));
      // Linked to the product but silent, one live subscription, no contraction.
      expectValues(
        m.get(c),
        values({
          'usage.stickiness': 0,
          'usage.feature_breadth': 0,
          'usage.seat_utilisation': 0,
          'usage.login_frequency': 0,
          'support.open_tickets': 0,
          'support.urgent_tickets': 0,
          'commercial.days_to_renewal': 90,
          'commercial.payment_issues': 0,
          'commercial.contraction': 0,
        }),
      );
      // Contacts on record: the flags are 0/1; a sponsor leaving after asOf is still there.
      expect(m.get(e)).toMatchObject({
        'relationship.champion': 0,
        'relationship.executive_sponsor': 1,
      });
    });

    it('scores every account that is not archived when no ids are given', async () => {
      const all = await measuresAt(ctx, AS_OF);
      expect([...all.keys()].sort()).toEqual([a, b, c, e].sort());
      expectValues(all.get(a), A_VALUES);
      const asked = await measuresAt(ctx, AS_OF, [archived, archived]);
      expect(asked.size).toBe(1);
      expect(asked.get(archived)!['usage.login_frequency']).toBe(1);
    });

    it('answers unknown ids with empty values and many ids in chunks', async () => {
      const many = [...Array.from({ length: 1203 }, (_, i) => `acc_none_${i}`), a, c];
      const m = await measuresAt(ctx, AS_OF, many);
      expect(m.size).toBe(1205);
      expectValues(m.get(a), A_VALUES);
      expectValues(
        m.get('acc_none_7'),
        values({ 'support.open_tickets': 0, 'support.urgent_tickets': 0 }),
      );
      expect(await measuresAt(ctx, AS_OF, [])).toEqual(new Map());
    });

    it('moves with the as-of day: a later day sees later records and drops stale ones', async () => {
      const later = (await measuresAt(ctx, '2026-07-02', [a])).get(a)!;
      expect(later['manual.csm_sentiment']).toBe(9);
      expect(later['manual.executive_engagement']).toBe(8);
      expect(later['relationship.last_touch_days']).toBe(1);
      // The high-priority ticket was solved on Jul 2; the urgent one opened on Jul 1 is open.
      expect(later['support.open_tickets']).toBe(4);
      const earlier = (await measuresAt(ctx, '2025-12-31', [a])).get(a)!;
      expect(earlier['manual.csm_sentiment']).toBeNull();
      expect(earlier['relationship.champion']).toBeNull();
    });

    it('computes backtest points per day, keyed account|day, equal to the single-day path', async () => {
      const points = [
        { accountId: a, asOf: AS_OF },
        { accountId: c, asOf: AS_OF },
        { accountId: a, asOf: '2026-07-02' },
        { accountId: a, asOf: AS_OF },
      ];
      const m = await measuresAtMany(ctx, points);
      expect([...m.keys()].sort()).toEqual(
        [`${a}|2026-07-02`, `${a}|${AS_OF}`, `${c}|${AS_OF}`].sort(),
      );
      expectValues(m.get(`${a}|${AS_OF}`), A_VALUES);
      expect(m.get(`${a}|2026-07-02`)).toEqual((await measuresAt(ctx, '2026-07-02', [a])).get(a));
      expect(await measuresAtMany(ctx, [])).toEqual(new Map());
    });

    it('refuses a malformed day and readers without the right', async () => {
      await expect(measuresAt(ctx, '2026-02-30')).rejects.toMatchObject({
        code: 'validation',
        message: expect.stringContaining('asOf'),
      });
      await expect(measuresAtMany(ctx, [{ accountId: a, asOf: 'soon' }])).rejects.toMatchObject({
        code: 'validation',
      });
      const blind = makeCtx(db.db, db.dialect, { access: () => false });
      await expect(measuresAt(blind, AS_OF)).rejects.toMatchObject({ code: 'forbidden' });
    });
  });
}
