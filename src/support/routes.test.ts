import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { loadConfig } from '../core/config.js';
import { testKey, testServer, type TestApp } from '../testing/server.js';

const NOW = '2026-06-30T12:00:00.000Z';

for (const dialect of testDialects()) {
  describe(`support over HTTP on ${dialect}`, () => {
    let db: TestDb;
    let app: TestApp;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
      app = await testServer({ handle: db, config: loadConfig({}), now: () => new Date(NOW) });
    });
    afterEach(async () => {
      await app.close();
      await db.destroy();
    });

    const post = (url: string, payload: object) => app.inject({ method: 'POST', url, payload });
    const get = (url: string) => app.inject({ method: 'GET', url });

    async function account() {
      const a = (await post('/api/v1/accounts', { name: 'Acme' })).json();
      const c = (await post('/api/v1/contacts', { accountId: a.id, name: 'Ana' })).json();
      return { accountId: a.id as string, contactId: c.id as string };
    }

    it('creates, reads, patches and lists tickets, instants in UTC', async () => {
      const { accountId, contactId } = await account();
      const created = await post('/api/v1/tickets', {
        accountId,
        contactId,
        externalId: 'ZD-881',
        subject: 'Exports time out',
        priority: 'high',
        openedAt: '2026-06-30T10:00:00+02:00',
        firstResponseAt: '2026-06-30T09:30:00Z',
      });
      expect(created.statusCode).toBe(201);
      const t = created.json();
      expect(t).toMatchObject({
        id: expect.stringMatching(/^tkt_/),
        status: 'open',
        openedAt: '2026-06-30T08:00:00.000Z',
        firstResponseAt: '2026-06-30T09:30:00.000Z',
        firstResponseHours: 1.5,
        resolvedAt: null,
        escalated: false,
        contactId,
      });
      expect((await get(`/api/v1/tickets/${t.id}`)).json()).toEqual(t);
      const patched = await app.inject({
        method: 'PATCH',
        url: `/api/v1/tickets/${t.id}`,
        payload: { status: 'solved', csat: 5, escalated: true },
      });
      expect(patched.statusCode).toBe(200);
      expect(patched.json()).toMatchObject({
        status: 'solved',
        resolvedAt: NOW,
        resolutionHours: 4,
      });
      const list = await get(`/api/v1/tickets?accountId=${accountId}&status=solved&escalated=true`);
      expect(list.json()).toMatchObject({ items: [{ id: t.id }], nextCursor: null });
      expect((await get('/api/v1/tickets?status=open')).json().items).toEqual([]);
    });

    it('answers 400 naming the field, 404 for unknown ids, 409 for a taken external id', async () => {
      const { accountId } = await account();
      const bad = await post('/api/v1/tickets', { accountId, subject: 'S', csat: 6 });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.message).toContain('csat');
      const early = await post('/api/v1/tickets', {
        accountId,
        subject: 'S',
        openedAt: '2026-06-30T10:00:00Z',
        resolvedAt: '2026-06-30T09:00:00Z',
        status: 'closed',
      });
      expect(early.statusCode).toBe(400);
      expect(early.json().error.message).toMatch(/^resolvedAt:/);
      expect(
        (await post('/api/v1/tickets', { accountId, subject: 'S', priority: 'p1' })).statusCode,
      ).toBe(400);
      expect((await get('/api/v1/tickets/tkt_nope')).statusCode).toBe(404);
      expect((await get('/api/v1/accounts/acc_nope/support')).statusCode).toBe(404);
      await post('/api/v1/tickets', { accountId, subject: 'S', externalId: 'E1' });
      const dup = await post('/api/v1/tickets', { accountId, subject: 'S', externalId: 'E1' });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().error).toMatchObject({
        code: 'conflict',
        details: { field: 'externalId' },
      });
      const score = await post('/api/v1/surveys', { accountId, kind: 'csat', score: 9 });
      expect(score.statusCode).toBe(400);
      expect(score.json().error.message).toMatch(/^score:/);
    });

    it('records survey responses and serves the account summary', async () => {
      const { accountId, contactId } = await account();
      for (const [score, respondedAt] of [
        [10, '2026-06-01T00:00:00Z'],
        [6, '2026-06-10T00:00:00Z'],
        [9, '2026-03-01T00:00:00Z'],
      ] as const) {
        const r = await post('/api/v1/surveys', {
          accountId,
          contactId,
          kind: 'nps',
          score,
          respondedAt,
        });
        expect(r.statusCode).toBe(201);
      }
      const listed = (await get(`/api/v1/surveys?accountId=${accountId}&kind=nps&limit=2`)).json();
      expect(listed.items.map((r: { score: number }) => r.score)).toEqual([6, 10]);
      expect(listed.items[0]).toMatchObject({ category: 'detractor', contactId });
      expect(listed.nextCursor).not.toBeNull();
      const contact = (await get(`/api/v1/contacts/${contactId}`)).json();
      expect(contact.latestNps).toBe(6);

      await post('/api/v1/tickets', { accountId, subject: 'Open one', priority: 'urgent' });
      const summary = await get(`/api/v1/accounts/${accountId}/support`);
      expect(summary.statusCode).toBe(200);
      expect(summary.json()).toMatchObject({
        asOf: NOW,
        tickets: { open: 1, urgentOpen: 1, openedLast30Days: 1, medianResolutionHours: null },
        nps: {
          latest: { score: 6, contactName: 'Ana' },
          last90Days: { score: 0, responses: 2 },
          prior90Days: { score: 100, responses: 1 },
          trend: -100,
        },
      });
      const past = await get(
        `/api/v1/accounts/${accountId}/support?asOf=2026-06-05T00:00:00%2B02:00`,
      );
      expect(past.json()).toMatchObject({
        asOf: '2026-06-04T22:00:00.000Z',
        tickets: { open: 0 },
        nps: { latest: { score: 10 } },
      });
      expect((await get(`/api/v1/accounts/${accountId}/support?asOf=yesterday`)).statusCode).toBe(
        400,
      );
    });

    it('lets a read key read but not write', async () => {
      const { accountId } = await account();
      const key = await testKey(db, 'read');
      const as = (o: { method: 'GET' | 'POST'; url: string; payload?: object }) =>
        app.inject({ ...o, headers: { authorization: `Bearer ${key}` } });
      expect((await as({ method: 'GET', url: '/api/v1/tickets' })).statusCode).toBe(200);
      expect(
        (await as({ method: 'GET', url: `/api/v1/accounts/${accountId}/support` })).statusCode,
      ).toBe(200);
      const refused = await as({
        method: 'POST',
        url: '/api/v1/tickets',
        payload: { accountId, subject: 'S' },
      });
      expect(refused.statusCode).toBe(403);
      expect(await db.db.selectFrom('tickets').select('id').execute()).toEqual([]);
    });

    it('documents the routes in OpenAPI under the support tag', async () => {
      const doc = (await get('/api/openapi.json')).json();
      for (const path of [
        '/api/v1/tickets',
        '/api/v1/tickets/{id}',
        '/api/v1/surveys',
        '/api/v1/accounts/{id}/support',
      ])
        expect(
          Object.values(doc.paths[path]).every(
            (op) => (op as { tags: string[] }).tags[0] === 'support',
          ),
        ).toBe(true);
      expect(Object.keys(doc.components.schemas)).toEqual(
        expect.arrayContaining([
          'Ticket',
          'TicketCreate',
          'TicketPatch',
          'SurveyResponse',
          'SupportSummary',
        ]),
      );
    });
  });
}
