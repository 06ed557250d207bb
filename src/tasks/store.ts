import type { Selectable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { TaskCommentsTable, TasksTable } from '../db/schema.js';
import type { OwnerFilter } from '../portfolio/model.js';
import { OPEN_STATUSES } from './model.js';

export type TaskRow = Selectable<TasksTable>;
export type TaskCommentRow = Selectable<TaskCommentsTable>;

/** A task with what its list shows and its priority needs, in one row. */
export interface TaskListRow extends TaskRow {
  account_name: string | null;
  mrr_minor: number | null;
  assignee_name: string | null;
  /** The account's latest health composite × 10, or null. */
  composite_tenths: number | null;
}

export interface TaskFilter {
  owners: OwnerFilter;
  /** open = open or in progress. */
  status?: 'open' | 'done' | 'cancelled' | 'any';
  accountId?: string;
  /** Due before this day (overdue when it is today). */
  dueBefore?: string;
  playbookRunId?: string;
}

/** At most this many tasks are ordered at once; a list asks for fewer. */
export const LIST_CAP = 5000;

/** Tasks with their account's name and MRR, the assignee's name and the latest health. */
function taskRows(db: Executor) {
  return db
    .selectFrom('tasks as t')
    .leftJoin('accounts as a', 'a.id', 't.account_id')
    .leftJoin('users as u', 'u.id', 't.assignee_id')
    .selectAll('t')
    .select(['a.name as account_name', 'a.mrr_minor', 'u.name as assignee_name'])
    .select((eb) =>
      eb
        .selectFrom('health_snapshots as s')
        .select('s.composite_tenths')
        .whereRef('s.account_id', '=', 't.account_id')
        .orderBy('s.day', 'desc')
        .limit(1)
        .as('composite_tenths'),
    );
}

/** Numbers as numbers on both databases (PostgreSQL may answer bigint columns as text). */
function listRow(
  r: TaskRow & {
    account_name: string | null;
    mrr_minor: number | string | null;
    assignee_name: string | null;
    composite_tenths: number | string | null;
  },
): TaskListRow {
  return {
    ...r,
    mrr_minor: r.mrr_minor === null ? null : Number(r.mrr_minor),
    composite_tenths: r.composite_tenths === null ? null : Number(r.composite_tenths),
  };
}

export async function listTaskRows(db: Executor, f: TaskFilter): Promise<TaskListRow[]> {
  let q = taskRows(db);
  if (f.owners.kind === 'owners') q = q.where('t.assignee_id', 'in', [...f.owners.ids]);
  const status = f.status ?? 'open';
  if (status === 'open') q = q.where('t.status', 'in', [...OPEN_STATUSES]);
  else if (status !== 'any') q = q.where('t.status', '=', status);
  if (f.accountId) q = q.where('t.account_id', '=', f.accountId);
  if (f.dueBefore) q = q.where('t.due_on', '<', f.dueBefore);
  if (f.playbookRunId) q = q.where('t.playbook_run_id', '=', f.playbookRunId);
  const rows = await q.orderBy('t.created_at', 'desc').orderBy('t.id').limit(LIST_CAP).execute();
  return rows.map(listRow);
}

export async function getTaskRow(db: Executor, id: string): Promise<TaskListRow | undefined> {
  const r = await taskRows(db).where('t.id', '=', id).executeTakeFirst();
  return r ? listRow(r) : undefined;
}

export async function insertTasks(db: Executor, rows: readonly TaskRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200)
    await db
      .insertInto('tasks')
      .values(rows.slice(i, i + 200))
      .execute();
}

export async function updateTaskRow(
  db: Executor,
  id: string,
  patch: Partial<Omit<TaskRow, 'id'>>,
): Promise<void> {
  await db.updateTable('tasks').set(patch).where('id', '=', id).execute();
}

export async function commentsOf(db: Executor, taskId: string): Promise<TaskCommentRow[]> {
  return db
    .selectFrom('task_comments')
    .selectAll()
    .where('task_id', '=', taskId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function insertComment(db: Executor, row: TaskCommentRow): Promise<void> {
  await db.insertInto('task_comments').values(row).execute();
}

/** Open tasks per account, for the portfolio. */
export async function openTaskCounts(
  db: Executor,
  accountIds?: readonly string[],
): Promise<Map<string, number>> {
  let q = db
    .selectFrom('tasks')
    .select(['account_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', 'in', [...OPEN_STATUSES])
    .where('account_id', 'is not', null);
  if (accountIds) q = q.where('account_id', 'in', [...accountIds]);
  const rows = await q.groupBy('account_id').execute();
  return new Map(rows.map((r) => [r.account_id!, Number(r.n)]));
}

/** The largest ARR (minor units) in the book: the top of every task's value scale. */
export async function maxArrMinor(db: Executor): Promise<number> {
  const r = await db
    .selectFrom('accounts')
    .select((eb) => eb.fn.max('mrr_minor').as('m'))
    .where('archived_at', 'is', null)
    .executeTakeFirst();
  return Number(r?.m ?? 0) * 12;
}
