import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/account/service.js';
import { listTimeline } from '../accounts/timeline/service.js';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { createUser } from '../identity/service.js';
import { listTasks, updateTask } from '../tasks/service.js';
import { testCtx } from '../testing/ctx.js';
import { LIBRARY } from './library.js';
import {
  archivePlaybook,
  cancelRun,
  getRun,
  listPlaybooks,
  savePlaybook,
  startPlaybook,
} from './service.js';

for (const dialect of testDialects()) {
  describe(`playbooks on ${dialect}`, () => {
    let db: TestDb;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
    });
    afterEach(async () => db.destroy());

    async function setup() {
      const ctx = testCtx(db, '2026-04-10T09:00:00.000Z');
      const boss = await createUser(ctx, { email: 'm@example.com', name: 'Mia', role: 'manager' });
      const csm = await createUser(ctx, {
        email: 'c@example.com',
        name: 'Cal',
        role: 'csm',
        managerId: boss.id,
      });
      const acct = await createAccount(ctx, { name: 'Quiet Co', ownerId: csm.id });
      return { ctx, boss, csm, acct };
    }

    it('ships the library: eight risk plays, onboarding, renewal, expansion and win-back', async () => {
      const { ctx } = await setup();
      const list = await listPlaybooks(ctx);
      expect(list.map((p) => p.key).sort()).toEqual(LIBRARY.map((p) => p.key).sort());
      expect(list.filter((p) => p.category === 'risk')).toHaveLength(8);
      expect(new Set(list.map((p) => p.category))).toEqual(
        new Set(['risk', 'onboarding', 'renewal', 'expansion', 'win_back']),
      );
      expect(list.every((p) => p.builtIn && p.version === 1 && p.steps.length >= 4)).toBe(true);
    });

    it('starts a play as tasks due by offset, escalations to the manager, once at a time', async () => {
      const { ctx, boss, csm, acct } = await setup();
      const run = await startPlaybook(ctx, 'low-engagement', acct.id);
      expect(run).toMatchObject({ status: 'running', progress: { done: 0, total: 5 } });
      const tasks = (await listTasks(ctx, { scope: 'all', accountId: acct.id }, null)).items.sort(
        (a, b) => a.stepIndex! - b.stepIndex!,
      );
      expect(tasks.map((t) => [t.dueOn, t.assignee?.name, t.source])).toEqual([
        ['2026-04-12', 'Cal', 'playbook'],
        ['2026-04-15', 'Cal', 'playbook'],
        ['2026-04-17', 'Cal', 'playbook'],
        ['2026-04-19', 'Cal', 'playbook'],
        ['2026-04-24', 'Mia', 'playbook'],
      ]);
      expect(tasks[4]!.assignee?.id).toBe(boss.id);
      expect(tasks[0]!.assignee?.id).toBe(csm.id);
      await expect(startPlaybook(ctx, 'low-engagement', acct.id)).rejects.toMatchObject({
        code: 'conflict',
      });
      const timeline = await listTimeline(ctx, acct.id, { limit: 20 });
      expect(timeline.items.map((e) => e.title)).toContain('Playbook started: Low engagement');

      // Closing every task completes the play; reopening one runs it again.
      for (const t of tasks)
        await updateTask(ctx, t.id, { status: t.stepIndex === 2 ? 'cancelled' : 'done' });
      expect(await getRun(ctx, run.id)).toMatchObject({
        status: 'completed',
        progress: { done: 5, total: 5 },
      });
      await updateTask(ctx, tasks[1]!.id, { status: 'open' });
      expect((await getRun(ctx, run.id)).status).toBe('running');
      const stopped = await cancelRun(ctx, run.id);
      expect(stopped).toMatchObject({ status: 'cancelled', progress: { done: 5, total: 5 } });
      // Once stopped it can start again.
      expect((await startPlaybook(ctx, 'low-engagement', acct.id)).status).toBe('running');
    });

    it('saves a custom playbook, names every problem, and refuses archived plays', async () => {
      const { ctx, acct } = await setup();
      await expect(
        savePlaybook(ctx, {
          key: 'Bad Key',
          name: ' ',
          category: 'risk',
          steps: [{ title: 'x', dueAfterDays: -1 }],
        }),
      ).rejects.toMatchObject({
        code: 'validation',
        details: {
          issues: expect.arrayContaining([
            expect.objectContaining({ path: 'key' }),
            expect.objectContaining({ path: 'name' }),
            expect.objectContaining({ path: 'steps.0.dueAfterDays', message: 'must be 0 or more' }),
          ]),
        },
      });
      const saved = await savePlaybook(ctx, {
        key: 'qbr-prep',
        name: 'QBR preparation',
        category: 'renewal',
        steps: [{ title: 'Pull the usage numbers', dueAfterDays: 0 }],
      });
      expect(saved).toMatchObject({ version: 1, builtIn: false });
      const edited = await savePlaybook(ctx, {
        key: 'qbr-prep',
        name: 'QBR preparation',
        category: 'renewal',
        steps: [
          { title: 'Pull the usage numbers', dueAfterDays: 0 },
          { title: 'Send the agenda', dueAfterDays: 3 },
        ],
      });
      expect(edited.version).toBe(2);
      await archivePlaybook(ctx, 'qbr-prep');
      await expect(startPlaybook(ctx, 'qbr-prep', acct.id)).rejects.toMatchObject({
        code: 'validation',
        message: 'playbook: playbook qbr-prep is archived',
      });
    });
  });
}
