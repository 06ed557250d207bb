import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { addDays, addMonths, daysBetween } from '../core/clock.js';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { getSetting, putSetting } from '../settings/service.js';
import { testCtx } from '../testing/ctx.js';
import { BULK_COLUMNS, type BulkTable } from './bulk.js';
import { accountDays, ACTIVITY_MONTHS, demoCalendar } from './days.js';
import { buildPlan } from './plan.js';
import { buildDemo } from './service.js';
import { ticketRows } from './tickets.js';
import { DEMO_FEATURES, usageRows } from './usage.js';

const TODAY = '2026-11-23T10:00:00.000Z';
const DAY = TODAY.slice(0, 10);
const WINDOW_START = addMonths(DAY, -ACTIVITY_MONTHS);
// Seed 7's first 40 accounts include seven churns with four live months before them.
const OPTS = { seed: 7, accounts: 40 };

/** Every row of the generated tables, with database ids replaced by CRM and contact ids. */
async function activitySnapshot(db: TestDb): Promise<Record<string, string[]>> {
  const accounts = await db.db.selectFrom('accounts').select(['id', 'crm_id']).execute();
  const contacts = await db.db.selectFrom('contacts').select(['id', 'external_id']).execute();
  const crm = new Map(accounts.map((a) => [a.id, a.crm_id]));
  const ext = new Map(contacts.map((c) => [c.id, c.external_id]));
  const out: Record<string, string[]> = {};
  for (const table of Object.keys(BULK_COLUMNS) as BulkTable[]) {
    const rows = (await db.db.selectFrom(table).selectAll().execute()) as Record<string, unknown>[];
    out[table] = rows
      .map((r) => {
        const x: Record<string, unknown> = { ...r, account_id: crm.get(String(r.account_id)) };
        if ('contact_id' in r) x.contact_id = r.contact_id ? ext.get(String(r.contact_id)) : null;
        // Numbers may come back as bigint text on one driver and numbers on another.
        return JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
      })
      .sort();
  }
  return out;
}

interface Spell {
  accountId: string;
  segment: string;
  churn: string;
}

/** Churn dates and the day each account (re)started, from the revenue movements. */
async function lifeOf(db: TestDb) {
  const moves = await db.db
    .selectFrom('revenue_movements as m')
    .innerJoin('accounts as a', 'a.id', 'm.account_id')
    .select(['m.account_id', 'a.segment', 'm.kind', 'm.effective_date'])
    .where('m.kind', 'in', ['new', 'churn', 'reactivation'])
    .orderBy('m.effective_date')
    .execute();
  const starts = new Map<string, string[]>();
  const churns: Spell[] = [];
  for (const m of moves) {
    if (m.kind === 'churn') {
      churns.push({ accountId: m.account_id, segment: m.segment ?? '', churn: m.effective_date });
    } else starts.set(m.account_id, [...(starts.get(m.account_id) ?? []), m.effective_date]);
  }
  return { starts, churns };
}

for (const dialect of testDialects()) {
  describe(`demo usage, tickets and NPS on ${dialect}`, () => {
    let db: TestDb;
    let first: Record<string, string[]>;
    const custom = { 'Page Viewed': 'core' };

    beforeAll(async () => {
      const a = await freshTestDb(dialect);
      await buildDemo(testCtx(a, TODAY), OPTS);
      first = await activitySnapshot(a);
      expect(await getSetting(a.db, 'usage.features', null)).toEqual(DEMO_FEATURES);
      await a.destroy();
      db = await freshTestDb(dialect);
      // An installation that already named its features keeps them.
      await putSetting(db.db, 'usage.features', custom, new Date(TODAY));
      await buildDemo(testCtx(db, TODAY), OPTS);
    });
    afterAll(async () => db.destroy());

    it('is deterministic: same seed and day give the same rows', async () => {
      expect(await activitySnapshot(db)).toEqual(first);
      expect(first.usage_daily_user!.length).toBeGreaterThan(5000);
      expect(first.tickets!.length).toBeGreaterThan(100);
      expect(first.survey_responses!.length).toBeGreaterThan(20);
      expect(await getSetting(db.db, 'usage.features', null)).toEqual(custom);
    });

    it('keeps the three rollups and product users consistent', async () => {
      const users = await db.db
        .selectFrom('usage_daily_user_event')
        .select(['account_id', 'day', 'event', sql<number>`count(distinct user_key)`.as('n')])
        .groupBy(['account_id', 'day', 'event'])
        .execute();
      const events = await db.db.selectFrom('usage_daily_event').selectAll().execute();
      const key = (r: { account_id: string; day: string; event: string }) =>
        `${r.account_id}|${r.day}|${r.event}`;
      const byKey = new Map(users.map((u) => [key(u), Number(u.n)]));
      expect(events.length).toBe(users.length);
      for (const e of events) {
        expect(byKey.get(key(e)), key(e)).toBe(Number(e.users));
        expect(Number(e.events)).toBeGreaterThanOrEqual(Number(e.users));
      }
      const orphans = await db.db
        .selectFrom('usage_daily_user_event as ue')
        .leftJoin('usage_daily_user as u', (j) =>
          j
            .onRef('u.account_id', '=', 'ue.account_id')
            .onRef('u.day', '=', 'ue.day')
            .onRef('u.user_key', '=', 'ue.user_key'),
        )
        .select('ue.user_key')
        .where('u.user_key', 'is', null)
        .execute();
      expect(orphans).toHaveLength(0);
      const sums = await db.db
        .selectFrom('usage_daily_user')
        .select([
          'user_key',
          'account_id',
          sql<number>`sum(events)`.as('events'),
          sql<string>`min(first_at)`.as('first'),
          sql<string>`max(last_at)`.as('last'),
        ])
        .groupBy(['user_key', 'account_id'])
        .execute();
      const people = await db.db.selectFrom('product_users').selectAll().execute();
      expect(people.length).toBe(sums.length);
      const byUser = new Map(people.map((p) => [p.user_key, p]));
      for (const s of sums) {
        const p = byUser.get(s.user_key);
        expect(p?.account_id).toBe(s.account_id);
        expect(Number(p?.events)).toBe(Number(s.events));
        expect([p?.first_seen_at, p?.last_seen_at]).toEqual([s.first, s.last]);
      }
      const days = await db.db
        .selectFrom('usage_daily_user')
        .select((eb) => [eb.fn.min('day').as('from'), eb.fn.max('day').as('to')])
        .executeTakeFirstOrThrow();
      expect(String(days.from) >= WINDOW_START).toBe(true);
      expect(String(days.to) < DAY).toBe(true);
    });

    it('keeps each contact’s latest NPS equal to their newest response', async () => {
      const rows = await db.db
        .selectFrom('survey_responses as r')
        .innerJoin('contacts as c', 'c.id', 'r.contact_id')
        .select(['c.id', 'c.latest_nps', 'r.score', 'r.responded_at', 'r.id as rid'])
        .orderBy('r.responded_at')
        .orderBy('r.id')
        .execute();
      const newest = new Map(rows.map((r) => [r.id, r]));
      expect(newest.size).toBeGreaterThan(10);
      for (const r of newest.values()) expect(Number(r.latest_nps), r.id).toBe(Number(r.score));
    });

    it('stops usage, tickets and surveys while an account is churned', async () => {
      const { starts, churns } = await lifeOf(db);
      expect(churns.length).toBeGreaterThan(5);
      for (const c of churns) {
        const back = (starts.get(c.accountId) ?? []).find((d) => d > c.churn) ?? '9999-12-31';
        const [usage, tickets, surveys] = await Promise.all([
          db.db
            .selectFrom('usage_daily_user')
            .select('day')
            .where('account_id', '=', c.accountId)
            .where('day', '>=', c.churn)
            .where('day', '<', back)
            .execute(),
          db.db
            .selectFrom('tickets')
            .select('opened_at')
            .where('account_id', '=', c.accountId)
            .where('opened_at', '>=', c.churn)
            .where('opened_at', '<', back)
            .execute(),
          db.db
            .selectFrom('survey_responses')
            .select('responded_at')
            .where('account_id', '=', c.accountId)
            .where('responded_at', '>=', c.churn)
            .where('responded_at', '<', back)
            .execute(),
        ]);
        expect(
          [usage, tickets, surveys].map((x) => x.length),
          c.accountId,
        ).toEqual([0, 0, 0]);
      }
    });

    it('tells the churn story: usage falls and tickets spike before a churn', async () => {
      const { starts, churns } = await lifeOf(db);
      const dau = await db.db
        .selectFrom('usage_daily_user')
        .select(['account_id', 'day', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy(['account_id', 'day'])
        .execute();
      const daily = new Map(dau.map((r) => [`${r.account_id}|${r.day}`, Number(r.n)]));
      const mean = (id: string, from: string, days: number) => {
        let s = 0;
        for (let i = 0; i < days; i++) s += daily.get(`${id}|${addDays(from, i)}`) ?? 0;
        return s / days;
      };
      const tickets = await db.db
        .selectFrom('tickets as t')
        .innerJoin('accounts as a', 'a.id', 't.account_id')
        .select(['t.account_id', 'a.segment', 't.opened_at'])
        .execute();
      // Healthy: never churned and a customer for the whole window.
      const churned = new Set(churns.map((c) => c.accountId));
      const perSegment = new Map<string, { tickets: number; accounts: number }>();
      const accounts = await db.db.selectFrom('accounts').select(['id', 'segment']).execute();
      for (const a of accounts) {
        const first = starts.get(a.id)?.[0];
        if (churned.has(a.id) || !first || first > WINDOW_START) continue;
        const g = perSegment.get(a.segment ?? '') ?? { tickets: 0, accounts: 0 };
        g.accounts++;
        g.tickets += tickets.filter((t) => t.account_id === a.id).length;
        perSegment.set(a.segment ?? '', g);
      }
      const windowDays = daysBetween(WINDOW_START, DAY);
      let falling = 0;
      let compared = 0;
      let before = 0;
      let expected = 0;
      for (const c of churns) {
        const from = addDays(c.churn, -120);
        const started = starts.get(c.accountId) ?? [];
        // Only churns with four live months of window before them.
        if (from < WINDOW_START || started.some((d) => d > from && d < c.churn)) continue;
        compared++;
        if (mean(c.accountId, addDays(c.churn, -60), 60) < mean(c.accountId, from, 60)) falling++;
        const g = perSegment.get(c.segment);
        if (!g) continue;
        const since = addDays(c.churn, -90);
        before += tickets.filter(
          (t) => t.account_id === c.accountId && t.opened_at >= since && t.opened_at < c.churn,
        ).length;
        expected += (g.tickets / g.accounts / windowDays) * 90;
      }
      expect(compared).toBeGreaterThanOrEqual(5);
      expect(falling / compared).toBeGreaterThan(0.6);
      expect(expected).toBeGreaterThan(0);
      expect(before).toBeGreaterThan(1.5 * expected);
    });
  });
}

describe('demo activity story at scale (no database)', () => {
  it('shows falling usage, ticket spikes and detractors before churn in most accounts', () => {
    const plan = buildPlan(42, 400, DAY);
    const cal = demoCalendar(DAY);
    let compared = 0;
    let falling = 0;
    let escalatedBefore = 0;
    let ticketsBefore = 0;
    const npsBefore: number[] = [];
    const npsOther: number[] = [];
    for (const a of plan.accounts) {
      const days = accountDays(42, a.firm.index, cal, a.events, a.months);
      const base = { seed: 42, index: a.firm.index, accountId: 'a', region: a.firm.region };
      const input = { ...base, cal, days, events: a.events };
      const dau = new Map<string, number>();
      for (const r of usageRows({ ...input, domain: a.firm.domain }).userDays) {
        dau.set(r.day, (dau.get(r.day) ?? 0) + 1);
      }
      const tickets = ticketRows({ ...input, segment: a.firm.segment, contactIds: new Map() });
      for (const c of days.churns) {
        if (c < 120 || days.live.subarray(c - 120, c).includes(0)) continue;
        compared++;
        const sum = (from: number) =>
          cal.days.slice(from, from + 60).reduce((s, d) => s + (dau.get(d) ?? 0), 0);
        if (sum(c - 60) < sum(c - 120)) falling++;
        const recent = tickets.filter(
          (t) => t.opened_at >= cal.days[c - 90]! && t.opened_at < cal.days[c]!,
        );
        ticketsBefore += recent.length;
        escalatedBefore += recent.filter((t) => t.escalated === 1).length;
      }
      for (const x of a.nps) {
        const d = cal.days.indexOf(x.at.slice(0, 10));
        const late = days.churns.some((c) => d >= c - 120 && d < c);
        (late ? npsBefore : npsOther).push(x.score);
      }
    }
    const avg = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(compared).toBeGreaterThan(25);
    expect(falling / compared).toBeGreaterThan(0.7);
    expect(escalatedBefore / ticketsBefore).toBeGreaterThan(0.12);
    expect(avg(npsBefore)).toBeLessThan(avg(npsOther) - 0.5);
  });
});
