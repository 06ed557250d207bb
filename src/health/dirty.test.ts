import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { testCtx } from '../testing/ctx.js';
import { createAccount } from '../accounts/account/service.js';
import { importFile } from '../accounts/importer/service.js';
import { csvDir } from '../accounts/importer/testing.js';
import { createContact, markContactLeft } from '../accounts/contact/service.js';
import { sweepTimeline } from './dirty.js';

for (const dialect of testDialects()) {
  describe(`the rescoring queue on ${dialect}`, () => {
    let db: TestDb;
    const files = csvDir();
    beforeEach(async () => {
      db = await freshTestDb(dialect);
    });
    afterEach(async () => db.destroy());

    const queued = async () =>
      (await db.db.selectFrom('health_dirty').select('account_id').orderBy('account_id').execute())
        .map((r) => r.account_id)
        .sort();

    it('takes exactly the accounts an import touched', async () => {
      const ctx = testCtx(db, '2026-05-01T09:00:00.000Z');
      const untouched = await createAccount(ctx, { name: 'Untouched', crmId: 'C9' });
      await createAccount(ctx, { name: 'Changed', crmId: 'C1' });
      ctx.setNow('2026-05-01T10:00:00.000Z');
      await sweepTimeline(db.db, ctx.now());
      await db.db.deleteFrom('health_dirty').execute();
      ctx.setNow('2026-05-02T10:00:00.000Z');
      const file = files.write(
        'a.csv',
        'CRM ID,Name,Industry\nC1,Changed,Retail\nC2,New Co,Media\n',
      );
      const r = await importFile(ctx, 'accounts', file);
      expect(r.status).toBe('applied');
      await sweepTimeline(db.db, ctx.now());
      const ids = (
        await db.db
          .selectFrom('accounts')
          .select(['id', 'crm_id'])
          .where('crm_id', 'in', ['C1', 'C2'])
          .execute()
      )
        .map((a) => a.id)
        .sort();
      expect(await queued()).toEqual(ids);
      expect(await queued()).not.toContain(untouched.id);
    });

    it('picks up every account whose timeline moved since the last sweep', async () => {
      const ctx = testCtx(db, '2026-05-01T09:00:00.000Z');
      const a = await createAccount(ctx, { name: 'Acme' });
      const b = await createAccount(ctx, { name: 'Globex' });
      ctx.setNow('2026-05-01T10:00:00.000Z');
      await sweepTimeline(db.db, ctx.now());
      await db.db.deleteFrom('health_dirty').execute();
      ctx.setNow('2026-05-01T11:00:00.000Z');
      const c = await createContact(ctx, { accountId: a.id, name: 'Cleo', roles: ['champion'] });
      await markContactLeft(ctx, c.id, { leftOn: '2026-05-01' });
      await sweepTimeline(db.db, ctx.now());
      expect(await queued()).toEqual([a.id]);
      expect(await queued()).not.toContain(b.id);
    });
  });
}
