import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { testCtx } from '../../testing/ctx.js';
import { createAccount, getAccount } from '../account/service.js';
import { listTimeline } from '../timeline/service.js';
import { exportAccounts } from '../export/service.js';
import { importFile } from './service.js';
import { csvDir, snapshot } from './testing.js';

const files = csvDir();
afterAll(() => files.cleanup());

async function exportText(db: TestDb): Promise<string> {
  let out = '';
  for await (const chunk of await exportAccounts(testCtx(db), { includeArchived: true }))
    out += chunk;
  return out;
}

for (const dialect of testDialects()) {
  describe(`account hierarchy import on ${dialect}`, () => {
    let db: TestDb;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
    });
    afterEach(async () => db.destroy());

    const parentsByCrm = async () => {
      const rows = await db.db
        .selectFrom('accounts')
        .select(['id', 'crm_id', 'parent_id'])
        .execute();
      const crmOf = new Map(rows.map((r) => [r.id, r.crm_id]));
      return Object.fromEntries(
        rows.map((r) => [r.crm_id, r.parent_id ? (crmOf.get(r.parent_id) ?? r.parent_id) : null]),
      );
    };

    it('links a parent that comes later in the file, and changes nothing the second time', async () => {
      const ctx = testCtx(db);
      const file = files.write(
        'later.csv',
        'Name,CRM ID,Parent Account ID\n' +
          'Acme EMEA,SF-2,SF-1\n' +
          'Acme EMEA North,SF-3,SF-2\n' +
          'Acme,SF-1,\n',
      );
      const dry = await importFile(ctx, 'accounts', file, { dryRun: true });
      expect(dry.report).toMatchObject({ created: 3, errorCount: 0 });
      const first = await importFile(ctx, 'accounts', file);
      expect(first.status).toBe('applied');
      expect(await parentsByCrm()).toEqual({ 'SF-1': null, 'SF-2': 'SF-1', 'SF-3': 'SF-2' });

      const before = await snapshot(db.db);
      const second = await importFile(ctx, 'accounts', file);
      expect(second.report).toMatchObject({ created: 0, updated: 0, unchanged: 3, errorCount: 0 });
      expect({ ...(await snapshot(db.db)), imports: [] }).toEqual({ ...before, imports: [] });
    });

    it('links to accounts already in Tenure by CRM ID or Tenure ID, and records the change', async () => {
      const ctx = testCtx(db);
      const root = await createAccount(ctx, { name: 'Root', crmId: 'R' });
      const other = await createAccount(ctx, { name: 'Other', crmId: 'O' });
      const child = await createAccount(ctx, { name: 'Child', crmId: 'C', parentId: root.id });
      const file = files.write(
        'db.csv',
        'CRM ID,Name,Parent CRM ID,Parent Tenure ID\n' +
          'C,,,' +
          other.id +
          '\n' +
          'N,New,R,\n' +
          'O,Other Co,R,\n',
      );
      const r = await importFile(ctx, 'accounts', file);
      expect(r.report).toMatchObject({ created: 1, updated: 2, unchanged: 0, errorCount: 0 });
      expect(await parentsByCrm()).toEqual({ R: null, O: 'R', C: 'O', N: 'R' });
      expect((await getAccount(ctx, child.id)).parentId).toBe(other.id);
      const imported = (id: string) =>
        listTimeline(ctx, id, { limit: 50 }).then((t) =>
          t.items.filter((e) => e.kind === 'imported').map((e) => e.data),
        );
      expect(await imported(child.id)).toMatchObject([{ action: 'updated', fields: ['parentId'] }]);
      expect(await imported(other.id)).toMatchObject([
        { action: 'updated', fields: ['name', 'parentId'] },
      ]);
      // An empty parent cell leaves the parent as it is.
      const keep = files.write('keep.csv', 'CRM ID,Parent CRM ID,Industry\nC,,Retail\n');
      expect((await importFile(ctx, 'accounts', keep)).report).toMatchObject({ updated: 1 });
      expect((await getAccount(ctx, child.id)).parentId).toBe(other.id);
    });

    it('names an unknown parent by line and column, and the apply writes nothing', async () => {
      const ctx = testCtx(db);
      await createAccount(ctx, { name: 'Root', crmId: 'R' });
      const file = files.write(
        'unknown.csv',
        'Name,CRM ID,Parent CRM ID,Parent Tenure ID\n' +
          'A,A1,R,\n' +
          'B,B1,NOPE,\n' +
          'C,C1,,acc_01jzzzzzzzzzzzzzzzzzzzzzzz\n',
      );
      const before = await snapshot(db.db);
      const dry = await importFile(ctx, 'accounts', file, { dryRun: true });
      expect(dry.status).toBe('invalid');
      expect(dry.report.errors).toMatchObject([
        {
          line: 3,
          column: 'Parent CRM ID',
          value: 'NOPE',
          reason: expect.stringMatching(/no account/),
        },
        { line: 4, column: 'Parent Tenure ID', value: 'acc_01jzzzzzzzzzzzzzzzzzzzzzzz' },
      ]);
      expect(dry.report.badRows).toBe(2);
      const applied = await importFile(ctx, 'accounts', file);
      expect(applied.status).toBe('invalid');
      expect(applied.report.errors).toEqual(dry.report.errors);
      expect(await snapshot(db.db)).toEqual(before);
    });

    it('refuses an account that is its own parent and parents that form a cycle', async () => {
      const ctx = testCtx(db);
      const file = files.write(
        'cycle.csv',
        'Name,CRM ID,Parent CRM ID\n' + 'Self,S,S\n' + 'A,A,B\n' + 'B,B,A\n' + 'Fine,F,A\n',
      );
      const dry = await importFile(ctx, 'accounts', file, { dryRun: true });
      expect(dry.report.errors).toMatchObject([
        {
          line: 2,
          column: 'Parent CRM ID',
          value: 'S',
          reason: expect.stringMatching(/own parent/),
        },
        { line: 3, column: 'Parent CRM ID', value: 'B', reason: expect.stringMatching(/cycle/) },
        { line: 4, column: 'Parent CRM ID', value: 'A', reason: expect.stringMatching(/cycle/) },
      ]);
      const applied = await importFile(ctx, 'accounts', file);
      expect(applied.status).toBe('invalid');
      expect(applied.report.errors).toEqual(dry.report.errors);
      expect(await snapshot(db.db)).toMatchObject({ accounts: [] });
    });

    it('finds cycles that run through accounts already in Tenure', async () => {
      const ctx = testCtx(db);
      const top = await createAccount(ctx, { name: 'Top', crmId: 'T' });
      const mid = await createAccount(ctx, { name: 'Mid', crmId: 'M', parentId: top.id });
      await createAccount(ctx, { name: 'Low', crmId: 'L', parentId: mid.id });
      const before = await snapshot(db.db);
      // Top under Low closes Top → Low → Mid → Top; only Top's row is in the file.
      const file = files.write('dbcycle.csv', `Tenure ID,Parent CRM ID\n${top.id},L\n`);
      const dry = await importFile(ctx, 'accounts', file, { dryRun: true });
      expect(dry.report.errors).toMatchObject([
        { line: 2, column: 'Parent CRM ID', value: 'L', reason: expect.stringMatching(/cycle/) },
      ]);
      expect((await importFile(ctx, 'accounts', file)).status).toBe('invalid');
      expect(await snapshot(db.db)).toEqual(before);
    });

    it('an exported hierarchy re-imports into a fresh database with the same parents, then is unchanged', async () => {
      const ctx = testCtx(db);
      // Names sort children before their parents, so the file names parents further down.
      const z = await createAccount(ctx, { name: 'Zeta Holdings', crmId: 'Z' });
      const y = await createAccount(ctx, { name: 'Yota', parentId: z.id });
      await createAccount(ctx, { name: 'Alpha', crmId: 'A', parentId: y.id });
      await createAccount(ctx, { name: 'Beta', billingId: 'cus_b', parentId: z.id });
      const csv = await exportText(db);
      expect(csv.split('\r\n')[0]).toContain('Parent Tenure ID,Parent CRM ID');
      const to = await freshTestDb(dialect);
      try {
        const toCtx = testCtx(to);
        const r = await importFile(toCtx, 'accounts', files.write('export.csv', csv));
        expect(r.report.errors).toEqual([]);
        const links = async (h: TestDb) =>
          (
            await h.db.selectFrom('accounts').select(['id', 'parent_id']).orderBy('id').execute()
          ).map((a) => [a.id, a.parent_id]);
        expect(await links(to)).toEqual(await links(db));
        const again = await importFile(toCtx, 'accounts', files.write('again.csv', csv));
        expect(again.report).toMatchObject({ created: 0, updated: 0, unchanged: 4, errorCount: 0 });
        // The same export into the book it came from changes nothing either.
        const home = await importFile(ctx, 'accounts', files.write('home.csv', csv));
        expect(home.report).toMatchObject({ created: 0, updated: 0, unchanged: 4, errorCount: 0 });
      } finally {
        await to.destroy();
      }
    });
  });
}
