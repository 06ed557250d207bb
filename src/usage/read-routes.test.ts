import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.js';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { testKey, testServer, type TestApp } from '../testing/server.js';

const NOW = new Date('2026-04-01T09:00:00.000Z');

for (const dialect of testDialects()) {
  describe(`usage read API on ${dialect}`, () => {
    let db: TestDb;
    let app: TestApp;
    let accountId: string;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
      app = await testServer({ handle: db, config: loadConfig({}), now: () => NOW });
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/accounts',
        payload: { name: 'Acme', productId: 'grp_acme' },
      });
      accountId = created.json().id;
      const day = (d: string, user: string, events: number) => ({
        account_id: accountId,
        day: d,
        user_key: user,
        events,
        session_seconds: 0,
        first_at: `${d}T08:00:00.000Z`,
        last_at: `${d}T17:00:00.000Z`,
      });
      await db.db
        .insertInto('usage_daily_user')
        .values([
          day('2026-03-31', 'u1', 4),
          day('2026-03-30', 'u1', 2),
          day('2026-03-30', 'u2', 1),
        ])
        .execute();
      await db.db
        .insertInto('usage_daily_event')
        .values({ account_id: accountId, day: '2026-03-31', event: 'Export', events: 4, users: 1 })
        .execute();
      await db.db
        .insertInto('product_users')
        .values(
          ['u1', 'u2', 'u3'].map((u, i) => ({
            user_key: u,
            user_id: u,
            account_id: accountId,
            email: `${u}@acme.test`,
            name: u.toUpperCase(),
            traits: '{}',
            first_seen_at: '2026-03-01T00:00:00.000Z',
            last_seen_at: `2026-03-3${i}T00:00:00.000Z`,
            events: i,
          })),
        )
        .execute();
    });
    afterEach(async () => {
      await app.close();
      await db.destroy();
    });
    const get = (url: string, headers: Record<string, string> = {}) =>
      app.inject({ method: 'GET', url, headers });

    it('serves the summary, the daily series and the product users of an account', async () => {
      const summary = await get(`/api/v1/accounts/${accountId}/usage/summary?asOf=2026-03-31`);
      expect(summary.statusCode).toBe(200);
      expect(summary.json()).toMatchObject({
        accountId,
        asOf: '2026-03-31',
        dau: 1,
        wau: 2,
        mau: 2,
        events30: 7,
        loginFrequency: 1.5,
        lastSeenAt: '2026-03-31T17:00:00.000Z',
        seatUtilisation: null,
        featureBreadth: null,
        topUsers: [
          expect.objectContaining({ userKey: 'u1', email: 'u1@acme.test', activeDays: 2 }),
          expect.objectContaining({ userKey: 'u2', events: 1 }),
        ],
      });
      // Without asOf: today by the server clock.
      const today = (await get(`/api/v1/accounts/${accountId}/usage/summary`)).json();
      expect([today.asOf, today.dau, today.wau]).toEqual(['2026-04-01', 0, 2]);

      const series = await get(
        `/api/v1/accounts/${accountId}/usage?from=2026-03-30&to=2026-03-31&top=3`,
      );
      expect(series.statusCode).toBe(200);
      expect(series.json().days).toEqual([
        { day: '2026-03-30', events: 3, activeUsers: 2, sessionSeconds: 0, topEvents: [] },
        {
          day: '2026-03-31',
          events: 4,
          activeUsers: 1,
          sessionSeconds: 0,
          topEvents: [{ event: 'Export', feature: null, events: 4, users: 1 }],
        },
      ]);

      const page = await get(`/api/v1/accounts/${accountId}/users?limit=2`);
      expect(page.json().items.map((u: { userKey: string }) => u.userKey)).toEqual(['u3', 'u2']);
      const next = await get(
        `/api/v1/accounts/${accountId}/users?limit=2&cursor=${page.json().nextCursor}`,
      );
      expect(next.json()).toMatchObject({
        items: [{ userKey: 'u1', name: 'U1' }],
        nextCursor: null,
      });
    });

    it('answers 404 for an unknown account and 400 for bad dates or ranges', async () => {
      for (const path of ['usage', 'usage/summary', 'users']) {
        const r = await get(`/api/v1/accounts/acc_nope/${path}`);
        expect(r.statusCode).toBe(404);
        expect(r.json().error.code).toBe('not_found');
      }
      const badDay = await get(`/api/v1/accounts/${accountId}/usage/summary?asOf=2026-02-30`);
      expect(badDay.statusCode).toBe(400);
      expect(badDay.json().error.message).toContain('querystring.asOf');
      const reversed = await get(
        `/api/v1/accounts/${accountId}/usage?from=2026-03-31&to=2026-03-01`,
      );
      expect(reversed.statusCode).toBe(400);
      const tooLong = await get(
        `/api/v1/accounts/${accountId}/usage?from=2025-01-01&to=2026-03-01`,
      );
      expect(tooLong.statusCode).toBe(400);
      const badCursor = await get(`/api/v1/accounts/${accountId}/users?cursor=zzz`);
      expect(badCursor.statusCode).toBe(400);
    });

    it('reads and writes the usage settings, audited, admin only', async () => {
      const initial = await get('/api/v1/settings/usage');
      expect(initial.json()).toEqual({ features: {}, retentionDays: 90 });
      const features = { Export: 'reporting', 'Page: Dashboard': 'dashboards' };
      const put = await app.inject({
        method: 'PUT',
        url: '/api/v1/settings/usage',
        payload: { features },
      });
      expect(put.statusCode).toBe(200);
      expect(put.json()).toEqual({ features, retentionDays: 90 });
      const retention = await app.inject({
        method: 'PUT',
        url: '/api/v1/settings/usage',
        payload: { retentionDays: 30 },
      });
      expect(retention.json()).toEqual({ features, retentionDays: 30 });
      const audit = await db.db
        .selectFrom('audit_log')
        .select(['changes'])
        .where('entity', '=', 'setting')
        .where('entity_id', '=', 'usage')
        .orderBy('at')
        .execute();
      // Two writes in the same millisecond share `at`: compare without order.
      expect(audit).toHaveLength(2);
      expect(audit.map((a) => JSON.parse(a.changes))).toEqual(
        expect.arrayContaining([{ features: [{}, features] }, { retentionDays: [90, 30] }]),
      );
      // The mapping now names features in the series and the summary.
      const summary = (
        await get(`/api/v1/accounts/${accountId}/usage/summary?asOf=2026-03-31`)
      ).json();
      expect(summary).toMatchObject({
        featuresConfigured: 2,
        featuresUsed: 1,
        featureBreadth: 0.5,
      });
      expect(summary.unusedFeatures).toEqual(['dashboards']);

      const readKey = await testKey(db, 'read');
      const asReader = { authorization: `Bearer ${readKey}` };
      expect((await get('/api/v1/settings/usage', asReader)).statusCode).toBe(200);
      expect((await get(`/api/v1/accounts/${accountId}/usage`, asReader)).statusCode).toBe(200);
      const refused = await app.inject({
        method: 'PUT',
        url: '/api/v1/settings/usage',
        payload: { retentionDays: 10 },
        headers: asReader,
      });
      expect(refused.statusCode).toBe(403);
      const ingestKey = await testKey(db, 'ingest');
      const ingest = await get(`/api/v1/accounts/${accountId}/usage/summary`, {
        authorization: `Bearer ${ingestKey}`,
      });
      expect(ingest.statusCode).toBe(403);
    });

    it('validates the settings', async () => {
      const many = Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`e${i}`, 'f']));
      const bad: unknown[] = [
        { retentionDays: 0 },
        { retentionDays: 3651 },
        { retentionDays: 1.5 },
        { features: { ['x'.repeat(201)]: 'f' } },
        { features: { '': 'f' } },
        { features: { Export: '  ' } },
        { features: { Export: 'y'.repeat(201) } },
        { features: many },
        { features: ['Export'] },
        { colour: 'blue' },
      ];
      for (const payload of bad) {
        const r = await app.inject({
          method: 'PUT',
          url: '/api/v1/settings/usage',
          payload: payload as object,
        });
        expect(r.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(400);
      }
      const edge = await app.inject({
        method: 'PUT',
        url: '/api/v1/settings/usage',
        payload: {
          retentionDays: 3650,
          features: { ...Object.fromEntries(Object.entries(many).slice(0, 500)) },
        },
      });
      expect(edge.statusCode).toBe(200);
      expect(Object.keys(edge.json().features)).toHaveLength(500);
    });

    it('publishes the routes in the OpenAPI document', async () => {
      const doc = (await get('/api/openapi.json')).json();
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/accounts/{id}/usage',
          '/api/v1/accounts/{id}/usage/summary',
          '/api/v1/accounts/{id}/users',
          '/api/v1/settings/usage',
        ]),
      );
      expect(doc.components.schemas.UsageSummary).toBeDefined();
    });

    it('declares a guard on every usage read route', () => {
      const routes = app.raw.routeTable.filter(
        (r) => r.url.includes('/usage') || r.url.endsWith('/users'),
      );
      const access = Object.fromEntries(
        routes.filter((r) => r.method !== 'HEAD').map((r) => [`${r.method} ${r.url}`, r.access]),
      );
      expect(access).toMatchObject({
        'GET /api/v1/accounts/:id/usage': { action: 'read', resource: 'account' },
        'GET /api/v1/accounts/:id/usage/summary': { action: 'read', resource: 'account' },
        'GET /api/v1/accounts/:id/users': { action: 'read', resource: 'account' },
        'GET /api/v1/settings/usage': { action: 'read', resource: 'setting' },
        'PUT /api/v1/settings/usage': { action: 'write', resource: 'setting' },
      });
    });
  });
}
