import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/account/service.js';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { createUser } from '../identity/service.js';
import { startPlaybook } from '../playbooks/service.js';
import { createTask, updateTask } from '../tasks/service.js';
import { testCtx } from '../testing/ctx.js';
import { teamView } from './service.js';

for (const dialect of testDialects()) {
  describe(`the team view on ${dialect}`, () => {
    let db: TestDb;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
    });
    afterEach(async () => db.destroy());

    it('adds up each CSM’s book and work, with at-risk ARR from stage and the lowest tier', async () => {
      const ctx = testCtx(db, '2026-04-10T09:00:00.000Z');
      const boss = await createUser(ctx, { email: 'm@example.com', name: 'Mia', role: 'manager' });
      const ana = await createUser(ctx, {
        email: 'a@example.com',
        name: 'Ana',
        role: 'csm',
        managerId: boss.id,
      });
      const ben = await createUser(ctx, {
        email: 'b@example.com',
        name: 'Ben',
        role: 'csm',
        managerId: boss.id,
      });
      const a1 = await createAccount(ctx, { name: 'A1', ownerId: ana.id });
      const a2 = await createAccount(ctx, { name: 'A2', ownerId: ana.id, stage: 'at_risk' });
      const b1 = await createAccount(ctx, { name: 'B1', ownerId: ben.id });
      for (const [id, mrr] of [
        [a1.id, 1000_00],
        [a2.id, 2000_00],
        [b1.id, 500_00],
      ] as const)
        await db.db.updateTable('accounts').set({ mrr_minor: mrr }).where('id', '=', id).execute();
      // The preset models exist once the team view (through listModels) has run; B1 is red.
      await teamView(ctx, { scope: 'all' }, null);
      const m = await db.db
        .selectFrom('health_models')
        .select(['id', 'key', 'version'])
        .executeTakeFirstOrThrow();
      await db.db
        .insertInto('health_snapshots')
        .values({
          account_id: b1.id,
          day: '2026-04-10',
          model_id: m.id,
          model_key: m.key,
          model_version: m.version,
          composite_tenths: 310,
          tier: 'Red',
          coverage: 1,
          detail: '{}',
          computed_at: '2026-04-10T00:00:00.000Z',
        })
        .execute();
      await createTask(ctx, { accountId: a1.id, title: 'late', dueOn: '2026-04-01' });
      const done = await createTask(ctx, { accountId: a1.id, title: 'done' });
      await updateTask(ctx, done.id, { status: 'done' });
      await startPlaybook(ctx, 'champion-left', b1.id);

      const team = await teamView(
        ctx,
        {},
        { role: 'manager', userId: boss.id, team: [ana.id, ben.id] },
      );
      expect(team.scope).toBe('team');
      const by = new Map(team.rows.map((r) => [r.user?.name, r]));
      expect(by.get('Ana')).toMatchObject({
        accounts: 2,
        arrMinor: 36_000_00,
        atRiskAccounts: 1,
        atRiskArrMinor: 24_000_00,
        tasksOpen: 1,
        tasksOverdue: 1,
        tasksDone30d: 1,
        playsRunning: 0,
      });
      expect(by.get('Ben')).toMatchObject({
        accounts: 1,
        arrMinor: 6_000_00,
        atRiskAccounts: 1,
        atRiskArrMinor: 6_000_00,
        tasksOpen: 5,
        tasksOverdue: 0,
        playsRunning: 1,
      });
      // Sorted by ARR at risk, largest first.
      expect(team.rows[0]!.user?.name).toBe('Ana');
    });
  });
}
