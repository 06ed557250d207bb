import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../core/clock.js';
import { makeCtx, type Ctx } from '../core/context.js';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { testCtx } from '../testing/ctx.js';
import { createUser } from '../identity/service.js';
import { allowed, type Subject } from '../identity/permissions.js';
import { portfolio, type PortfolioRow } from './service.js';
import {
  insertAccounts,
  insertAlerts,
  insertEntries,
  insertSnapshots,
  sentimentSnapshot,
} from './testing.js';

const NOW = '2026-03-10T12:00:00.000Z';
const TODAY = '2026-03-10';
const day = (n: number) => addDays(TODAY, -n);

for (const dialect of testDialects()) {
  describe(`portfolio on ${dialect}`, () => {
    let db: TestDb;
    let ctx: ReturnType<typeof testCtx>;
    const users: Record<string, string> = {};

    /** A signed-in user's context and the subject "mine" and "team" are relative to. */
    function as(key: string, role: Subject['role'], team: string[] = []): [Ctx, Subject] {
      const subject: Subject = { role, userId: users[key]!, team: team.map((k) => users[k]!) };
      const c = makeCtx(db.db, db.dialect, {
        actor: { kind: 'user', id: users[key]!, name: `${key}@example.com` },
        now: () => ctx.now(),
        access: (action, resource, target) => allowed(subject, action, resource, target),
      });
      return [c, subject];
    }
    const names = (rows: PortfolioRow[]) => rows.map((r) => r.name);

    beforeAll(async () => {
      db = await freshTestDb(dialect);
      ctx = testCtx(db, NOW);
      for (const [key, role, lead] of [
        ['manager', 'manager', undefined],
        ['csm', 'csm', 'manager'],
        ['teammate', 'csm', 'manager'],
        ['outsider', 'csm', undefined],
        ['viewer', 'viewer', undefined],
      ] as const) {
        const u = await createUser(ctx, {
          email: `${key}@example.com`,
          name: key === 'csm' ? 'Cal Sims' : key,
          role,
          managerId: lead ? users[lead] : null,
        });
        users[key] = u.id;
      }
      await insertAccounts(db.db, [
        {
          id: 'acc_a',
          name: 'Acme',
          owner_id: users.csm,
          segment: 'enterprise',
          stage: 'active',
          industry: 'Software',
          region: 'EMEA',
          currency: 'EUR',
          mrr_minor: 125_000,
          renewal_date: '2026-06-30',
        },
        { id: 'acc_b', name: 'Beta', owner_id: users.teammate, stage: 'onboarding' },
        { id: 'acc_c', name: 'Gamma', owner_id: users.outsider },
        // Lower case sorts after upper case: names order by code point on both databases.
        { id: 'acc_d', name: 'delta' },
        { id: 'acc_f', name: 'Zed', owner_id: users.manager },
        { id: 'acc_x', name: 'Archived', owner_id: users.csm, archived_at: NOW },
      ]);

      // Acme: Green 90 today; 60 on the window's first day; a gap and a day with no data.
      const acme = [];
      for (let n = 35; n >= 0; n--) {
        if (n === 3) continue;
        acme.push(
          sentimentSnapshot('acc_a', day(n), n === 5 ? null : n === 29 ? 6 : n === 30 ? 1 : 9),
        );
      }
      // Beta: last scored two days ago (a later row is beyond today and ignored).
      const beta = [];
      for (let n = 40; n >= 2; n--) beta.push(sentimentSnapshot('acc_b', day(n), n === 31 ? 7 : 5));
      beta.push(sentimentSnapshot('acc_b', addDays(TODAY, 1), 10));
      await insertSnapshots(db.db, [
        ...acme,
        ...beta,
        sentimentSnapshot('acc_c', TODAY, null),
        sentimentSnapshot('acc_x', TODAY, 9),
      ]);

      await insertAlerts(db.db, [
        { id: 'alr_1', account_id: 'acc_a', status: 'open' },
        { id: 'alr_2', account_id: 'acc_a', status: 'open' },
        // A snooze that ran out reads as open; one still running does not.
        {
          id: 'alr_3',
          account_id: 'acc_a',
          status: 'snoozed',
          snoozed_until: '2026-03-10T11:00:00.000Z',
        },
        {
          id: 'alr_4',
          account_id: 'acc_a',
          status: 'snoozed',
          snoozed_until: '2026-03-11T00:00:00.000Z',
        },
        { id: 'alr_5', account_id: 'acc_a', status: 'acknowledged' },
        { id: 'alr_6', account_id: 'acc_a', status: 'resolved' },
        { id: 'alr_7', account_id: 'acc_c', status: 'acknowledged' },
        { id: 'alr_8', account_id: 'acc_x', status: 'open' },
      ]);

      await insertEntries(db.db, [
        { id: 'tle_1', account_id: 'acc_a', kind: 'note', occurred_at: '2026-03-01T09:00:00.000Z' },
        {
          id: 'tle_2',
          account_id: 'acc_a',
          kind: 'health_review',
          occurred_at: '2026-03-05T10:00:00.000Z',
        },
        {
          id: 'tle_3',
          account_id: 'acc_a',
          kind: 'stage_changed',
          occurred_at: '2026-03-09T10:00:00.000Z',
        },
        // Planned, not yet a touch.
        {
          id: 'tle_4',
          account_id: 'acc_a',
          kind: 'meeting',
          occurred_at: '2026-03-20T10:00:00.000Z',
        },
        { id: 'tle_5', account_id: 'acc_b', kind: 'call', occurred_at: '2026-02-01T00:00:00.000Z' },
        {
          id: 'tle_6',
          account_id: 'acc_b',
          kind: 'imported',
          occurred_at: '2026-03-01T00:00:00.000Z',
        },
        {
          id: 'tle_7',
          account_id: 'acc_c',
          kind: 'alert',
          occurred_at: '2026-03-02T00:00:00.000Z',
        },
        {
          id: 'tle_8',
          account_id: 'acc_c',
          kind: 'account_created',
          occurred_at: '2026-01-02T00:00:00.000Z',
        },
        {
          id: 'tle_9',
          account_id: 'acc_f',
          kind: 'email',
          occurred_at: '2026-03-10T11:59:59.000Z',
        },
      ]);
    });
    afterAll(async () => {
      await db?.destroy();
    });

    it('gives each live account its revenue, owner, health with a 30-day trend, alerts and last touch', async () => {
      const out = await portfolio(ctx, { scope: 'all' }, null);
      expect(out.asOf).toBe(NOW);
      expect(out.scope).toBe('all');
      expect(names(out.rows)).toEqual(['Acme', 'Beta', 'Gamma', 'Zed', 'delta']);
      const by = new Map(out.rows.map((r) => [r.id, r]));
      const trendA = Array<number | null>(30).fill(90);
      trendA[0] = 60; // 29 days ago
      trendA[24] = null; // 5 days ago: scored, no data
      trendA[26] = null; // 3 days ago: no snapshot
      expect(by.get('acc_a')).toEqual({
        id: 'acc_a',
        name: 'Acme',
        segment: 'enterprise',
        stage: 'active',
        industry: 'Software',
        region: 'EMEA',
        currency: 'EUR',
        arrMinor: 1_500_000,
        renewalDate: '2026-06-30',
        owner: { id: users.csm, name: 'Cal Sims' },
        health: { score: 90, tier: 'Green', date: TODAY, trend: trendA },
        openAlerts: 3,
        openTasks: 0,
        lastTouchAt: '2026-03-05T10:00:00.000Z',
      });
      const trendB = Array<number | null>(30).fill(50);
      trendB[0] = 70;
      expect(by.get('acc_b')).toMatchObject({
        stage: 'onboarding',
        owner: { id: users.teammate, name: 'teammate' },
        health: { score: 50, tier: 'Red', date: day(2), trend: trendB },
        openAlerts: 0,
        lastTouchAt: '2026-02-01T00:00:00.000Z',
      });
      const trendC = Array<number | null>(30).fill(null);
      expect(by.get('acc_c')).toMatchObject({
        health: { score: null, tier: null, date: TODAY, trend: trendC },
        openAlerts: 0,
        lastTouchAt: null,
      });
      expect(by.get('acc_d')).toMatchObject({
        owner: null,
        health: null,
        openAlerts: 0,
        lastTouchAt: null,
        arrMinor: 0,
      });
      expect(by.get('acc_f')!.lastTouchAt).toBe('2026-03-10T11:59:59.000Z');
    });

    it('scopes: a CSM sees their own by default, a manager everything or their team', async () => {
      const [csmCtx, csm] = as('csm', 'csm');
      const own = await portfolio(csmCtx, {}, csm);
      expect([own.scope, names(own.rows)]).toEqual(['mine', ['Acme']]);
      expect(names((await portfolio(csmCtx, { scope: 'team' }, csm)).rows)).toEqual(['Acme']);
      expect(names((await portfolio(csmCtx, { scope: 'all' }, csm)).rows)).toHaveLength(5);

      const [mCtx, manager] = as('manager', 'manager', ['csm', 'teammate']);
      const all = await portfolio(mCtx, {}, manager);
      expect([all.scope, all.rows.length]).toEqual(['all', 5]);
      expect(names((await portfolio(mCtx, { scope: 'team' }, manager)).rows)).toEqual([
        'Acme',
        'Beta',
        'Zed',
      ]);
      expect(names((await portfolio(mCtx, { scope: 'mine' }, manager)).rows)).toEqual(['Zed']);

      const [vCtx, viewer] = as('viewer', 'viewer');
      expect((await portfolio(vCtx, {}, viewer)).rows).toHaveLength(5);
      // An API key has no book of its own: every scope is everything.
      const key = await portfolio(ctx, { scope: 'mine' }, null);
      expect([key.scope, key.rows.length]).toEqual(['all', 5]);
    });

    it('needs read access to accounts', async () => {
      const none = makeCtx(db.db, db.dialect, { access: () => false });
      await expect(portfolio(none, {}, null)).rejects.toMatchObject({ code: 'forbidden' });
    });
  });
}
