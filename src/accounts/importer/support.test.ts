import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { loadConfig } from '../../core/config.js';
import { testCtx } from '../../testing/ctx.js';
import { testServer } from '../../testing/server.js';
import { createAccount } from '../account/service.js';
import { createContact, getContact } from '../contact/service.js';
import { listTimeline } from '../timeline/service.js';
import { listSurveyResponses, listTickets } from '../../support/service.js';
import { importFile } from './service.js';
import { csvDir, snapshot } from './testing.js';

const files = csvDir();
afterAll(() => files.cleanup());

const ZENDESK =
  'Id,Subject,Organization,Requester,Requester email,Priority,Status,Created at,Solved at,First reply time in minutes,Satisfaction Score,Escalated\n' +
  '101,Login fails,Acme,Ana Lopez,,Urgent,Open,2026-06-01 09:00:00 +0200,,30,,yes\n' +
  '102,Export slow,Acme,,bo@acme.com,High,Solved,2026-05-01 10:00,2026-05-02 10:00,60,4,no\n' +
  '103,Invoice question,Beta Corp,Someone Else,,Low,New,2026-05-04,,,,\n';
const BAD_ROW = '104,Bad priority,Acme,,,P9,Hold,2026-05-03,,,,\n';

for (const dialect of testDialects()) {
  describe(`ticket and survey imports on ${dialect}`, () => {
    let db: TestDb;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
    });
    afterEach(async () => db.destroy());

    async function book() {
      const ctx = testCtx(db, '2026-06-30T12:00:00.000Z');
      const acme = await createAccount(ctx, { name: 'Acme', crmId: 'SF-1' });
      const beta = await createAccount(ctx, { name: 'Beta Corp', crmId: 'SF-2' });
      const ana = await createContact(ctx, {
        accountId: acme.id,
        name: 'Ana Lopez',
        email: 'ana@acme.com',
      });
      const bo = await createContact(ctx, { accountId: acme.id, name: 'Bo', email: 'bo@acme.com' });
      return { ctx, acme, beta, ana, bo };
    }

    it('dry-runs a help-desk export naming the bad row, applies it, and changes nothing the second time', async () => {
      const { ctx, acme, beta, ana, bo } = await book();
      const before = await snapshot(db.db);
      const dry = await importFile(ctx, 'tickets', files.write('zd.csv', ZENDESK + BAD_ROW), {
        dryRun: true,
      });
      expect(dry.status).toBe('invalid');
      expect(dry.report.errors).toEqual([
        {
          line: 5,
          column: 'Priority',
          value: 'P9',
          reason: expect.stringMatching(/ticket priority/),
        },
      ]);
      expect(dry.report.columns.map((c) => c.target)).toEqual([
        'externalId',
        'subject',
        'accountName',
        'contact',
        'contactEmail',
        'priority',
        'status',
        'openedAt',
        'resolvedAt',
        'firstReplyMinutes',
        'csat',
        'escalated',
      ]);
      expect(await snapshot(db.db)).toEqual(before);

      const file = files.write('zd-good.csv', ZENDESK);
      const applied = await importFile(ctx, 'tickets', file);
      expect(applied.report).toMatchObject({ created: 3, updated: 0, errorCount: 0 });
      expect(applied.report.warnings).toEqual([
        '1 rows name a requester who is not a contact of their account; they were imported without a contact',
      ]);
      const tickets = (await listTickets(ctx, { limit: 10, sort: 'openedAt' })).items;
      expect(
        tickets.map((t) => [t.externalId, t.accountId, t.contactId, t.status, t.priority]),
      ).toEqual([
        ['102', acme.id, bo.id, 'solved', 'high'],
        ['103', beta.id, null, 'open', 'low'],
        ['101', acme.id, ana.id, 'open', 'urgent'],
      ]);
      expect(tickets[0]).toMatchObject({
        openedAt: '2026-05-01T10:00:00.000Z',
        firstResponseAt: '2026-05-01T11:00:00.000Z',
        resolvedAt: '2026-05-02T10:00:00.000Z',
        resolutionHours: 24,
        csat: 4,
        escalated: false,
      });
      expect(tickets[2]).toMatchObject({
        openedAt: '2026-06-01T07:00:00.000Z',
        firstResponseHours: 0.5,
        escalated: true,
      });
      const kinds = (await listTimeline(ctx, acme.id, { limit: 50 })).items.map((e) => e.kind);
      expect(kinds.sort()).toEqual(
        [
          'contact_added',
          'contact_added',
          'account_created',
          'imported',
          'ticket_opened',
          'ticket_opened',
          'ticket_escalated',
          'ticket_resolved',
        ].sort(),
      );

      const settled = await snapshot(db.db);
      const again = await importFile(ctx, 'tickets', file);
      expect(again.report).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
      expect({ ...(await snapshot(db.db)), imports: [] }).toEqual({ ...settled, imports: [] });

      ctx.setNow('2026-07-01T00:00:00.000Z');
      const change = await importFile(
        ctx,
        'tickets',
        files.write('zd-2.csv', 'Ticket ID,Status,Solved at\n101,solved,2026-06-02T07:00:00Z\n'),
      );
      expect(change.report).toMatchObject({ created: 0, updated: 1 });
      const solved = (await listTickets(ctx, { limit: 1, status: 'solved', sort: '-openedAt' }))
        .items[0];
      expect(solved).toMatchObject({ externalId: '101', resolutionHours: 24, contactId: ana.id });
    });

    it('refuses rows that break the ticket rules, each on its line and column', async () => {
      const { ctx, acme, beta } = await book();
      const stranger = await createContact(ctx, { accountId: beta.id, name: 'Stranger' });
      await importFile(
        ctx,
        'tickets',
        files.write(
          't0.csv',
          'Ticket ID,Account CRM ID,Subject,Created at\nT1,SF-1,Old,2026-06-01\n',
        ),
      );
      const r = await importFile(
        ctx,
        'tickets',
        files.write(
          't1.csv',
          'Ticket ID,Account CRM ID,Subject,Status,Created at,First response at,Resolved at,CSAT,Contact Tenure ID\n' +
            'T2,SF-1,Early,open,2026-06-01T10:00Z,2026-06-01T09:00Z,,,\n' +
            'T3,SF-1,Open but resolved,pending,2026-06-01,,2026-06-02,,\n' +
            'T4,SF-1,Bad CSAT,solved,2026-06-01,,2026-06-02,7,\n' +
            `T5,SF-1,Foreign contact,open,2026-06-01,,,,${stranger.id}\n` +
            'T1,SF-2,Moved,open,,,,,\n' +
            'T6,SF-1,,open,,,,,\n' +
            'T7,SF-1,Twice,open,2026-06-01,,,,\n' +
            'T7,SF-1,Twice,open,2026-06-01,,,,\n',
        ),
      );
      expect(r.status).toBe('invalid');
      expect(r.report.errors.map((e) => [e.line, e.column])).toEqual([
        [2, 'First response at'],
        [3, 'Resolved at'],
        [4, 'CSAT'],
        [5, 'Contact Tenure ID'],
        [6, 'Account CRM ID'],
        [7, 'Created at'],
        [9, 'Ticket ID'],
      ]);
      expect(r.report.errors[4]!.reason).toMatch(/cannot move between accounts/);
      expect((await listTickets(ctx, { limit: 10, accountId: acme.id })).items).toHaveLength(1);
    });

    it('imports NPS and CSAT responses, keeps contacts’ latest NPS, and re-imports by response id', async () => {
      const { ctx, acme, ana } = await book();
      const text =
        'Response ID,Company,Email,Score,Submitted at,Comment\n' +
        'R1,Acme,ana@acme.com,9,2026-06-01,Great\n' +
        'R2,Acme,,11,2026-06-02,\n' +
        'R3,Beta Corp,,3,2026-06-03,"Slow, buggy"\n';
      const dry = await importFile(ctx, 'surveys', files.write('s.csv', text), { dryRun: true });
      expect(dry.report.errors).toEqual([
        {
          line: 3,
          column: 'Score',
          value: '11',
          reason: 'an NPS score is a whole number from 0 to 10',
        },
      ]);
      const good = files.write('s-good.csv', text.replace('R2,Acme,,11,2026-06-02,\n', ''));
      expect((await importFile(ctx, 'surveys', good)).report).toMatchObject({ created: 2 });
      expect((await getContact(ctx, ana.id)).latestNps).toBe(9);
      const responses = (await listSurveyResponses(ctx, { limit: 10 })).items;
      expect(responses.map((x) => [x.externalId, x.kind, x.score, x.category, x.comment])).toEqual([
        ['R3', 'nps', 3, 'detractor', 'Slow, buggy'],
        ['R1', 'nps', 9, 'promoter', 'Great'],
      ]);
      const kinds = (await listTimeline(ctx, acme.id, { limit: 50 })).items.map((e) => e.title);
      expect(kinds).toContain('NPS 9 (promoter) from Ana Lopez');

      const settled = await snapshot(db.db);
      expect((await importFile(ctx, 'surveys', good)).report).toMatchObject({ unchanged: 2 });
      expect({ ...(await snapshot(db.db)), imports: [] }).toEqual({ ...settled, imports: [] });

      const mixed = await importFile(
        ctx,
        'surveys',
        files.write(
          's2.csv',
          'Response ID,Account CRM ID,NPS,CSAT,Survey,Submitted at\n' +
            'R1,SF-1,10,,,2026-06-01\n' +
            'C1,SF-1,,4,,2026-06-05\n' +
            'C2,SF-1,,5,nps,2026-06-05\n' +
            'C3,SF-1,8,2,,2026-06-05\n' +
            'C4,SF-1,,,,2026-06-05\n',
        ),
      );
      expect(mixed.report.errors.map((e) => [e.line, e.column])).toEqual([
        [4, 'Survey'],
        [5, 'CSAT'],
        [6, 'score'],
      ]);
      const fixed = await importFile(
        ctx,
        'surveys',
        files.write(
          's3.csv',
          'Response ID,Account CRM ID,NPS,CSAT,Submitted at\nR1,SF-1,10,,2026-06-01\nC1,SF-1,,4,2026-06-05\n',
        ),
      );
      expect(fixed.report).toMatchObject({ created: 1, updated: 1, unchanged: 0 });
      expect((await getContact(ctx, ana.id)).latestNps).toBe(10);
    });

    it('takes tickets over HTTP with a dry run naming the bad row', async () => {
      await book();
      const app = await testServer({ handle: db, config: loadConfig({}) });
      try {
        const up = await app.inject({
          method: 'POST',
          url: '/api/v1/imports?kind=tickets&filename=zd.csv',
          payload: ZENDESK + BAD_ROW,
          headers: { 'content-type': 'text/csv' },
        });
        expect(up.statusCode).toBe(201);
        expect(up.json()).toMatchObject({
          kind: 'tickets',
          status: 'invalid',
          report: { errors: [{ line: 5, column: 'Priority' }], created: 3 },
        });
        const fixed = (
          await app.inject({
            method: 'POST',
            url: '/api/v1/imports?kind=tickets',
            payload: ZENDESK,
            headers: { 'content-type': 'text/csv' },
          })
        ).json();
        const applied = await app.inject({
          method: 'POST',
          url: `/api/v1/imports/${fixed.id}/apply`,
        });
        expect(applied.statusCode).toBe(200);
        expect(applied.json().report).toMatchObject({ mode: 'apply', created: 3 });
        const list = await app.inject({ method: 'GET', url: '/api/v1/tickets' });
        expect(list.json().items).toHaveLength(3);
      } finally {
        await app.close();
      }
    });
  });
}
