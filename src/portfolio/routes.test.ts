import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../core/config.js';
import { makeCtx } from '../core/context.js';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { buildServer } from '../server/app.js';
import { testKey } from '../testing/server.js';
import { createUser } from '../identity/service.js';
import {
  insertAccounts,
  insertSnapshots,
  sentimentSnapshot,
  withPortfolioRoutes,
} from './testing.js';

const NOW = '2026-03-10T12:00:00.000Z';
const PASSWORD = 'portfolio-test-passphrase-4';

for (const dialect of testDialects()) {
  describe(`portfolio over HTTP on ${dialect}`, () => {
    let db: TestDb;
    let app: FastifyInstance;
    const auth: Record<string, Record<string, string>> = {};
    const users: Record<string, string> = {};

    beforeAll(async () => {
      db = await freshTestDb(dialect);
      app = await withPortfolioRoutes(
        await buildServer({ handle: db, config: loadConfig({}), now: () => new Date(NOW) }),
      );
      const op = makeCtx(db.db, db.dialect, { now: () => new Date(NOW) });
      for (const [k, role, lead] of [
        ['manager', 'manager', undefined],
        ['csm', 'csm', 'manager'],
        ['viewer', 'viewer', undefined],
        ['admin', 'admin', undefined],
      ] as const) {
        users[k] = (
          await createUser(op, {
            email: `${k}@example.com`,
            name: k,
            role,
            password: PASSWORD,
            managerId: lead ? users[lead] : null,
          })
        ).id;
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: `${k}@example.com`, password: PASSWORD },
        });
        expect(res.statusCode).toBe(200);
        const cookie = String(res.headers['set-cookie']).split(';')[0]!;
        auth[k] = { cookie, 'x-csrf-token': res.json().csrfToken };
      }
      for (const scope of ['admin', 'read'] as const)
        auth[`${scope} key`] = { authorization: `Bearer ${await testKey(db, scope)}` };
      await insertAccounts(db.db, [
        { id: 'acc_1', name: 'Csm Co', owner_id: users.csm, mrr_minor: 1000 },
        { id: 'acc_2', name: 'Manager Co', owner_id: users.manager },
        { id: 'acc_3', name: 'Nobody Co' },
      ]);
      await insertSnapshots(db.db, [sentimentSnapshot('acc_1', '2026-03-10', 7)]);
    });
    afterAll(async () => {
      await app?.close();
      await db?.destroy();
    });

    /** As `who`; a successful write must leave an audit entry with its request id. */
    async function call(who: string, o: InjectOptions): Promise<LightMyRequestResponse> {
      const res = await app.inject({ ...o, headers: { ...auth[who], ...(o.headers ?? {}) } });
      if (o.method !== 'GET' && res.statusCode < 300) {
        const entry = await db.db
          .selectFrom('audit_log')
          .select('id')
          .where('request_id', '=', String(res.headers['x-request-id']))
          .executeTakeFirst();
        expect(entry, `${o.method} ${String(o.url)} audited`).toBeDefined();
      }
      return res;
    }
    const get = (who: string, url: string) => call(who, { method: 'GET', url });
    const names = (res: LightMyRequestResponse) =>
      (res.json().rows as { name: string }[]).map((r) => r.name);

    it('answers the portfolio in the caller scope', async () => {
      const csm = await get('csm', '/api/v1/portfolio');
      expect(csm.statusCode, csm.body).toBe(200);
      expect(csm.json()).toEqual({
        asOf: NOW,
        scope: 'mine',
        rows: [
          {
            id: 'acc_1',
            name: 'Csm Co',
            segment: 'smb',
            stage: 'active',
            industry: null,
            region: null,
            currency: 'USD',
            arrMinor: 12_000,
            renewalDate: null,
            owner: { id: users.csm, name: 'csm' },
            health: {
              score: 70,
              tier: 'Yellow',
              date: '2026-03-10',
              trend: [...Array<null>(29).fill(null), 70],
            },
            openAlerts: 0,
            openTasks: 0,
            lastTouchAt: null,
          },
        ],
      });
      expect(names(await get('csm', '/api/v1/portfolio?scope=all'))).toEqual([
        'Csm Co',
        'Manager Co',
        'Nobody Co',
      ]);
      expect(names(await get('manager', '/api/v1/portfolio?scope=team'))).toEqual([
        'Csm Co',
        'Manager Co',
      ]);
      expect((await get('manager', '/api/v1/portfolio')).json().scope).toBe('all');
      expect((await get('viewer', '/api/v1/portfolio')).json().rows).toHaveLength(3);
      const keyed = await get('read key', '/api/v1/portfolio?scope=mine');
      expect([keyed.json().scope, keyed.json().rows.length]).toEqual(['all', 3]);

      const bad = await get('csm', '/api/v1/portfolio?scope=everyone');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details.issues[0].path).toBe('querystring.scope');
      expect((await get('csm', '/api/v1/portfolio?sort=name')).statusCode).toBe(400);
    });

    it('saves, lists, changes and deletes views with the role rules', async () => {
      const post = (who: string, payload: object) =>
        call(who, { method: 'POST', url: '/api/v1/portfolio/views', payload });
      const patch = (who: string, id: string, payload: object) =>
        call(who, { method: 'PATCH', url: `/api/v1/portfolio/views/${id}`, payload });
      const del = (who: string, id: string) =>
        call(who, { method: 'DELETE', url: `/api/v1/portfolio/views/${id}` });

      const created = await post('csm', {
        name: 'Red renewals',
        shared: true,
        query: { filters: { 'health.tier': 'Red' }, sort: { field: 'renewalDate', dir: 'asc' } },
      });
      expect(created.statusCode, created.body).toBe(201);
      const view = created.json();
      expect(view).toMatchObject({
        name: 'Red renewals',
        shared: true,
        ownerId: users.csm,
        ownerName: 'csm',
        editable: true,
      });
      const priv = (await post('csm', { name: 'Mine only' })).json();

      const unknown = await post('csm', { name: 'X', query: { colour: 'red' } });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().error.details.issues[0].path).toBe('body.query');
      expect(unknown.json().error.message).toContain('colour');
      expect((await post('viewer', { name: 'Nope' })).statusCode).toBe(403);
      expect((await post('read key', { name: 'Nope' })).statusCode).toBe(403);
      expect((await post('admin key', { name: 'Nope' })).statusCode).toBe(403);

      const seen = await get('viewer', '/api/v1/portfolio/views');
      expect(seen.json().items.map((v: { name: string; editable: boolean }) => v)).toMatchObject([
        { name: 'Red renewals', shared: true, editable: false },
      ]);
      expect(
        (await get('csm', '/api/v1/portfolio/views'))
          .json()
          .items.map((v: { name: string }) => v.name),
      ).toEqual(['Mine only', 'Red renewals']);

      expect((await patch('manager', view.id, { name: 'Mine now' })).statusCode).toBe(403);
      expect((await patch('viewer', view.id, { name: 'Mine now' })).statusCode).toBe(403);
      expect((await patch('admin', priv.id, { name: 'Peek' })).statusCode).toBe(404);
      expect((await patch('csm', view.id, {})).statusCode).toBe(400);
      const tended = await patch('admin', view.id, { name: 'Red renewals (team)' });
      expect([tended.statusCode, tended.json().name]).toEqual([200, 'Red renewals (team)']);

      expect((await del('manager', view.id)).statusCode).toBe(403);
      const gone = await del('csm', view.id);
      expect([gone.statusCode, gone.body]).toEqual([204, '']);
      expect((await del('csm', view.id)).statusCode).toBe(404);
      expect((await del('csm', priv.id)).statusCode).toBe(204);
    });

    it('documents the routes in the OpenAPI document', async () => {
      const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/portfolio',
          '/api/v1/portfolio/views',
          '/api/v1/portfolio/views/{id}',
        ]),
      );
      expect(doc.paths['/api/v1/portfolio'].get.tags).toEqual(['portfolio']);
      expect(Object.keys(doc.components.schemas)).toEqual(
        expect.arrayContaining([
          'Portfolio',
          'PortfolioRow',
          'PortfolioView',
          'PortfolioViewQuery',
        ]),
      );
    });
  });
}
