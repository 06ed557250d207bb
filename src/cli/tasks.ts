import type { Command } from 'commander';
import { findAccountByRef } from '../accounts/account/service.js';
import { csvLine } from '../accounts/export/format.js';
import { resolveUserRef } from '../identity/service.js';
import { TaskCreateBody, TaskListQuery } from '../tasks/schemas.js';
import {
  addComment,
  createTask,
  getTask,
  listTasks,
  updateTask,
  type Task,
} from '../tasks/service.js';
import { teamView } from '../team/service.js';
import { parseOptions, printJson, printTable, withCtx, type RegisterVerb } from './shared.js';

function row(t: Task) {
  return {
    id: t.id,
    rank: t.rank,
    due: t.dueOn ? `${t.dueOn}${t.overdue ? ' (overdue)' : ''}` : '',
    priority: t.priority,
    status: t.status,
    account: t.account?.name ?? '',
    assignee: t.assignee?.name ?? '',
    title: t.title.length > 50 ? `${t.title.slice(0, 47)}...` : t.title,
  };
}

const COLUMNS = ['id', 'rank', 'due', 'priority', 'status', 'account', 'assignee', 'title'];

export const registerTasks: RegisterVerb = (program: Command) => {
  const tasks = program
    .command('tasks')
    .description('tasks: open ones by rank (ARR, health risk, due date), add, complete, comment');

  tasks
    .command('list', { isDefault: true })
    .description('tasks, highest rank first (docs/tasks.md)')
    .option('--status <status>', 'open (default), done, cancelled or any')
    .option('--overdue', 'open tasks due before today')
    .option('--account <account>', 'one account: id, CRM id or billing id')
    .option('--limit <n>', 'tasks to show (default 100)', '100')
    .option('--csv', 'write CSV')
    .option('--json', 'print JSON')
    .action(
      async (o: {
        status?: string;
        overdue?: boolean;
        account?: string;
        limit: string;
        csv?: boolean;
        json?: boolean;
      }) =>
        withCtx(async (ctx) => {
          const q = parseOptions(
            TaskListQuery,
            { status: o.status, overdue: o.overdue ? 'true' : undefined, limit: o.limit },
            {},
          );
          const accountId = o.account ? (await findAccountByRef(ctx, o.account)).id : undefined;
          const list = await listTasks(ctx, { ...q, accountId }, null);
          if (o.json) return printJson(list);
          if (o.csv) {
            process.stdout.write(csvLine(COLUMNS));
            for (const t of list.items) {
              const r: Record<string, string | number> = row(t);
              process.stdout.write(csvLine(COLUMNS.map((c) => r[c])));
            }
            return;
          }
          printTable(list.items.map(row), COLUMNS);
          if (list.total > list.items.length)
            process.stdout.write(`… ${list.total - list.items.length} more (--limit)\n`);
        }),
    );

  tasks
    .command('add')
    .description("add a task (assigned to the account's owner unless --assignee)")
    .requiredOption('--title <title>', 'what to do')
    .option('--account <account>', 'the account: id, CRM id or billing id')
    .option('--assignee <user>', 'user id or email')
    .option('--due <date>', 'due day, YYYY-MM-DD')
    .option('--priority <priority>', 'low, normal, high or urgent')
    .option('--description <text>', 'details')
    .option('--json', 'print JSON')
    .action(
      async (o: {
        title: string;
        account?: string;
        assignee?: string;
        due?: string;
        priority?: string;
        description?: string;
        json?: boolean;
      }) =>
        withCtx(async (ctx) => {
          const body = parseOptions(
            TaskCreateBody,
            { title: o.title, dueOn: o.due, priority: o.priority, description: o.description },
            { dueOn: '--due' },
          );
          const accountId = o.account ? (await findAccountByRef(ctx, o.account)).id : undefined;
          const assigneeId = o.assignee
            ? await resolveUserRef(ctx, o.assignee, '--assignee')
            : undefined;
          const t = await createTask(ctx, { ...body, accountId, assigneeId });
          if (o.json) return printJson(t);
          process.stdout.write(
            `Added ${t.id} for ${t.assignee?.name ?? 'nobody'}${t.account ? ` on ${t.account.name}` : ''} (rank ${t.rank}).\n`,
          );
        }),
    );

  for (const [verb, status, text] of [
    ['done', 'done', 'mark a task done (it goes on the account timeline)'],
    ['reopen', 'open', 'reopen a done or cancelled task'],
    ['cancel', 'cancelled', 'cancel a task'],
  ] as const) {
    tasks
      .command(`${verb} <id>`)
      .description(text)
      .option('--json', 'print JSON')
      .action(async (id: string, o: { json?: boolean }) =>
        withCtx(async (ctx) => {
          const t = await updateTask(ctx, id, { status });
          if (o.json) return printJson(t);
          process.stdout.write(`${t.id} is ${t.status}: ${t.title}\n`);
        }),
      );
  }

  program
    .command('team')
    .description('per CSM: accounts, ARR, ARR at risk, tasks open, overdue and done, plays running')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) =>
      withCtx(async (ctx) => {
        const t = await teamView(ctx, { scope: 'all' }, null);
        if (o.json) return printJson(t);
        printTable(
          t.rows.map((r) => ({
            csm: r.user?.name ?? '(nobody)',
            accounts: r.accounts,
            arr: Math.round(r.arrMinor / 100),
            'at risk': Math.round(r.atRiskArrMinor / 100),
            open: r.tasksOpen,
            overdue: r.tasksOverdue,
            'done 30d': r.tasksDone30d,
            plays: r.playsRunning,
          })),
          ['csm', 'accounts', 'arr', 'at risk', 'open', 'overdue', 'done 30d', 'plays'],
        );
      }),
    );

  tasks
    .command('show <id>')
    .description('one task with its comments')
    .action(async (id: string) => withCtx(async (ctx) => printJson(await getTask(ctx, id))));

  tasks
    .command('comment <id> <text>')
    .description('comment on a task')
    .action(async (id: string, text: string) =>
      withCtx(async (ctx) => {
        const c = await addComment(ctx, id, text);
        process.stdout.write(`Commented on ${id} (${c.id}).\n`);
      }),
    );
};
