import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { testCtx } from '../../testing/ctx.js';
import { createUser } from '../../identity/service.js';
import { importFile } from './service.js';
import { csvDir } from './testing.js';

const files = csvDir();
afterAll(() => files.cleanup());

/**
 * A companies export as a SaaS CRM hands it over from a German Excel: semicolons, a BOM,
 * CRLF, day-first dates, TRUE/False, euro amounts, empty cells, quoted semicolons and a
 * note over two lines, and ids such as A-2e4581 that must stay text.
 */
const MESSY =
  '\ufeffRecord ID;Company name;Company Domain Name;Account Owner;Tier;Lifecycle Stage;Customer since;Active;ARR;Notes;Employees;Ext Ref\r\n' +
  'A-2e4581;"Müller, Schmidt & Co. KG";https://www.mueller-schmidt.de/;ana@example.com;Enterprise;Active;15/03/2021;TRUE;"€ 120.000,00";"Key account; renews\r\nevery March";1200;007\r\n' +
  'A-1;Beta GmbH;beta.io;;smb;Onboarding;01/02/2023;False;;;;\r\n' +
  'A-3e10;"Gamma ""The Best"" Ltd";gamma.co.uk;ANA@EXAMPLE.COM;Mid-Market;at risk;28/02/2022;false;"1.500,50";;85;A-2e4581\r\n';

const MAP = { 'Record ID': 'crmId', 'Company Domain Name': 'domain' };

for (const dialect of testDialects()) {
  describe(`a messy real-world export on ${dialect}`, () => {
    let db: TestDb;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
    });
    afterEach(async () => db.destroy());

    it('dry-runs with a mapping, then imports every value with the right type', async () => {
      const ctx = testCtx(db);
      const ana = await createUser(ctx, { email: 'ana@example.com', name: 'Ana', role: 'csm' });
      const file = files.write('companies.csv', MESSY);

      const dry = await importFile(ctx, 'accounts', file, { mapping: MAP, dryRun: true });
      expect(dry.status).toBe('dry_run');
      expect(dry.report).toMatchObject({ delimiter: ';', rows: 3, created: 3, errorCount: 0 });
      const col = (name: string) => dry.report.columns.find((c) => c.column === name)!;
      expect(col('Record ID')).toMatchObject({ target: 'crmId', source: 'map' });
      expect(col('Company name')).toMatchObject({ target: 'name', source: 'auto' });
      expect(col('Account Owner').target).toBe('owner');
      expect(col('Tier').target).toBe('segment');
      expect(col('Lifecycle Stage').target).toBe('stage');
      expect(col('ARR')).toMatchObject({
        target: null,
        note: expect.stringMatching(/subscriptions/),
      });
      expect(col('Customer since')).toMatchObject({
        target: 'traits.customer_since',
        type: 'date',
        note: expect.stringMatching(/d\/m\/yyyy/),
      });
      expect(col('Active')).toMatchObject({ target: 'traits.active', type: 'boolean' });
      expect(col('Employees')).toMatchObject({ target: 'traits.employees', type: 'integer' });
      expect(col('Ext Ref')).toMatchObject({ target: 'traits.ext_ref', type: 'text' });
      expect(dry.report.traits).toEqual([
        'customer_since',
        'active',
        'notes',
        'employees',
        'ext_ref',
      ]);
      expect(await db.db.selectFrom('accounts').selectAll().execute()).toEqual([]);

      const applied = await importFile(ctx, 'accounts', file, { mapping: MAP });
      expect(applied.status).toBe('applied');
      const rows = await db.db.selectFrom('accounts').selectAll().orderBy('crm_id').execute();
      expect(rows.map((r) => ({ ...r, traits: JSON.parse(r.traits) as unknown }))).toMatchObject([
        {
          crm_id: 'A-1',
          name: 'Beta GmbH',
          domain: 'beta.io',
          owner_id: null,
          segment: 'smb',
          stage: 'onboarding',
          traits: { customer_since: '2023-02-01', active: false },
        },
        {
          crm_id: 'A-2e4581',
          name: 'Müller, Schmidt & Co. KG',
          domain: 'mueller-schmidt.de',
          owner_id: ana.id,
          segment: 'enterprise',
          stage: 'active',
          traits: {
            customer_since: '2021-03-15',
            active: true,
            notes: 'Key account; renews\r\nevery March',
            employees: 1200,
            ext_ref: '007',
          },
        },
        {
          crm_id: 'A-3e10',
          name: 'Gamma "The Best" Ltd',
          owner_id: ana.id,
          segment: 'mid_market',
          stage: 'at_risk',
          traits: {
            customer_since: '2022-02-28',
            active: false,
            employees: 85,
            ext_ref: 'A-2e4581',
          },
        },
      ]);
      // Empty cells are no value, not empty strings.
      expect(JSON.parse(rows[0]!.traits)).not.toHaveProperty('employees');
    });

    it('names the line a record starts on, after a record spanning two lines', async () => {
      const ctx = testCtx(db);
      await createUser(ctx, { email: 'ana@example.com', name: 'Ana', role: 'csm' });
      const file = files.write(
        'bad.csv',
        MESSY.replace('A-1;Beta GmbH;beta.io;;smb', 'A-1;Beta GmbH;beta.io;;platinum'),
      );
      const dry = await importFile(ctx, 'accounts', file, { mapping: MAP, dryRun: true });
      expect(dry.report.errors).toEqual([
        {
          line: 4,
          column: 'Tier',
          value: 'platinum',
          reason: expect.stringMatching(/not a segment/),
        },
      ]);
    });

    it('confirms sampled decisions on every row, and re-reads the file when a later row changes one', async () => {
      const ctx = testCtx(db);
      const lines = ['Name,CRM ID,Seats,Since'];
      for (let i = 1; i <= 30; i++)
        lines.push(`Co ${i},C${i},${i},0${(i % 9) + 1}/0${(i % 8) + 1}/2024`);
      // Only the last rows show that Seats is text and that Since is day-first.
      lines.push('Late,C31,n/a,25/12/2024');
      const file = files.write('late.csv', lines.join('\n'));
      const r = await importFile(ctx, 'accounts', file, { sampleRows: 5 });
      expect(r.status).toBe('applied');
      const late = await db.db
        .selectFrom('accounts')
        .selectAll()
        .where('crm_id', 'in', ['C1', 'C31'])
        .orderBy('crm_id')
        .execute();
      expect(late.map((a) => JSON.parse(a.traits) as unknown)).toEqual([
        { seats: '1', since: '2024-02-02' },
        { seats: 'n/a', since: '2024-12-25' },
      ]);
      expect(r.report.columns.find((c) => c.column === 'Seats')!.type).toBe('text');
      expect(r.report.rows).toBe(31);
    });

    it('treats a day/month order the majority contradicts as the sample being wrong', async () => {
      const ctx = testCtx(db);
      const lines = ['Name,CRM ID,Churned On,Stage', 'A,1,25/01/2024,churned'];
      for (let i = 2; i <= 6; i++) lines.push(`N${i},${i},01/2${i}/2024,churned`);
      const r = await importFile(ctx, 'accounts', files.write('flip.csv', lines.join('\n')), {
        sampleRows: 1,
        dryRun: true,
      });
      expect(r.report.errors).toMatchObject([
        {
          line: 2,
          column: 'Churned On',
          reason: expect.stringMatching(/only valid as d\/m\/yyyy/),
        },
      ]);
    });
  });
}
