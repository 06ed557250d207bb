import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { loadConfig } from '../core/config.js';
import { testServer, type TestApp } from '../testing/server.js';

for (const dialect of testDialects()) {
  describe(`HTTP API on ${dialect}`, () => {
    let db: TestDb;
    let app: TestApp;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
      app = await testServer({
        handle: db,
        config: { ...loadConfig({}), bodyLimitBytes: 64 * 1024 },
      });
    });
    afterEach(async () => {
      await app.close();
      await db.destroy();
    });

    const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
      app.inject({ method: 'POST', url, payload: payload as object, headers });

    it('creates, reads, patches and archives an account', async () => {
      const created = await post('/api/v1/accounts', {
        name: 'Initech',
        crmId: 'A-2e4581',
        segment: 'smb',
      });
      expect(created.statusCode).toBe(201);
      const a = created.json();
      expect(a).toMatchObject({
        name: 'Initech',
        crmId: 'A-2e4581',
        stage: 'onboarding',
        mrrMinor: 0,
      });
      const got = await app.inject({ method: 'GET', url: `/api/v1/accounts/${a.id}` });
      expect(got.json()).toEqual(a);
      const patched = await app.inject({
        method: 'PATCH',
        url: `/api/v1/accounts/${a.id}`,
        payload: { stage: 'active', region: 'NA' },
      });
      expect(patched.statusCode).toBe(200);
      expect(patched.json()).toMatchObject({ stage: 'active', region: 'NA' });
      const archived = await post(`/api/v1/accounts/${a.id}/archive`, {});
      expect(archived.json().archivedAt).not.toBeNull();
      const history = await app.inject({
        method: 'GET',
        url: `/api/v1/accounts/${a.id}/stage-history`,
      });
      expect(history.json().items.map((h: { toStage: string }) => h.toStage)).toEqual([
        'onboarding',
        'active',
      ]);
    });

    it('answers bad input with 400 naming the field, 404 for unknown ids, 409 for duplicates', async () => {
      const wrongType = await post('/api/v1/accounts', { name: 42 });
      expect(wrongType.statusCode).toBe(400);
      expect(wrongType.json().error).toMatchObject({
        code: 'validation',
        message: expect.stringContaining('body.name'),
      });
      const unknown = await post('/api/v1/accounts', { name: 'X', colour: 'blue' });
      expect(unknown.statusCode).toBe(400);
      expect(JSON.stringify(unknown.json().error)).toContain('colour');
      const malformed = await app.inject({
        method: 'POST',
        url: '/api/v1/accounts',
        payload: '{"name": ',
        headers: { 'content-type': 'application/json' },
      });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json().error.code).toBe('validation');
      const nul = await post('/api/v1/accounts', { name: 'a\u0000b' });
      expect(nul.statusCode).toBe(400);
      expect(nul.json().error.message).toContain('NUL');
      const huge = await post('/api/v1/accounts', {
        name: 'X',
        traits: { blob: 'x'.repeat(100_000) },
      });
      expect(huge.statusCode).toBe(413);
      expect(
        (await app.inject({ method: 'GET', url: '/api/v1/accounts/acc_nope' })).statusCode,
      ).toBe(404);
      await post('/api/v1/accounts', { name: 'One', billingId: 'cus_1' });
      const dup = await post('/api/v1/accounts', { name: 'Two', billingId: 'cus_1' });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().error.details.field).toBe('billingId');
      const list = await app.inject({ method: 'GET', url: '/api/v1/accounts?limit=1000' });
      expect(list.statusCode).toBe(400);
      expect(list.json().error.message).toContain('querystring.limit');
      // Nothing from the failed requests was stored.
      const all = await app.inject({ method: 'GET', url: '/api/v1/accounts?includeArchived=true' });
      expect(all.json().items.map((x: { name: string }) => x.name)).toEqual(['One']);
    });

    it('replays the first response for a repeated Idempotency-Key and refuses a different body', async () => {
      const first = await post('/api/v1/accounts', { name: 'Hooli' }, { 'idempotency-key': 'k-1' });
      const again = await post('/api/v1/accounts', { name: 'Hooli' }, { 'idempotency-key': 'k-1' });
      expect(again.statusCode).toBe(201);
      expect(again.json()).toEqual(first.json());
      expect(again.headers['idempotent-replayed']).toBe('true');
      const other = await post(
        '/api/v1/accounts',
        { name: 'Pied Piper' },
        { 'idempotency-key': 'k-1' },
      );
      expect(other.statusCode).toBe(409);
      expect(other.json().error.message).toContain('Idempotency-Key');
      const list = await app.inject({ method: 'GET', url: '/api/v1/accounts' });
      expect(list.json().items).toHaveLength(1);
    });

    it('serves subscriptions, movements, timeline and contacts end to end', async () => {
      const a = (await post('/api/v1/accounts', { name: 'Umbrella', stage: 'active' })).json();
      const s = await post('/api/v1/subscriptions', {
        accountId: a.id,
        plan: 'Pro',
        mrrMinor: 49_900,
        startDate: '2025-02-01',
        endDate: '2026-02-01',
      });
      expect(s.statusCode).toBe(201);
      const up = await app.inject({
        method: 'PATCH',
        url: `/api/v1/subscriptions/${s.json().id}`,
        payload: { mrrMinor: 59_900, effectiveDate: '2025-08-01' },
      });
      expect(up.statusCode).toBe(200);
      const moves = (
        await app.inject({ method: 'GET', url: `/api/v1/accounts/${a.id}/movements` })
      ).json().items;
      expect(moves.map((m: { kind: string }) => m.kind)).toEqual(['new', 'expansion']);
      const mrr = (
        await app.inject({ method: 'GET', url: `/api/v1/accounts/${a.id}/mrr?date=2025-05-01` })
      ).json();
      expect(mrr.byCurrency).toEqual([{ currency: 'USD', mrrMinor: 49_900, arrMinor: 598_800 }]);
      const c = await post('/api/v1/contacts', {
        accountId: a.id,
        name: 'Alice',
        email: 'alice@umbrella.io',
        roles: ['champion'],
      });
      expect(c.statusCode).toBe(201);
      const other = (await post('/api/v1/contacts', { accountId: a.id, name: 'Dup Alice' })).json();
      expect(
        (await post(`/api/v1/contacts/${other.id}/archive`, {})).json().archivedAt,
      ).not.toBeNull();
      const listed = (
        await app.inject({ method: 'GET', url: `/api/v1/contacts?accountId=${a.id}` })
      ).json();
      expect(listed.items.map((x: { name: string }) => x.name)).toEqual(['Alice']);
      const left = await post(`/api/v1/contacts/${c.json().id}/left`, {
        leftOn: '2025-09-01',
        reason: 'joined a competitor',
      });
      expect(left.json().leftOn).toBe('2025-09-01');
      const note = await post(`/api/v1/accounts/${a.id}/timeline`, {
        kind: 'call',
        title: 'Renewal check-in',
        body: 'Worried about price',
      });
      expect(note.statusCode).toBe(201);
      const badKind = await post(`/api/v1/accounts/${a.id}/timeline`, {
        kind: 'stage_changed',
        title: 'forged',
      });
      expect(badKind.statusCode).toBe(400);
      const tl = (
        await app.inject({ method: 'GET', url: `/api/v1/accounts/${a.id}/timeline?limit=100` })
      ).json();
      const kinds = tl.items.map((t: { kind: string }) => t.kind);
      expect(kinds).toEqual(
        expect.arrayContaining([
          'call',
          'contact_left',
          'subscription_changed',
          'contact_added',
          'account_created',
        ]),
      );
      const champ = tl.items.find((t: { kind: string }) => t.kind === 'contact_left');
      expect(champ.title).toContain('Champion left');
    });

    it('publishes an OpenAPI 3.1 document and the docs UI', async () => {
      const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/accounts',
          '/api/v1/accounts/{id}',
          '/api/v1/subscriptions',
        ]),
      );
      expect(doc.components.schemas.Account).toBeDefined();
      const ui = await app.inject({ method: 'GET', url: '/api/docs' });
      expect([200, 302]).toContain(ui.statusCode);
    });

    it('answers unknown routes with the error shape, never a stack', async () => {
      const r = await app.inject({ method: 'GET', url: '/api/v1/nope' });
      expect(r.statusCode).toBe(404);
      expect(r.json().error).toMatchObject({ code: 'not_found', requestId: expect.any(String) });
    });
  });
}

describe('segments are configurable', () => {
  it('adds a segment, uses it, and refuses to drop one in use', async () => {
    const db = await freshTestDb('sqlite');
    const app = await testServer({ handle: db, config: loadConfig({}) });
    try {
      const put = await app.inject({
        method: 'PUT',
        url: '/api/v1/settings/segments',
        payload: { segments: ['Enterprise', 'SMB', 'Strategic'] },
      });
      expect(put.json().segments).toEqual(['enterprise', 'smb', 'strategic']);
      const a = await app.inject({
        method: 'POST',
        url: '/api/v1/accounts',
        payload: { name: 'S', segment: 'strategic' },
      });
      expect(a.statusCode).toBe(201);
      const bad = await app.inject({
        method: 'POST',
        url: '/api/v1/accounts',
        payload: { name: 'M', segment: 'mid_market' },
      });
      expect(bad.statusCode).toBe(400);
      const drop = await app.inject({
        method: 'PUT',
        url: '/api/v1/settings/segments',
        payload: { segments: ['enterprise'] },
      });
      expect(drop.statusCode).toBe(409);
      expect(drop.json().error.details.inUse).toEqual(['strategic']);
    } finally {
      await app.close();
      await db.destroy();
    }
  });
});
