import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { addDays } from '../../core/clock.js';
import { loadConfig } from '../../core/config.js';
import { makeCtx } from '../../core/context.js';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { testServer, type TestApp } from '../../testing/server.js';
import { createAccount } from '../../accounts/account/service.js';
import { createUser } from '../../identity/service.js';
import { insertSnapshots, tierRun } from './testing.js';

const TODAY = '2026-03-10';
const PASSWORD = 'reviews-test-passphrase-7';

for (const dialect of testDialects()) {
  describe(`health reviews over HTTP on ${dialect}`, () => {
    let db: TestDb;
    let app: TestApp;
    const session: Record<string, Record<string, string>> = {};
    const acc: Record<string, string> = {};

    beforeAll(async () => {
      db = await freshTestDb(dialect);
      const now = () => new Date(`${TODAY}T09:00:00.000Z`);
      app = await testServer({ handle: db, config: loadConfig({}), now });
      const op = makeCtx(db.db, db.dialect, { now: () => new Date('2026-01-01T08:00:00.000Z') });
      const ids: Record<string, string> = {};
      for (const [key, role] of [
        ['csm', 'csm'],
        ['viewer', 'viewer'],
      ] as const) {
        ids[key] = (
          await createUser(op, { email: `${key}@example.com`, name: key, role, password: PASSWORD })
        ).id;
        const res = await app.raw.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: `${key}@example.com`, password: PASSWORD },
        });
        expect(res.statusCode).toBe(200);
        const cookie = String(res.headers['set-cookie']).split(';')[0]!;
        session[key] = { cookie, 'x-csrf-token': res.json().csrfToken };
      }
      acc.mine = (await createAccount(op, { name: 'Mine', ownerId: ids.csm })).id;
      acc.other = (await createAccount(op, { name: 'Other' })).id;
      await insertSnapshots(db, acc.mine!, tierRun(addDays(TODAY, -8), 9, 'Red'));
      await insertSnapshots(db, acc.other!, tierRun(addDays(TODAY, -40), 41, 'Green'));
    });
    afterAll(async () => {
      await app.close();
      await db.destroy();
    });

    /** As a signed-in user (session cookie) when `who` is given, else with the admin key. */
    const call = (o: InjectOptions, who?: string) =>
      who ? app.raw.inject({ ...o, headers: session[who] }) : app.inject(o);
    const get = (url: string, who?: string) => call({ method: 'GET', url }, who);
    const post = (url: string, payload: object, who?: string) =>
      call({ method: 'POST', url, payload }, who);

    it('shows a CSM their own queue by default, and everyone the whole queue on request', async () => {
      const mine = await get('/api/v1/health/reviews', 'csm');
      expect(mine.statusCode).toBe(200);
      expect(mine.json().items.map((i: { accountId: string }) => i.accountId)).toEqual([acc.mine]);
      expect(mine.json().items[0]).toMatchObject({
        tier: 'Red',
        status: 'overdue',
        daysOverdue: 8,
        cadence: 'weekly',
      });
      const all = await get('/api/v1/health/reviews?owner=all', 'csm');
      expect(all.json().items).toHaveLength(2);
      // Green for 40 days and never reviewed: overdue since day 30, before the red one.
      const admin = await get('/api/v1/health/reviews?status=overdue&limit=1');
      expect(admin.json().items).toMatchObject([{ accountId: acc.other, daysOverdue: 10 }]);
      expect(admin.json().nextCursor).toEqual(expect.any(String));
      const next = await get(
        `/api/v1/health/reviews?status=overdue&cursor=${admin.json().nextCursor}`,
      );
      expect(next.json()).toMatchObject({ items: [{ accountId: acc.mine }], nextCursor: null });
    });

    it('refuses a bad filter, naming it', async () => {
      const res = await get('/api/v1/health/reviews?status=late');
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details.issues[0].path).toBe('querystring.status');
      const me = await get('/api/v1/health/reviews?owner=me');
      expect(me.statusCode).toBe(400);
      expect(me.json().error.message).toMatch(/^owner: /);
    });

    it('records a health check (audited) and lists it with the next due day', async () => {
      const res = await post(
        `/api/v1/accounts/${acc.mine}/reviews`,
        { sentiment: 4, executiveEngagement: 6, notes: 'Renewal at risk' },
        'csm',
      );
      expect(res.statusCode, res.body).toBe(201);
      // The harness checks audit entries for its own key; a session write is checked here.
      const audit = await db.db
        .selectFrom('audit_log')
        .select('entity')
        .where('request_id', '=', String(res.headers['x-request-id']))
        .execute();
      expect(audit.map((a) => a.entity)).toContain('health_review');
      expect(res.json()).toMatchObject({
        review: { tier: 'Red', sentiment: 4, executiveEngagement: 6, reviewer: 'csm' },
        cadence: { status: 'ok', due: addDays(TODAY, 7) },
      });
      const list = await get(`/api/v1/accounts/${acc.mine}/reviews`, 'viewer');
      expect(list.statusCode).toBe(200);
      expect(list.json().items).toHaveLength(1);
      expect(list.json().cadence).toMatchObject({ status: 'ok' });
      const manual = await get(`/api/v1/accounts/${acc.mine}/health/manual-measures`);
      expect(
        manual.json().items.map((m: { measure: string; value: number }) => [m.measure, m.value]),
      ).toEqual(
        expect.arrayContaining([
          ['manual.csm_sentiment', 4],
          ['manual.executive_engagement', 6],
        ]),
      );
    });

    it('refuses a viewer, a CSM on an account not theirs, and unknown accounts', async () => {
      const body = { sentiment: 5 };
      const viewer = await post(`/api/v1/accounts/${acc.other}/reviews`, body, 'viewer');
      expect(viewer.statusCode).toBe(403);
      const csm = await post(`/api/v1/accounts/${acc.other}/reviews`, body, 'csm');
      expect(csm.statusCode).toBe(403);
      expect((await post('/api/v1/accounts/acc_missing/reviews', body)).statusCode).toBe(404);
      expect((await get('/api/v1/accounts/acc_missing/reviews')).statusCode).toBe(404);
    });

    it.each([
      ['body.sentiment', {}],
      ['body.sentiment', { sentiment: 11 }],
      ['body.sentiment', { sentiment: 2.5 }],
      ['body.executiveEngagement', { sentiment: 5, executiveEngagement: 0 }],
      ['body', { sentiment: 5, mood: 'sunny' }],
    ])('refuses a bad body, naming %s', async (path, body) => {
      const res = await post(`/api/v1/accounts/${acc.other}/reviews`, body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details.issues[0].path).toBe(path);
    });
  });
}
