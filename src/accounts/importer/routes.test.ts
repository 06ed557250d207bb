import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { loadConfig } from '../../core/config.js';
import { testServer, type TestApp } from '../../testing/server.js';
import { snapshot } from './testing.js';

const CSV =
  'Account Name,Salesforce ID,Tier,Lifecycle Stage,Renewal Notes\nAcme,A-2e4581,enterprise,active,"calls, in March"\nBeta,A-1,smb,onboarding,\n';

for (const dialect of testDialects()) {
  describe(`import and export over HTTP on ${dialect}`, () => {
    let db: TestDb;
    let app: TestApp;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
      app = await testServer({
        handle: db,
        config: { ...loadConfig({}), importUploadLimitBytes: 64 * 1024 },
      });
    });
    afterEach(async () => {
      await app.close();
      await db.destroy();
    });

    const upload = (query: string, body: string) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/imports?${query}`,
        payload: body,
        headers: { 'content-type': 'text/csv' },
      });
    const apply = (id: string, body?: object) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/imports/${id}/apply`,
        ...(body ? { payload: body } : {}),
      });

    it('stores an upload with its dry run, applies it once, and refuses a second apply', async () => {
      const up = await upload('kind=accounts&filename=crm.csv', CSV);
      expect(up.statusCode).toBe(201);
      const created = up.json();
      expect(created).toMatchObject({
        kind: 'accounts',
        status: 'dry_run',
        fileName: 'crm.csv',
        report: { rows: 2, created: 2, errorCount: 0, traits: ['renewal_notes'] },
      });
      expect(
        (await db.db.selectFrom('imports').select('content').executeTakeFirstOrThrow()).content,
      ).toBe(CSV);
      expect(await db.db.selectFrom('accounts').selectAll().execute()).toEqual([]);

      const got = await app.inject({ method: 'GET', url: `/api/v1/imports/${created.id}` });
      expect(got.json()).toEqual(created);
      const listed = await app.inject({ method: 'GET', url: '/api/v1/imports?limit=5' });
      expect(listed.json().items.map((i: { id: string }) => i.id)).toEqual([created.id]);

      const applied = await apply(created.id);
      expect(applied.statusCode).toBe(200);
      expect(applied.json()).toMatchObject({
        status: 'applied',
        appliedAt: expect.any(String),
        report: { mode: 'apply', created: 2, updated: 0, unchanged: 0 },
      });
      expect(await db.db.selectFrom('accounts').selectAll().execute()).toHaveLength(2);
      const entries = await db.db.selectFrom('timeline_entries').select(['kind', 'data']).execute();
      expect(
        entries.every(
          (e) =>
            e.kind === 'imported' &&
            (JSON.parse(e.data) as { importId: string }).importId === created.id,
        ),
      ).toBe(true);

      const again = await apply(created.id);
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe('conflict');

      const second = (await upload('kind=accounts', CSV)).json();
      expect(second.report).toMatchObject({ created: 0, unchanged: 2 });
    });

    it('asks for a date format, then applies with the one chosen', async () => {
      const up = (
        await upload('kind=accounts', 'Name,CRM ID,Stage,Churned On\nA,1,churned,01/02/2024\n')
      ).json();
      expect(up).toMatchObject({
        status: 'needs_input',
        report: { needsInput: [{ column: 'Churned On', choices: ['d/m/yyyy', 'm/d/yyyy'] }] },
      });
      const refused = await apply(up.id);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.message).toMatch(/Churned On/);
      const ok = await apply(up.id, { dateFormat: 'm/d/yyyy' });
      expect(ok.statusCode).toBe(200);
      expect(
        (await db.db.selectFrom('accounts').select('churned_on').executeTakeFirstOrThrow())
          .churned_on,
      ).toBe('2024-01-02');
    });

    it('lists bad rows on upload, and an apply of them writes nothing', async () => {
      const up = (
        await upload('kind=accounts', 'Name,CRM ID,Segment\nA,1,smb\nB,2,galactic\n,3,smb\n')
      ).json();
      expect(up.status).toBe('invalid');
      expect(up.report.errors).toMatchObject([
        { line: 3, column: 'Segment', value: 'galactic' },
        { line: 4, column: 'Name' },
      ]);
      const before = await snapshot(db.db);
      const res = await apply(up.id);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({
        code: 'validation',
        details: { badRows: 2, errors: [{ line: 3 }, { line: 4 }] },
      });
      const after = await snapshot(db.db);
      expect({ ...after, imports: [] }).toEqual({ ...before, imports: [] });
    });

    it('takes column mappings from the query, repeated or comma-separated', async () => {
      const body = 'Customer,Ref,Internal\nAcme,X1,secret\n';
      const repeated = (
        await upload('kind=accounts&map=Customer%3Dname&map=Ref%3DcrmId&map=Internal%3D', body)
      ).json();
      expect(repeated.report.columns.map((c: { target: string | null }) => c.target)).toEqual([
        'name',
        'crmId',
        null,
      ]);
      const listed = (
        await upload(
          `kind=accounts&map=${encodeURIComponent('Customer=name,Ref=crmId,Internal=')}`,
          body,
        )
      ).json();
      expect(listed.report.columns).toEqual(repeated.report.columns);
      const bad = await upload('kind=accounts&map=Customer%3Dnope', body);
      expect(bad.json().status).toBe('invalid');
      expect(bad.json().report.problems[0]).toMatch(/unknown accounts field "nope"/);
    });

    it('refuses uploads over the limit and unknown imports', async () => {
      const big = await upload('kind=accounts', `Name\n${'x'.repeat(70 * 1024)}\n`);
      expect(big.statusCode).toBe(413);
      expect(
        (await app.inject({ method: 'GET', url: '/api/v1/imports/imp_nope' })).statusCode,
      ).toBe(404);
      expect((await apply('imp_nope')).statusCode).toBe(404);
      expect((await upload('kind=people', CSV)).statusCode).toBe(400);
    });

    it('exports accounts as Excel-ready CSV that imports back', async () => {
      await apply((await upload('kind=accounts', CSV)).json().id);
      const res = await app.inject({ method: 'GET', url: '/api/v1/accounts/export.csv' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      expect(res.headers['content-disposition']).toMatch(/attachment; filename="accounts-/);
      const text = res.body;
      expect(
        text.startsWith(
          '\ufeffTenure ID,Name,Domain,CRM ID,Billing ID,Parent Tenure ID,Parent CRM ID,Segment,Stage,Owner',
        ),
      ).toBe(true);
      expect(text.split('\r\n')).toHaveLength(4);
      expect(text).toContain('"calls, in March"');
      const filtered = await app.inject({
        method: 'GET',
        url: '/api/v1/accounts/export.csv?segment=smb',
      });
      expect(filtered.body.split('\r\n').filter(Boolean)).toHaveLength(2);
      expect(
        (
          await app.inject({
            method: 'GET',
            url: '/api/v1/accounts/export.csv?owner=ghost@example.com',
          })
        ).statusCode,
      ).toBe(400);

      const back = (await upload('kind=accounts', text)).json();
      expect(back).toMatchObject({
        status: 'dry_run',
        report: { unchanged: 2, created: 0, updated: 0, errorCount: 0 },
      });
      for (const kind of ['contacts', 'subscriptions']) {
        const r = await app.inject({ method: 'GET', url: `/api/v1/${kind}/export.csv` });
        expect(r.statusCode).toBe(200);
        expect(r.body.startsWith('\ufeffTenure ID,External ID,Account Tenure ID')).toBe(true);
      }
    });

    it('documents the routes in OpenAPI', async () => {
      const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/imports',
          '/api/v1/imports/{id}',
          '/api/v1/imports/{id}/apply',
          '/api/v1/accounts/export.csv',
          '/api/v1/contacts/export.csv',
          '/api/v1/subscriptions/export.csv',
        ]),
      );
      expect(Object.keys(doc.components.schemas)).toEqual(
        expect.arrayContaining(['Import', 'ImportReport']),
      );
    });
  });
}
