import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.js';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { testCtx } from '../../testing/ctx.js';
import { testKey, testServer, type TestApp } from '../../testing/server.js';
import { createAccount } from '../../accounts/account/service.js';
import { createContact, markContactLeft } from '../../accounts/contact/service.js';
import { snapshot } from './testing.js';

const NOW = '2026-03-25T12:00:00.000Z';

for (const dialect of testDialects()) {
  describe(`alerts over HTTP on ${dialect}`, () => {
    let db: TestDb;
    let app: TestApp;
    let accountId: string;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
      app = await testServer({ handle: db, config: loadConfig({}), now: () => new Date(NOW) });
      const ctx = testCtx(db, NOW);
      accountId = (await createAccount(ctx, { name: 'Acme' })).id;
      await snapshot(db.db, accountId, '2026-03-23', 82, 'Green');
      await snapshot(db.db, accountId, '2026-03-24', 70, 'Yellow');
      const c = await createContact(ctx, { accountId, name: 'Cleo', roles: ['champion'] });
      await markContactLeft(ctx, c.id, { leftOn: '2026-03-21' });
    });
    afterEach(async () => {
      await app.close();
      await db.destroy();
    });

    const get = (url: string) => app.inject({ method: 'GET', url });
    const post = (url: string, payload?: object) => app.inject({ method: 'POST', url, payload });

    it('evaluates, lists the inbox and an account, and acknowledges, snoozes and resolves', async () => {
      const run = await post('/api/v1/health/alerts/evaluate', { day: '2026-03-25' });
      expect(run.statusCode, run.body).toBe(200);
      expect(run.json()).toMatchObject({
        day: '2026-03-25',
        scope: 'all',
        created: 3,
        byKind: { score_drop: 1, tier_change: 1, champion_left: 1, usage_drop: 0 },
      });
      expect((await post('/api/v1/health/alerts/evaluate', {})).json().created).toBe(0);

      const inbox = await get('/api/v1/health/alerts?limit=2');
      expect(inbox.statusCode).toBe(200);
      const page = inbox.json();
      expect(page.items).toHaveLength(2);
      expect(page.items[0]).toMatchObject({ accountId, accountName: 'Acme', status: 'open' });
      const rest = (await get(`/api/v1/health/alerts?limit=2&cursor=${page.nextCursor}`)).json();
      expect(rest.items).toHaveLength(1);
      expect(rest.nextCursor).toBeNull();

      const all = (await get(`/api/v1/accounts/${accountId}/alerts`)).json().items;
      const byKind = new Map(all.map((a: { kind: string; id: string }) => [a.kind, a.id]));
      const drop = byKind.get('score_drop');
      expect(all.find((a: { kind: string }) => a.kind === 'score_drop')).toMatchObject({
        evidence: { from: 82, to: 70, fromDay: '2026-03-23', toDay: '2026-03-24' },
      });

      const ack = await post(`/api/v1/health/alerts/${drop}/acknowledge`);
      expect(ack.statusCode, ack.body).toBe(200);
      expect(ack.json().status).toBe('acknowledged');
      expect((await post(`/api/v1/health/alerts/${drop}/acknowledge`)).statusCode).toBe(409);
      const snooze = await post(`/api/v1/health/alerts/${byKind.get('tier_change')}/snooze`, {
        until: '2026-04-01T09:00:00Z',
      });
      expect(snooze.json()).toMatchObject({
        status: 'snoozed',
        snoozedUntil: '2026-04-01T09:00:00.000Z',
      });
      const resolved = await post(`/api/v1/health/alerts/${byKind.get('champion_left')}/resolve`, {
        note: 'New champion: Ravi',
      });
      expect(resolved.json().status).toBe('resolved');
      const open = (await get('/api/v1/health/alerts')).json().items;
      expect(open).toEqual([]);
      const statuses = (await get('/api/v1/health/alerts?status=all')).json().items;
      expect(statuses.map((a: { status: string }) => a.status).sort()).toEqual([
        'acknowledged',
        'resolved',
        'snoozed',
      ]);
      expect((await get(`/api/v1/health/alerts/${drop}`)).json().status).toBe('acknowledged');
    });

    it('answers 400, 403 and 404 where it should', async () => {
      const bare = await post('/api/v1/health/alerts/evaluate');
      expect(bare.statusCode, bare.body).toBe(200);
      const [alert] = (await get('/api/v1/health/alerts')).json().items;
      const read = await testKey(db, 'read');
      const asReader = await app.raw.inject({
        method: 'POST',
        url: `/api/v1/health/alerts/${alert.id}/acknowledge`,
        headers: { authorization: `Bearer ${read}` },
      });
      expect(asReader.statusCode).toBe(403);
      const evalAsReader = await app.raw.inject({
        method: 'POST',
        url: '/api/v1/health/alerts/evaluate',
        headers: { authorization: `Bearer ${read}` },
        payload: {},
      });
      expect(evalAsReader.statusCode).toBe(403);
      expect((await post('/api/v1/health/alerts/alr_missing/resolve')).statusCode).toBe(404);
      expect((await get('/api/v1/accounts/acc_missing/alerts')).statusCode).toBe(404);
      expect((await get('/api/v1/health/alerts?status=lost')).statusCode).toBe(400);
      expect((await get('/api/v1/health/alerts?owner=me')).statusCode).toBe(400);
      const future = await post('/api/v1/health/alerts/evaluate', { day: '2026-03-26' });
      expect(future.statusCode).toBe(400);
      const past = await post(`/api/v1/health/alerts/${alert.id}/snooze`, { until: '2026-03-01' });
      expect(past.statusCode).toBe(400);
    });

    it('reads and changes the thresholds', async () => {
      const before = (await get('/api/v1/health/alerts/settings')).json();
      expect(before).toMatchObject({ scoreDropPoints: 10, scoreDropWindowDays: 30, redDays: 14 });
      const put = await app.inject({
        method: 'PUT',
        url: '/api/v1/health/alerts/settings',
        payload: { scoreDropPoints: 20 },
      });
      expect(put.statusCode, put.body).toBe(200);
      expect(put.json()).toMatchObject({ scoreDropPoints: 20, redDays: 14 });
      const bad = await app.inject({
        method: 'PUT',
        url: '/api/v1/health/alerts/settings',
        payload: { scoreDropPoints: 0 },
      });
      expect(bad.statusCode).toBe(400);
      // 82 → 70 is 12 points: under the new bar of 20.
      const run = (await post('/api/v1/health/alerts/evaluate', {})).json();
      expect(run.byKind.score_drop).toBe(0);
    });
  });
}
