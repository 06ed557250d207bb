import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/account/service.js';
import { listTimeline } from '../accounts/timeline/service.js';
import { makeCtx } from '../core/context.js';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { createUser } from '../identity/service.js';
import { testCtx } from '../testing/ctx.js';
import { addComment, createTask, createTasks, getTask, listTasks, updateTask } from './service.js';
import { queueTaskReminders } from './reminders.js';
import { listOutbox } from '../outbound/service.js';

for (const dialect of testDialects()) {
  describe(`tasks on ${dialect}`, () => {
    let db: TestDb;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
    });
    afterEach(async () => db.destroy());

    async function setup() {
      const ctx = testCtx(db, '2026-04-10T09:00:00.000Z');
      const ana = await createUser(ctx, { email: 'ana@example.com', name: 'Ana', role: 'csm' });
      const ben = await createUser(ctx, { email: 'ben@example.com', name: 'Ben', role: 'csm' });
      const big = await createAccount(ctx, {
        name: 'Big Co',
        ownerId: ana.id,
      });
      const small = await createAccount(ctx, {
        name: 'Small Co',
        ownerId: ana.id,
      });
      // MRR comes from subscriptions; set directly, it is all the rank reads.
      await db.db
        .updateTable('accounts')
        .set({ mrr_minor: 50_000_00 })
        .where('id', '=', big.id)
        .execute();
      await db.db
        .updateTable('accounts')
        .set({ mrr_minor: 500_00 })
        .where('id', '=', small.id)
        .execute();
      return { ctx, ana, ben, big, small };
    }

    it("assigns to the account's owner, ranks open tasks, and lists mine, overdue and done", async () => {
      const { ctx, ana, ben, big, small } = await setup();
      const later = await createTask(ctx, {
        accountId: small.id,
        title: 'Send recap',
        dueOn: '2026-05-20',
      });
      const urgent = await createTask(ctx, {
        accountId: big.id,
        title: 'Call the sponsor',
        dueOn: '2026-04-08',
        priority: 'high',
      });
      const bens = await createTask(ctx, {
        accountId: big.id,
        title: 'Prepare QBR',
        assigneeId: ben.id,
      });
      expect(later.assignee).toEqual({ id: ana.id, name: 'Ana' });
      expect(urgent.overdue).toBe(true);
      expect(bens.assignee?.name).toBe('Ben');

      const anaView = { role: 'csm' as const, userId: ana.id, team: [] };
      const mine = await listTasks(ctx, {}, anaView);
      expect(mine.scope).toBe('mine');
      expect(mine.items.map((t) => t.title)).toEqual(['Call the sponsor', 'Send recap']);
      expect(mine.items[0]!.rank).toBeGreaterThan(mine.items[1]!.rank);
      const all = await listTasks(ctx, { scope: 'all' }, anaView);
      expect(all.total).toBe(3);
      const overdue = await listTasks(ctx, { scope: 'all', overdue: true }, anaView);
      expect(overdue.items.map((t) => t.id)).toEqual([urgent.id]);

      // Done: closed, off the open list, and on the account's timeline.
      const done = await updateTask(ctx, urgent.id, { status: 'done' });
      expect(done).toMatchObject({
        status: 'done',
        overdue: false,
        completedAt: '2026-04-10T09:00:00.000Z',
      });
      expect((await listTasks(ctx, {}, anaView)).items.map((t) => t.title)).toEqual(['Send recap']);
      expect((await listTasks(ctx, { status: 'done' }, anaView)).items.map((t) => t.id)).toEqual([
        urgent.id,
      ]);
      const timeline = await listTimeline(ctx, big.id, { limit: 50 });
      expect(
        timeline.items.some(
          (e) => e.kind === 'task_done' && e.title === 'Task done: Call the sponsor',
        ),
      ).toBe(true);
      await expect(updateTask(ctx, urgent.id, { status: 'cancelled' })).rejects.toMatchObject({
        code: 'conflict',
      });
      expect((await updateTask(ctx, urgent.id, { status: 'open' })).completedAt).toBeNull();
    });

    it('keeps comments in order and refuses bad references without writing anything', async () => {
      const { ctx, big } = await setup();
      const t = await createTask(ctx, { accountId: big.id, title: 'Renewal prep' });
      await addComment(ctx, t.id, 'Asked finance for the usage report.');
      ctx.setNow('2026-04-10T10:00:00.000Z');
      await addComment(ctx, t.id, 'Report received.');
      expect((await getTask(ctx, t.id)).comments.map((c) => c.body)).toEqual([
        'Asked finance for the usage report.',
        'Report received.',
      ]);
      const before = await db.db.selectFrom('tasks').select('id').execute();
      await expect(
        db.db.transaction().execute((trx) =>
          createTasks(ctx, trx, [
            { accountId: big.id, title: 'Fine' },
            { accountId: 'acc_missing', title: 'Broken' },
          ]),
        ),
      ).rejects.toMatchObject({
        code: 'validation',
        message: 'tasks[1].accountId: no account acc_missing',
      });
      await expect(createTask(ctx, { title: 'x', assigneeId: 'usr_nobody' })).rejects.toMatchObject(
        {
          code: 'validation',
        },
      );
      expect(await db.db.selectFrom('tasks').select('id').execute()).toEqual(before);
    });

    it('makes a task from an alert on its account, and refuses a mismatch', async () => {
      const { ctx, big, small } = await setup();
      await db.db
        .insertInto('health_alerts')
        .values({
          id: 'alr_1',
          account_id: big.id,
          kind: 'usage_drop',
          cause_key: 'k',
          severity: 'high',
          status: 'open',
          title: 'Usage fell',
          reason: 'r',
          evidence: '{}',
          day: '2026-04-10',
          created_at: '2026-04-10T09:00:00.000Z',
          updated_at: '2026-04-10T09:00:00.000Z',
          snoozed_until: null,
          resolved_at: null,
          updated_by: null,
        })
        .execute();
      const t = await createTask(ctx, { alertId: 'alr_1', title: 'Find out why usage fell' });
      expect(t).toMatchObject({ account: { id: big.id }, source: 'alert', sourceRef: 'alr_1' });
      await expect(
        createTask(ctx, { alertId: 'alr_1', accountId: small.id, title: 'x' }),
      ).rejects.toMatchObject({ code: 'validation' });
    });

    it('lets a CSM write only their own tasks', async () => {
      const { ctx, ana, ben, big } = await setup();
      const t = await createTask(ctx, { accountId: big.id, title: 'Ana’s', assigneeId: ana.id });
      const asBen = makeCtx(db.db, db.dialect, {
        actor: { kind: 'user', id: ben.id, name: 'Ben' },
        now: ctx.now,
        access: (action, _r, target) =>
          action === 'read' || (action === 'write' && target?.ownerId === ben.id),
      });
      await expect(updateTask(asBen, t.id, { status: 'done' })).rejects.toMatchObject({
        code: 'forbidden',
      });
      await expect(updateTask(asBen, t.id, { assigneeId: ben.id })).rejects.toMatchObject({
        code: 'forbidden',
      });
      expect((await getTask(ctx, t.id)).status).toBe('open');
    });

    it('emails each person one morning reminder of what is due or overdue, once a day', async () => {
      const { ctx, ana, ben, big, small } = await setup();
      await createTask(ctx, { accountId: big.id, title: 'Call the sponsor', dueOn: '2026-04-08' });
      await createTask(ctx, { accountId: small.id, title: 'Send the recap', dueOn: '2026-04-10' });
      await createTask(ctx, { accountId: small.id, title: 'Later', dueOn: '2026-05-01' });
      await createTask(ctx, { title: 'Ben’s', assigneeId: ben.id, dueOn: '2026-04-10' });
      expect(await queueTaskReminders(ctx)).toEqual({ people: 2, tasks: 3 });
      expect(await queueTaskReminders(ctx)).toEqual({ people: 0, tasks: 3 });
      const mail = (await listOutbox(ctx, {})).find((m) => m.recipient === 'ana@example.com')!;
      expect(mail.subject).toBe('2 tasks need you today (1 overdue)');
      expect(mail.body).toContain(
        '- Call the sponsor (Big Co): 2 days overdue\n- Send the recap (Small Co): due today',
      );
      expect(ana.email).toBe('ana@example.com');
    });
  });
}
