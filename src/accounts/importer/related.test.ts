import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { testCtx } from '../../testing/ctx.js';
import { createAccount, getAccount } from '../account/service.js';
import { listContacts } from '../contact/service.js';
import { listMovements, listSubscriptions } from '../subscription/service.js';
import { listTimeline } from '../timeline/service.js';
import { importFile } from './service.js';
import { csvDir, snapshot } from './testing.js';

const files = csvDir();
afterAll(() => files.cleanup());

for (const dialect of testDialects()) {
  describe(`contact and subscription imports on ${dialect}`, () => {
    let db: TestDb;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
    });
    afterEach(async () => db.destroy());

    it('imports contacts by their account CRM id, roles included, and leaves them alone the second time', async () => {
      const ctx = testCtx(db);
      const acme = await createAccount(ctx, { name: 'Acme', crmId: 'SF-1', stage: 'active' });
      const file = files.write(
        'contacts.csv',
        'Account ID,First Name,Last Name,Email,Job Title,Champion,Economic Buyer,NPS\n' +
          'SF-1,Ana,Lopez,Ana@Acme.com,VP Ops,TRUE,False,9\n' +
          'SF-1,Bo,Chen,bo@acme.com,,no,yes,\n',
      );
      const r = await importFile(ctx, 'contacts', file);
      expect(r.report.errors).toEqual([]);
      expect(r.report).toMatchObject({ created: 2, errorCount: 0 });
      const contacts = (await listContacts(ctx, { limit: 10, accountId: acme.id })).items;
      expect(contacts.map((c) => [c.name, c.email, c.roles, c.latestNps])).toEqual(
        expect.arrayContaining([
          ['Ana Lopez', 'ana@acme.com', ['champion'], 9],
          ['Bo Chen', 'bo@acme.com', ['economic_buyer'], null],
        ]),
      );
      const kinds = (await listTimeline(ctx, acme.id, { limit: 50 })).items.map((e) => e.kind);
      expect(kinds.filter((k) => k === 'contact_added')).toHaveLength(2);
      expect(kinds.filter((k) => k === 'imported')).toHaveLength(1);

      const before = await snapshot(db.db);
      const again = await importFile(ctx, 'contacts', file);
      expect(again.report).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
      expect({ ...(await snapshot(db.db)), imports: [] }).toEqual({ ...before, imports: [] });
    });

    it('updates a contact matched by email and records that a champion left', async () => {
      const ctx = testCtx(db);
      const acme = await createAccount(ctx, { name: 'Acme', crmId: 'SF-1' });
      await importFile(
        ctx,
        'contacts',
        files.write('c1.csv', 'Account CRM ID,Name,Email,Roles\nSF-1,Ana,ana@acme.com,champion\n'),
      );
      const r = await importFile(
        ctx,
        'contacts',
        files.write(
          'c2.csv',
          'Account CRM ID,Email,Left On,Left Reason\nSF-1,ana@acme.com,2026-01-10,new job\n',
        ),
      );
      expect(r.report).toMatchObject({ updated: 1, errorCount: 0 });
      const entries = (await listTimeline(ctx, acme.id, { limit: 50 })).items;
      expect(entries.find((e) => e.kind === 'contact_left')).toMatchObject({
        title: 'Champion left: Ana',
        occurredAt: '2026-01-10T00:00:00.000Z',
      });
    });

    it('finds the account by its name when a contacts file has no account ids', async () => {
      const ctx = testCtx(db);
      const acme = await createAccount(ctx, { name: 'Acme' });
      await createAccount(ctx, { name: 'Twin' });
      await createAccount(ctx, { name: 'Twin' });
      const r = await importFile(
        ctx,
        'contacts',
        files.write(
          'by-name.csv',
          'Company,Name,Email\nAcme,Ana,ana@acme.com\nTwin,Tom,tom@twin.com\nNobody,Nia,nia@x.com\n',
        ),
        { dryRun: true },
      );
      expect(r.report.errors).toMatchObject([
        { line: 3, column: 'Company', reason: expect.stringMatching(/2 accounts have this name/) },
        { line: 4, column: 'Company', reason: 'no account has this name' },
      ]);
      const ok = await importFile(
        ctx,
        'contacts',
        files.write('by-name-ok.csv', 'Company,Name,Email\nAcme,Ana,ana@acme.com\n'),
      );
      expect(ok.report.created).toBe(1);
      expect((await listContacts(ctx, { limit: 10, accountId: acme.id })).items).toHaveLength(1);
    });

    it('refuses contacts of unknown accounts and duplicates in the file', async () => {
      const ctx = testCtx(db);
      await createAccount(ctx, { name: 'Acme', crmId: 'SF-1' });
      const r = await importFile(
        ctx,
        'contacts',
        files.write(
          'bad.csv',
          'Account CRM ID,Name,Email\nSF-9,Ana,ana@x.com\nSF-1,Bo,bo@x.com\nSF-1,Bo again,BO@x.com\nSF-1,,\n',
        ),
      );
      expect(r.status).toBe('invalid');
      expect(r.report.errors.map((e) => [e.line, e.column])).toEqual([
        [2, 'Account CRM ID'],
        [4, 'Email'],
        [5, 'Name'],
      ]);
    });

    it('imports subscriptions through the revenue movements, exactly, and changes nothing the second time', async () => {
      const ctx = testCtx(db);
      const acme = await createAccount(ctx, { name: 'Acme', billingId: 'cus_1', stage: 'active' });
      const file = files.write(
        'subs.csv',
        'Subscription ID;Stripe Customer ID;Plan;MRR;Currency;Start Date;Renewal Date;Auto Renew;Status\n' +
          'sub_A;cus_1;Growth;"1.200,50 €";EUR;15/01/2025;15/01/2027;TRUE;active\n' +
          'sub_B;cus_1;Add-on;99;EUR;20/03/2025;;no;active\n',
      );
      const r = await importFile(ctx, 'subscriptions', file);
      expect(r.report).toMatchObject({ created: 2, errorCount: 0 });
      expect(await getAccount(ctx, acme.id)).toMatchObject({
        mrrMinor: 129950,
        currency: 'EUR',
        renewalDate: '2027-01-15',
      });
      const moves = await listMovements(ctx, acme.id);
      expect(moves.map((m) => [m.kind, m.effectiveDate, m.mrrDeltaMinor])).toEqual([
        ['new', '2025-01-15', 120050],
        ['expansion', '2025-03-20', 9900],
      ]);
      expect(moves.every((m) => m.source.startsWith('import:imp_'))).toBe(true);

      const before = await snapshot(db.db);
      expect((await importFile(ctx, 'subscriptions', file)).report).toMatchObject({
        unchanged: 2,
        created: 0,
        updated: 0,
      });
      expect({ ...(await snapshot(db.db)), imports: [] }).toEqual({ ...before, imports: [] });

      ctx.setNow('2026-02-01T00:00:00.000Z');
      const change = files.write(
        'change.csv',
        'External ID,MRR,Status,Canceled On\nsub_A,1300.50,,\nsub_B,,canceled,2026-01-31\n',
      );
      expect((await importFile(ctx, 'subscriptions', change)).report).toMatchObject({
        updated: 2,
        errorCount: 0,
      });
      const after = await listMovements(ctx, acme.id);
      expect(after.slice(2).map((m) => [m.kind, m.effectiveDate, m.mrrDeltaMinor])).toEqual([
        ['contraction', '2026-01-31', -9900],
        ['expansion', '2026-02-01', 10000],
      ]);
      expect((await getAccount(ctx, acme.id)).mrrMinor).toBe(130050);
    });

    it('refuses a second currency on a billing account and a new subscription without its dates', async () => {
      const ctx = testCtx(db);
      await createAccount(ctx, { name: 'Acme', crmId: 'SF-1' });
      const file = files.write(
        'cur.csv',
        'Account CRM ID,External ID,Plan,MRR,Currency,Start Date\nSF-1,s1,Pro,100,USD,2025-01-01\nSF-1,s2,Pro,100,EUR,2025-01-01\nSF-1,s3,Pro,100,USD,\n',
      );
      const before = await snapshot(db.db);
      const r = await importFile(ctx, 'subscriptions', file);
      expect(r.report.errors.map((e) => [e.line, e.column])).toEqual([
        [3, 'Currency'],
        [4, 'Start Date'],
      ]);
      expect(await snapshot(db.db)).toEqual(before);
      expect((await listSubscriptions(ctx, { limit: 10 })).items).toEqual([]);
    });

    it('converts ARR to MRR and warns when it is not a whole number of cents', async () => {
      const ctx = testCtx(db);
      const acme = await createAccount(ctx, { name: 'Acme', crmId: 'SF-1' });
      const r = await importFile(
        ctx,
        'subscriptions',
        files.write(
          'arr.csv',
          'Account CRM ID,Subscription ID,Plan,ARR,Start Date\nSF-1,s1,Pro,"$12,000.00",2025-01-01\nSF-1,s2,Pro,100,2025-01-01\n',
        ),
      );
      expect(r.report.errorCount).toBe(0);
      expect(r.report.warnings.join(' ')).toMatch(/1 ARR values were not divisible by 12/);
      expect((await getAccount(ctx, acme.id)).mrrMinor).toBe(100000 + 833);
    });
  });
}
