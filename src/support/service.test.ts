import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { makeCtx } from '../core/context.js';
import { testCtx } from '../testing/ctx.js';
import { createAccount } from '../accounts/account/service.js';
import { createUser } from '../identity/service.js';
import { createContact, getContact } from '../accounts/contact/service.js';
import { listTimeline } from '../accounts/timeline/service.js';
import * as service from './service.js';

const AS_OF = '2026-06-30T12:00:00.000Z';

for (const dialect of testDialects()) {
  describe(`support on ${dialect}`, () => {
    let db: TestDb;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
    });
    afterEach(async () => db.destroy());

    /** One account with tickets and responses whose summary is worked out by hand below. */
    async function fixture() {
      const ctx = testCtx(db, AS_OF);
      const acme = await createAccount(ctx, { name: 'Acme', crmId: 'SF-1' });
      const ana = await createContact(ctx, { accountId: acme.id, name: 'Ana Lopez' });
      const bo = await createContact(ctx, { accountId: acme.id, name: 'Bo Chen' });
      const ticket = (t: Omit<Parameters<typeof service.createTicket>[1], 'accountId'>) =>
        service.createTicket(ctx, { accountId: acme.id, ...t });
      // Open now: T1 (urgent, escalated), T2 (pending), T8 (old).
      await ticket({
        subject: 'T1',
        openedAt: '2026-06-29T12:00:00Z',
        priority: 'urgent',
        escalated: true,
      });
      await ticket({
        subject: 'T2',
        openedAt: '2026-06-20T14:00:00+02:00',
        status: 'pending',
        priority: 'high',
        firstResponseAt: '2026-06-20T14:00:00Z',
      });
      // Resolved in the last 90 days: first response 1, 3, 2, – h; resolution 10, 20, 48, 5 h.
      const times = (opened: string, first: number | null, resolved: number) => ({
        openedAt: opened,
        firstResponseAt:
          first === null ? null : new Date(Date.parse(opened) + first * 3_600_000).toISOString(),
        resolvedAt: new Date(Date.parse(opened) + resolved * 3_600_000).toISOString(),
      });
      await ticket({
        subject: 'T3',
        status: 'solved',
        csat: 5,
        ...times('2026-06-10T00:00:00Z', 1, 10),
      });
      await ticket({
        subject: 'T4',
        status: 'closed',
        csat: 3,
        ...times('2026-05-20T00:00:00Z', 3, 20),
      });
      await ticket({
        subject: 'T5',
        status: 'solved',
        csat: 4,
        escalated: true,
        ...times('2026-05-15T00:00:00Z', 2, 48),
      });
      await ticket({ subject: 'T6', status: 'solved', ...times('2026-04-10T00:00:00Z', null, 5) });
      // Resolved before the 90 days: counts nowhere.
      await ticket({
        subject: 'T7',
        status: 'solved',
        csat: 1,
        ...times('2026-02-01T00:00:00Z', 1, 24),
      });
      await ticket({ subject: 'T8', openedAt: '2026-03-01T00:00:00Z' });

      const response = (
        kind: 'nps' | 'csat',
        score: number,
        respondedAt: string,
        contactId?: string,
      ) =>
        service.createSurveyResponse(ctx, {
          accountId: acme.id,
          kind,
          score,
          respondedAt,
          contactId,
        });
      // Last 90 days: 10, 9, 9, 8, 3 → 3 promoters, 1 passive, 1 detractor → 40.
      await response('nps', 9, '2026-05-05T00:00:00Z', bo.id);
      await response('nps', 3, '2026-04-02T00:00:00Z', bo.id);
      await response('nps', 10, '2026-06-25T00:00:00Z', ana.id);
      await response('nps', 9, '2026-06-01T00:00:00Z');
      await response('nps', 8, '2026-04-20T00:00:00Z');
      // The 90 days before: 10, 6, 5, 7 → 1 promoter, 1 passive, 2 detractors → −25.
      await response('nps', 10, '2026-03-15T00:00:00Z');
      await response('nps', 6, '2026-02-10T00:00:00Z');
      await response('nps', 5, '2026-01-20T00:00:00Z');
      await response('nps', 7, '2026-01-02T00:00:00Z');
      await response('nps', 0, '2025-12-01T00:00:00Z');
      await response('csat', 2, '2026-06-01T00:00:00Z');
      await response('csat', 5, '2026-03-01T00:00:00Z');
      return { ctx, acme, ana, bo };
    }

    it('summarises an account with exact medians, CSAT and NPS', async () => {
      const { ctx, acme, ana, bo } = await fixture();
      const s = await service.supportSummary(ctx, acme.id);
      expect(s).toEqual({
        accountId: acme.id,
        asOf: AS_OF,
        tickets: {
          open: 3,
          urgentOpen: 1,
          escalatedOpen: 1,
          openedLast30Days: 3,
          openedPrior30Days: 2,
          openedChange: 1,
          resolvedLast90Days: 4,
          medianFirstResponseHours: 2,
          medianResolutionHours: 15,
        },
        csat: { average: 3.5, ratings: 4, fromTickets: 3, fromSurveys: 1 },
        nps: {
          latest: {
            responseId: expect.stringMatching(/^svy_/),
            score: 10,
            category: 'promoter',
            respondedAt: '2026-06-25T00:00:00.000Z',
            contactId: ana.id,
            contactName: 'Ana Lopez',
          },
          last90Days: { score: 40, responses: 5, promoters: 3, passives: 1, detractors: 1 },
          prior90Days: { score: -25, responses: 4, promoters: 1, passives: 1, detractors: 2 },
          trend: 65,
        },
      });
      // An older response does not replace a contact's newer latest NPS.
      expect((await getContact(ctx, bo.id)).latestNps).toBe(9);
      expect((await getContact(ctx, ana.id)).latestNps).toBe(10);

      const earlier = await service.supportSummary(ctx, acme.id, '2026-06-24T00:00:00+00:00');
      expect(earlier.nps.latest).toMatchObject({ score: 9, contactId: null, contactName: null });
      expect(earlier.tickets).toMatchObject({ open: 2, openedLast30Days: 2 });
    });

    it('writes timeline entries for opened, escalated, resolved tickets and responses', async () => {
      const ctx = testCtx(db, AS_OF);
      const acme = await createAccount(ctx, { name: 'Acme' });
      const t = await service.createTicket(ctx, {
        accountId: acme.id,
        subject: 'Login loop',
        externalId: 'ZD-1',
        openedAt: '2026-06-30T09:00:00Z',
      });
      expect(t).toMatchObject({
        status: 'open',
        priority: 'normal',
        resolvedAt: null,
        escalated: false,
      });
      ctx.setNow('2026-06-30T15:00:00.000Z');
      const escalated = await service.updateTicket(ctx, t.id, {
        escalated: true,
        priority: 'urgent',
      });
      expect(escalated.escalated).toBe(true);
      const solved = await service.updateTicket(ctx, t.id, { status: 'solved', csat: 4 });
      expect(solved).toMatchObject({
        resolvedAt: '2026-06-30T15:00:00.000Z',
        resolutionHours: 6,
        csat: 4,
      });
      const reopened = await service.updateTicket(ctx, t.id, { status: 'open' });
      expect(reopened.resolvedAt).toBeNull();
      await service.createSurveyResponse(ctx, { accountId: acme.id, kind: 'nps', score: 4 });
      const entries = (await listTimeline(ctx, acme.id, { limit: 50 })).items;
      expect(entries.map((e) => [e.kind, e.title])).toEqual(
        expect.arrayContaining([
          ['ticket_opened', 'Ticket opened: #ZD-1 Login loop'],
          ['ticket_escalated', 'Ticket escalated: #ZD-1 Login loop'],
          ['ticket_resolved', 'Ticket solved after 6 h: #ZD-1 Login loop'],
          ['survey_response', 'NPS 4 (detractor)'],
        ]),
      );
      const audit = await db.db
        .selectFrom('audit_log')
        .select(['entity', 'action'])
        .where('entity', 'in', ['ticket', 'survey_response'])
        .execute();
      expect(audit).toHaveLength(5);
    });

    it('refuses bad times, a foreign contact, duplicates and out-of-range scores', async () => {
      const ctx = testCtx(db, AS_OF);
      const acme = await createAccount(ctx, { name: 'Acme' });
      const other = await createAccount(ctx, { name: 'Other' });
      const stranger = await createContact(ctx, { accountId: other.id, name: 'Stranger' });
      const base = { accountId: acme.id, subject: 'S', openedAt: '2026-06-01T10:00:00Z' };
      await expect(
        service.createTicket(ctx, { ...base, firstResponseAt: '2026-06-01T09:00:00Z' }),
      ).rejects.toMatchObject({
        code: 'validation',
        message: expect.stringMatching(/^firstResponseAt:/),
      });
      await expect(
        service.createTicket(ctx, { ...base, resolvedAt: '2026-06-02T09:00:00Z' }),
      ).rejects.toMatchObject({
        code: 'validation',
        message: expect.stringMatching(/^resolvedAt:/),
      });
      await expect(
        service.createTicket(ctx, { ...base, contactId: stranger.id }),
      ).rejects.toMatchObject({
        code: 'validation',
        message: expect.stringMatching(/^contactId:/),
      });
      await expect(
        service.createTicket(ctx, { ...base, accountId: 'acc_nope' }),
      ).rejects.toMatchObject({ code: 'validation' });
      const t = await service.createTicket(ctx, { ...base, externalId: 'X-1' });
      await expect(service.createTicket(ctx, { ...base, externalId: 'X-1' })).rejects.toMatchObject(
        {
          code: 'conflict',
          details: { field: 'externalId', existingId: t.id },
        },
      );
      const t2 = await service.createTicket(ctx, base);
      await expect(service.updateTicket(ctx, t2.id, { externalId: 'X-1' })).rejects.toMatchObject({
        code: 'conflict',
      });
      await expect(
        service.updateTicket(ctx, t2.id, { openedAt: '2026-07-01T00:00:00Z', status: 'solved' }),
      ).rejects.toMatchObject({ message: expect.stringMatching(/^resolvedAt: is before/) });
      await expect(service.updateTicket(ctx, 'tkt_nope', {})).rejects.toMatchObject({
        code: 'not_found',
      });
      for (const [kind, score] of [
        ['nps', 11],
        ['nps', -1],
        ['csat', 0],
        ['csat', 6],
      ] as const) {
        await expect(
          service.createSurveyResponse(ctx, { accountId: acme.id, kind, score }),
        ).rejects.toMatchObject({ code: 'validation', message: expect.stringMatching(/^score:/) });
      }
      await service.createSurveyResponse(ctx, {
        accountId: acme.id,
        kind: 'nps',
        score: 7,
        externalId: 'R1',
      });
      await expect(
        service.createSurveyResponse(ctx, {
          accountId: acme.id,
          kind: 'csat',
          score: 3,
          externalId: 'R1',
        }),
      ).rejects.toMatchObject({ code: 'conflict', details: { field: 'externalId' } });
      expect(await db.db.selectFrom('tickets').select('id').execute()).toHaveLength(2);
    });

    it('lists tickets and responses by filter, a page at a time, newest first', async () => {
      const ctx = testCtx(db, AS_OF);
      const acme = await createAccount(ctx, { name: 'Acme' });
      const beta = await createAccount(ctx, { name: 'Beta' });
      for (let d = 1; d <= 5; d++)
        await service.createTicket(ctx, {
          accountId: d % 2 ? acme.id : beta.id,
          subject: `S${d}`,
          openedAt: `2026-06-0${d}T00:00:00Z`,
          priority: d === 5 ? 'urgent' : 'low',
          status: d === 4 ? 'pending' : 'open',
        });
      const first = await service.listTickets(ctx, { limit: 2 });
      expect(first.items.map((t) => t.subject)).toEqual(['S5', 'S4']);
      const second = await service.listTickets(ctx, { limit: 2, cursor: first.nextCursor! });
      expect(second.items.map((t) => t.subject)).toEqual(['S3', 'S2']);
      const q = (f: Partial<Parameters<typeof service.listTickets>[1]>) =>
        service.listTickets(ctx, { limit: 50, ...f }).then((p) => p.items.map((t) => t.subject));
      expect(await q({ accountId: acme.id, sort: 'openedAt' })).toEqual(['S1', 'S3', 'S5']);
      expect(await q({ status: 'pending' })).toEqual(['S4']);
      expect(await q({ priority: 'urgent' })).toEqual(['S5']);
      expect(
        await q({ openedAfter: '2026-06-02T00:00:00Z', openedBefore: '2026-06-04T02:00:00+02:00' }),
      ).toEqual(['S3', 'S2']);

      await service.createSurveyResponse(ctx, {
        accountId: acme.id,
        kind: 'nps',
        score: 9,
        respondedAt: '2026-05-01T00:00:00Z',
      });
      await service.createSurveyResponse(ctx, {
        accountId: acme.id,
        kind: 'csat',
        score: 4,
        respondedAt: '2026-05-02T00:00:00Z',
      });
      await service.createSurveyResponse(ctx, {
        accountId: beta.id,
        kind: 'nps',
        score: 2,
        respondedAt: '2026-05-03T00:00:00Z',
      });
      const r = (f: Partial<Parameters<typeof service.listSurveyResponses>[1]>) =>
        service
          .listSurveyResponses(ctx, { limit: 50, ...f })
          .then((p) => p.items.map((x) => x.score));
      expect(await r({})).toEqual([2, 4, 9]);
      expect(await r({ accountId: acme.id })).toEqual([4, 9]);
      expect(await r({ kind: 'nps' })).toEqual([2, 9]);
      expect(await r({ after: '2026-05-02T00:00:00Z', before: '2026-05-03T00:00:00Z' })).toEqual([
        4,
      ]);
      expect(
        (await service.listSurveyResponses(ctx, { limit: 1, kind: 'nps' })).items[0],
      ).toMatchObject({
        category: 'detractor',
      });
    });

    it("lets a CSM write only their own accounts' support records", async () => {
      const admin = testCtx(db, AS_OF);
      const me = await createUser(admin, { email: 'me@example.com', name: 'Me', role: 'csm' });
      const mine = await createAccount(admin, { name: 'Mine', ownerId: me.id });
      const theirs = await createAccount(admin, { name: 'Theirs' });
      const csm = makeCtx(db.db, db.dialect, {
        now: () => new Date(AS_OF),
        access: (action, _resource, target) => action === 'read' || target?.ownerId === me.id,
      });
      await expect(
        service.createTicket(csm, { accountId: theirs.id, subject: 'S' }),
      ).rejects.toMatchObject({ code: 'forbidden' });
      await expect(
        service.createSurveyResponse(csm, { accountId: theirs.id, kind: 'nps', score: 5 }),
      ).rejects.toMatchObject({ code: 'forbidden' });
      const t = await service.createTicket(admin, { accountId: theirs.id, subject: 'S' });
      await expect(service.updateTicket(csm, t.id, { status: 'solved' })).rejects.toMatchObject({
        code: 'forbidden',
      });
      expect(
        (await service.createTicket(csm, { accountId: mine.id, subject: 'Mine' })).subject,
      ).toBe('Mine');
      expect((await service.getTicket(csm, t.id)).id).toBe(t.id);
      const blind = makeCtx(db.db, db.dialect, { access: () => false });
      await expect(service.getTicket(blind, t.id)).rejects.toMatchObject({ code: 'not_found' });
      await expect(service.supportSummary(blind, mine.id)).rejects.toMatchObject({
        code: 'not_found',
      });
      await expect(service.supportSummary(admin, 'acc_nope')).rejects.toMatchObject({
        code: 'not_found',
      });
    });
  });
}
