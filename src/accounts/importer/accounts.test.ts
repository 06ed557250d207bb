import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { testCtx } from '../../testing/ctx.js';
import { createUser } from '../../identity/service.js';
import { createAccount, getAccount, stageHistory } from '../account/service.js';
import { listTimeline } from '../timeline/service.js';
import { importFile } from './service.js';
import { csvDir, snapshot } from './testing.js';

const files = csvDir();
afterAll(() => files.cleanup());

for (const dialect of testDialects()) {
  describe(`account import on ${dialect}`, () => {
    let db: TestDb;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
    });
    afterEach(async () => db.destroy());

    const accountsByCrm = async () =>
      new Map((await db.db.selectFrom('accounts').selectAll().execute()).map((a) => [a.crm_id, a]));

    it('refuses a row with ids that shares its name with an earlier row without', async () => {
      const ctx = testCtx(db);
      for (const body of ['CRM ID,Name\n,Beta\nC1,Beta\n']) {
        const file = files.write('names.csv', body);
        const r = await importFile(ctx, 'accounts', file);
        expect(r.status).not.toBe('applied');
        expect(r.report.errors[0]).toMatchObject({ column: 'Name', value: 'Beta' });
        expect(await db.db.selectFrom('accounts').selectAll().execute()).toEqual([]);
      }
      const ok = files.write('ok.csv', 'CRM ID,Name\nC1,Beta\nC2,Beta\n');
      expect((await importFile(ctx, 'accounts', ok)).report.created).toBe(2);
    });

    it('creates accounts, then changes nothing when the same file comes again', async () => {
      const ctx = testCtx(db);
      const ana = await createUser(ctx, { email: 'ana@example.com', name: 'Ana', role: 'csm' });
      const file = files.write(
        'a.csv',
        'Account Name,Website,Salesforce ID,Stripe Customer ID,CSM,Tier,Lifecycle Stage,Employees\n' +
          'Acme,https://www.acme.com/,A-2e4581,cus_1,ana@example.com,Enterprise,Active,120\n' +
          'Beta,beta.io,A-1,,,smb,onboarding,\n',
      );
      const first = await importFile(ctx, 'accounts', file);
      expect(first.status).toBe('applied');
      expect(first.report).toMatchObject({
        rows: 2,
        created: 2,
        updated: 0,
        unchanged: 0,
        errorCount: 0,
        traits: ['employees'],
      });
      const acme = (await accountsByCrm()).get('A-2e4581')!;
      expect(acme).toMatchObject({
        name: 'Acme',
        domain: 'acme.com',
        billing_id: 'cus_1',
        owner_id: ana.id,
        segment: 'enterprise',
        stage: 'active',
      });
      expect(JSON.parse(acme.traits)).toEqual({ employees: 120 });
      expect(await stageHistory(ctx, acme.id)).toMatchObject([
        { fromStage: null, toStage: 'active' },
      ]);
      const entries = (await listTimeline(ctx, acme.id, { limit: 50 })).items;
      expect(entries).toMatchObject([
        { kind: 'imported', data: { importId: first.id, action: 'created' } },
      ]);

      const before = await snapshot(db.db);
      const second = await importFile(ctx, 'accounts', file);
      expect(second.report).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
      const after = await snapshot(db.db);
      // Only the import record itself is new.
      expect({ ...after, imports: [] }).toEqual({ ...before, imports: [] });
      expect(after.imports).toHaveLength(2);
    });

    it('updates only the cells that have a value, records stage moves and keeps traits it was not given', async () => {
      const ctx = testCtx(db);
      const acc = await createAccount(ctx, {
        name: 'Acme',
        crmId: 'SF1',
        stage: 'active',
        industry: 'Retail',
        traits: { tier: 'gold', seats: 5 },
      });
      ctx.setNow('2026-02-01T09:00:00.000Z');
      const file = files.write(
        'u.csv',
        'CRM ID,Name,Industry,Stage,Seats\nSF1,Acme Inc,,at_risk,7\n',
      );
      const r = await importFile(ctx, 'accounts', file);
      expect(r.report).toMatchObject({ updated: 1, errorCount: 0 });
      const now = await getAccount(ctx, acc.id);
      expect(now).toMatchObject({
        name: 'Acme Inc',
        industry: 'Retail',
        stage: 'at_risk',
        traits: { tier: 'gold', seats: 7 },
      });
      expect((await stageHistory(ctx, acc.id)).map((h) => h.toStage)).toEqual([
        'active',
        'at_risk',
      ]);
      const kinds = (await listTimeline(ctx, acc.id, { limit: 50 })).items.map((e) => e.kind);
      expect(kinds).toEqual(expect.arrayContaining(['stage_changed', 'imported']));
      expect(kinds.filter((k) => k === 'imported')).toHaveLength(1);
    });

    it('lists every bad row with its line and column, and writes nothing', async () => {
      const ctx = testCtx(db);
      await createAccount(ctx, { name: 'Live', crmId: 'L1', stage: 'active' });
      const before = await snapshot(db.db);
      const file = files.write(
        'bad.csv',
        'Name,CRM ID,Segment,Stage,Churned On,Owner,Note\n' +
          'Good,G1,smb,active,,,ok\n' +
          ',G2,smb,active,,,no name\n' +
          'Multi,G3,smb,active,,,"a note\nover two lines"\n' +
          'Bad seg,G4,gigantic,active,,,x\n' +
          'Dup,G1,smb,active,,,dup\n' +
          'Back,L1,smb,prospect,,,bad move\n' +
          'Date,G6,smb,churned,31/02/2024,,bad date\n' +
          'Who,G7,smb,active,,nobody@example.com,x\n' +
          'Extra,G8,smb,active,,,x,surplus\n',
      );
      const dry = await importFile(ctx, 'accounts', file, { dryRun: true });
      expect(dry.status).toBe('invalid');
      expect(dry.report.errors.map((e) => [e.line, e.column])).toEqual([
        [3, 'Name'],
        [6, 'Segment'],
        [7, 'CRM ID'],
        [8, 'Stage'],
        [9, 'Churned On'],
        [10, 'Owner'],
        [11, '(column 8)'],
      ]);
      expect(dry.report.badRows).toBe(7);
      const applied = await importFile(ctx, 'accounts', file);
      expect(applied.status).toBe('invalid');
      expect(await snapshot(db.db)).toEqual(before);
    });

    it('asks for the date order when values cannot tell, and uses the choice', async () => {
      const ctx = testCtx(db);
      const file = files.write(
        'd.csv',
        'Name,CRM ID,Stage,Churned On\nA,1,churned,01/02/2024\nB,2,churned,03/04/2024\n',
      );
      const r = await importFile(ctx, 'accounts', file);
      expect(r.status).toBe('needs_input');
      expect(r.report.needsInput).toMatchObject([
        { column: 'Churned On', choices: ['d/m/yyyy', 'm/d/yyyy'] },
      ]);
      expect(await snapshot(db.db)).toMatchObject({ accounts: [] });
      const chosen = await importFile(ctx, 'accounts', file, { dateFormat: 'd/m/yyyy' });
      expect(chosen.status).toBe('applied');
      expect((await accountsByCrm()).get('1')!.churned_on).toBe('2024-02-01');
    });

    it('detects the order from a value above 12 and reports contradicting rows', async () => {
      const ctx = testCtx(db);
      const ok = files.write(
        'o.csv',
        'Name,CRM ID,Stage,Churned On\nA,1,churned,01/02/2024\nB,2,churned,25/04/2024\n',
      );
      expect(
        (await importFile(ctx, 'accounts', ok, { dryRun: true })).report.columns.find(
          (c) => c.column === 'Churned On',
        )!.note,
      ).toMatch(/d\/m\/yyyy/);
      const bad = files.write(
        'c.csv',
        'Name,CRM ID,Stage,Churned On\nA,1,churned,13/02/2024\nB,2,churned,25/04/2024\nC,3,churned,04/25/2024\n',
      );
      const r = await importFile(ctx, 'accounts', bad, { dryRun: true });
      expect(r.report.errors).toMatchObject([
        {
          line: 4,
          column: 'Churned On',
          value: '04/25/2024',
          reason: expect.stringMatching(/only valid as m\/d\/yyyy/),
        },
      ]);
    });

    it('matches by billing id and by domain, and refuses keys that belong to another account', async () => {
      const ctx = testCtx(db);
      const a = await createAccount(ctx, { name: 'A', billingId: 'cus_A' });
      const b = await createAccount(ctx, { name: 'B', domain: 'b.com', crmId: 'SF-B' });
      const file = files.write(
        'm.csv',
        'Name,Billing ID,Domain,Region\nA2,cus_A,,EMEA\nB2,,b.com,APAC\n',
      );
      const r = await importFile(ctx, 'accounts', file);
      expect(r.report).toMatchObject({ updated: 2, created: 0 });
      expect(await getAccount(ctx, a.id)).toMatchObject({ name: 'A2', region: 'EMEA' });
      expect(await getAccount(ctx, b.id)).toMatchObject({ name: 'B2', region: 'APAC' });
      const clash = files.write('x.csv', 'CRM ID,Billing ID,Name\nSF-B,cus_A,Clash\n');
      const c = await importFile(ctx, 'accounts', clash, { dryRun: true });
      expect(c.report.errors).toMatchObject([
        {
          line: 2,
          column: 'Billing ID',
          reason: expect.stringMatching(/already has this billing ID/),
        },
      ]);
    });

    it('treats an unknown non-Tenure id as a mapping mistake', async () => {
      const ctx = testCtx(db);
      const file = files.write('i.csv', 'ID,Name\n12345,Acme\n');
      const r = await importFile(ctx, 'accounts', file, { dryRun: true });
      expect(r.report.errors[0]).toMatchObject({
        line: 2,
        column: 'ID',
        reason: expect.stringMatching(/crmId/),
      });
      const mapped = await importFile(ctx, 'accounts', file, { mapping: { ID: 'crmId' } });
      expect(mapped.report.created).toBe(1);
    });

    it('reports mapping problems before reading rows', async () => {
      const ctx = testCtx(db);
      const file = files.write('p.csv', 'Name\nAcme\n');
      const r = await importFile(ctx, 'accounts', file, { mapping: { Name: 'nonsense' } });
      expect(r.status).toBe('invalid');
      expect(r.report.problems[0]).toMatch(/unknown accounts field "nonsense"/);
    });
  });
}
