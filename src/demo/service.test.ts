import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { addMonths } from '../core/clock.js';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { testCtx } from '../testing/ctx.js';
import { getSetting } from '../settings/service.js';
import { buildDemo, DEMO_PLAN_KEY, loadDemoIfEmpty, type DemoSummary } from './service.js';

const TODAY = '2026-11-23T10:00:00.000Z';

type ByCrm = Record<string, number>;

async function mrrByCrmId(db: TestDb): Promise<ByCrm> {
  const rows = await db.db.selectFrom('accounts').select(['crm_id', 'mrr_minor']).execute();
  return Object.fromEntries(rows.map((r) => [r.crm_id ?? '', Number(r.mrr_minor)]));
}

async function movementSums(db: TestDb): Promise<ByCrm> {
  const rows = await db.db
    .selectFrom('revenue_movements as m')
    .innerJoin('accounts as a', 'a.id', 'm.account_id')
    .select(['a.crm_id', sql<number>`sum(m.mrr_delta_minor)`.as('s')])
    .groupBy('a.crm_id')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.crm_id ?? '', Number(r.s)]));
}

async function snapshot(db: TestDb) {
  const names = await db.db.selectFrom('accounts').select(['crm_id', 'name', 'domain']).execute();
  return {
    mrr: await mrrByCrmId(db),
    movements: await movementSums(db),
    names: Object.fromEntries(names.map((r) => [r.crm_id ?? '', `${r.name} ${r.domain}`])),
  };
}

for (const dialect of testDialects()) {
  // One database open at a time: the migrator finds another schema's lock table on
  // PostgreSQL when two test schemas coexist in one process.
  describe(`demo company on ${dialect}`, () => {
    let db: TestDb;
    let first: DemoSummary;
    let second: DemoSummary;
    let firstSnap: Awaited<ReturnType<typeof snapshot>>;

    beforeAll(async () => {
      const a = await freshTestDb(dialect);
      first = await buildDemo(testCtx(a, TODAY), { seed: 7, accounts: 150 });
      firstSnap = await snapshot(a);
      await a.destroy();
      db = await freshTestDb(dialect);
      second = await buildDemo(testCtx(db, TODAY), { seed: 7, accounts: 150 });
    });
    afterAll(async () => db.destroy());

    it('is deterministic: same seed and day give the same company', async () => {
      // The demo password is random per load; everything else is the same.
      expect({ ...second, password: null }).toEqual({ ...first, password: null });
      expect(first.password).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
      expect(first.accounts).toBe(150);
      expect(await snapshot(db)).toEqual(firstSnap);
    });

    it('keeps movements, account MRR and live subscriptions in agreement', async () => {
      const sums = await movementSums(db);
      const mrr = await mrrByCrmId(db);
      const live = await db.db
        .selectFrom('subscriptions as s')
        .innerJoin('accounts as a', 'a.id', 's.account_id')
        .select(['a.crm_id', sql<number>`sum(s.mrr_minor)`.as('s')])
        .where('s.status', 'in', ['active', 'past_due'])
        .groupBy('a.crm_id')
        .execute();
      const liveBy = Object.fromEntries(live.map((r) => [r.crm_id ?? '', Number(r.s)]));
      expect(Object.keys(mrr)).toHaveLength(150);
      for (const [crm, m] of Object.entries(mrr)) {
        expect(sums[crm] ?? 0, crm).toBe(m);
        expect(liveBy[crm] ?? 0, crm).toBe(m);
      }
    });

    it('creates the team: 8 CSMs, a manager and an admin who own the book', async () => {
      const users = await db.db.selectFrom('users').select(['id', 'email', 'role']).execute();
      expect(users.filter((u) => u.role === 'csm')).toHaveLength(8);
      expect(users.map((u) => u.role).sort()).toEqual(
        [...Array(8).fill('csm'), 'admin', 'manager'].sort(),
      );
      expect(users.every((u) => u.email.endsWith('@demo.tenure.dev'))).toBe(true);
      const unowned = await db.db
        .selectFrom('accounts')
        .select('id')
        .where('owner_id', 'is', null)
        .execute();
      expect(unowned).toHaveLength(0);
    });

    it('records the manifest and refuses a second load', async () => {
      const manifest = await getSetting(db.db, DEMO_PLAN_KEY, null);
      expect(manifest).toEqual({
        version: 1,
        seed: 7,
        accounts: 150,
        today: '2026-11-23',
        historyMonths: 30,
      });
      await expect(buildDemo(testCtx(db, TODAY), { seed: 1, accounts: 5 })).rejects.toMatchObject({
        code: 'conflict',
      });
      expect(await loadDemoIfEmpty(testCtx(db, TODAY))).toBeNull();
    });
  });

  describe(`demo company content on ${dialect}`, () => {
    let db: TestDb;
    beforeAll(async () => {
      db = await freshTestDb(dialect);
      await buildDemo(testCtx(db, TODAY), { seed: 42, accounts: 600 });
    });
    afterAll(async () => db.destroy());

    it('has every kind of revenue movement over more than two years', async () => {
      const kinds = await db.db
        .selectFrom('revenue_movements')
        .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('kind')
        .execute();
      expect(kinds.map((k) => k.kind).sort()).toEqual(
        ['churn', 'contraction', 'expansion', 'new', 'reactivation'].sort(),
      );
      const span = await db.db
        .selectFrom('revenue_movements')
        .select((eb) => [
          eb.fn.min('effective_date').as('first'),
          eb.fn.max('effective_date').as('last'),
        ])
        .executeTakeFirstOrThrow();
      expect(String(span.first) < addMonths('2026-11-23', -24)).toBe(true);
      expect(String(span.last) < '2026-11-23').toBe(true);
    });

    it('marks churned accounts churned, with a date and a reason', async () => {
      const rows = await db.db
        .selectFrom('accounts')
        .select(['stage', 'churned_on', 'churn_reason', 'mrr_minor'])
        .execute();
      const churned = rows.filter((r) => r.stage === 'churned');
      expect(churned.length).toBeGreaterThan(60);
      for (const r of churned) {
        expect(r.churned_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(r.churn_reason).not.toBeNull();
        expect(Number(r.mrr_minor)).toBe(0);
      }
      for (const r of rows.filter((x) => x.stage !== 'churned')) {
        expect(r.churned_on).toBeNull();
        expect(Number(r.mrr_minor)).toBeGreaterThan(0);
      }
      expect(new Set(rows.map((r) => r.stage))).toEqual(
        new Set(['onboarding', 'active', 'renewal', 'expanding', 'at_risk', 'churned']),
      );
    });

    it('has parent accounts with subsidiaries, and all contact roles', async () => {
      const families = await db.db
        .selectFrom('accounts')
        .select(['parent_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('parent_id', 'is not', null)
        .groupBy('parent_id')
        .execute();
      expect(families.length).toBeGreaterThan(5);
      expect(families.every((f) => Number(f.n) >= 1 && Number(f.n) <= 5)).toBe(true);
      const roles = await db.db
        .selectFrom('contacts')
        .select((eb) => [
          eb.fn.sum<number>('is_champion').as('champion'),
          eb.fn.sum<number>('is_economic_buyer').as('economic_buyer'),
          eb.fn.sum<number>('is_executive_sponsor').as('executive_sponsor'),
          eb.fn.sum<number>('is_technical_lead').as('technical_lead'),
          eb.fn.sum<number>('is_power_user').as('power_user'),
          eb.fn.sum<number>('is_detractor').as('detractor'),
        ])
        .executeTakeFirstOrThrow();
      for (const v of Object.values(roles)) expect(Number(v)).toBeGreaterThan(10);
      const kinds = await db.db.selectFrom('timeline_entries').select('kind').distinct().execute();
      expect(kinds.map((k) => k.kind)).toEqual(
        expect.arrayContaining([
          'note',
          'call',
          'meeting',
          'email',
          'contact_left',
          'stage_changed',
        ]),
      );
    });

    it('makes churn follow the observable risk signals', async () => {
      const rows = await db.db
        .selectFrom('accounts as a')
        .select((eb) => [
          'a.segment',
          eb
            .exists(
              eb
                .selectFrom('contacts as c')
                .select('c.id')
                .whereRef('c.account_id', '=', 'a.id')
                .where('c.is_champion', '=', 1)
                .where('c.left_on', 'is not', null),
            )
            .as('champion_left'),
          eb
            .exists(
              eb
                .selectFrom('contacts as c')
                .select('c.id')
                .whereRef('c.account_id', '=', 'a.id')
                .where('c.is_executive_sponsor', '=', 1),
            )
            .as('sponsor'),
          eb
            .exists(
              eb
                .selectFrom('revenue_movements as m')
                .select('m.id')
                .whereRef('m.account_id', '=', 'a.id')
                .where('m.kind', '=', 'churn'),
            )
            .as('churned'),
        ])
        .where('a.segment', '!=', 'self_serve')
        .execute();
      const flag = (v: unknown) => v === true || v === 1 || v === '1';
      const risky = rows.filter((r) => flag(r.champion_left) || !flag(r.sponsor));
      const safe = rows.filter((r) => !(flag(r.champion_left) || !flag(r.sponsor)));
      const rate = (g: typeof rows) => g.filter((r) => flag(r.churned)).length / g.length;
      expect(risky.length).toBeGreaterThan(100);
      expect(safe.length).toBeGreaterThan(100);
      expect(rate(risky)).toBeGreaterThan(1.6 * rate(safe));
      expect(rate(risky) - rate(safe)).toBeGreaterThan(0.1);

      // Detractors and low scores sit with the accounts that left.
      const nps = await db.db
        .selectFrom('contacts as c')
        .innerJoin('accounts as a', 'a.id', 'c.account_id')
        .select(['a.stage', sql<number>`avg(c.latest_nps)`.as('nps')])
        .where('c.latest_nps', 'is not', null)
        .groupBy('a.stage')
        .execute();
      const npsOf = (stage: string) => Number(nps.find((r) => r.stage === stage)?.nps);
      expect(npsOf('churned')).toBeLessThan(npsOf('active') - 0.5);
    });
  });
}
