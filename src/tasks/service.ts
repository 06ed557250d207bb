import { recordAudit } from '../audit/record.js';
import { toIsoDate } from '../core/clock.js';
import { actorLabel, type Ctx } from '../core/context.js';
import { AppError, invalid, notFound } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { Executor } from '../db/database.js';
import { record } from '../accounts/timeline/service.js';
import type { Subject } from '../identity/permissions.js';
import { ownerFilter, scopeFor, type Scope } from '../portfolio/model.js';
import {
  computedPriority,
  daysBetween,
  isOpen,
  type TaskPriority,
  type TaskSource,
  type TaskStatus,
} from './model.js';
import * as store from './store.js';
import { refreshRun } from '../playbooks/store.js';

export interface Task {
  id: string;
  account: { id: string; name: string } | null;
  title: string;
  description: string | null;
  assignee: { id: string; name: string } | null;
  dueOn: string | null;
  priority: TaskPriority;
  status: TaskStatus;
  source: TaskSource;
  sourceRef: string | null;
  playbookRunId: string | null;
  stepIndex: number | null;
  /** 0–100: ARR, health risk and due date together (docs/tasks.md). */
  rank: number;
  overdue: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  completedBy: string | null;
}

export interface TaskComment {
  id: string;
  author: string;
  authorName: string;
  body: string;
  createdAt: string;
}

export interface TaskInput {
  accountId?: string | null;
  title: string;
  description?: string | null;
  /** Default: the account's owner, else the person creating it. */
  assigneeId?: string | null;
  dueOn?: string | null;
  priority?: TaskPriority;
  source?: TaskSource;
  sourceRef?: string | null;
  playbookRunId?: string | null;
  stepIndex?: number | null;
}

export interface TaskPatch {
  title?: string;
  description?: string | null;
  assigneeId?: string | null;
  dueOn?: string | null;
  priority?: TaskPriority;
  status?: TaskStatus;
}

export interface TaskQuery {
  scope?: Scope;
  status?: 'open' | 'done' | 'cancelled' | 'any';
  overdue?: boolean;
  accountId?: string;
  limit?: number;
}

function view(r: store.TaskListRow, today: string, maxArr: number): Task {
  const arr = (r.mrr_minor ?? 0) * 12;
  const dueIn = r.due_on ? daysBetween(today, r.due_on) : null;
  return {
    id: r.id,
    account: r.account_id ? { id: r.account_id, name: r.account_name ?? r.account_id } : null,
    title: r.title,
    description: r.description,
    assignee: r.assignee_id ? { id: r.assignee_id, name: r.assignee_name ?? r.assignee_id } : null,
    dueOn: r.due_on,
    priority: r.priority as TaskPriority,
    status: r.status as TaskStatus,
    source: r.source as TaskSource,
    sourceRef: r.source_ref,
    playbookRunId: r.playbook_run_id,
    stepIndex: r.step_index,
    rank: computedPriority({
      arrMinor: arr,
      maxArrMinor: maxArr,
      healthScore: r.composite_tenths === null ? null : r.composite_tenths / 10,
      dueInDays: isOpen(r.status) ? dueIn : null,
      priority: r.priority as TaskPriority,
    }),
    overdue: isOpen(r.status) && dueIn !== null && dueIn < 0,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    completedAt: r.completed_at,
    completedBy: r.completed_by,
  };
}

/** Open tasks by rank (ties: due date, then age); finished ones newest first. */
export async function listTasks(
  ctx: Ctx,
  q: TaskQuery,
  viewer: Subject | null,
): Promise<{ scope: Scope; items: Task[]; total: number }> {
  ctx.can('read', 'task');
  const today = toIsoDate(ctx.now());
  const scope = scopeFor(q.scope, viewer);
  const rows = await store.listTaskRows(ctx.db, {
    owners: ownerFilter(scope, viewer),
    status: q.overdue ? 'open' : q.status,
    accountId: q.accountId,
    dueBefore: q.overdue ? today : undefined,
  });
  // Value is measured against the largest account in the book, so a task ranks the same on
  // every list and in its own view.
  const maxArr = await store.maxArrMinor(ctx.db);
  const items = rows.map((r) => view(r, today, maxArr));
  if ((q.status ?? 'open') === 'open' || q.overdue)
    items.sort(
      (a, b) =>
        b.rank - a.rank ||
        (a.dueOn ?? '9999').localeCompare(b.dueOn ?? '9999') ||
        a.createdAt.localeCompare(b.createdAt),
    );
  return { scope, items: items.slice(0, q.limit ?? 100), total: items.length };
}

export type TaskDetail = Task & { comments: TaskComment[] };

export async function getTask(ctx: Ctx, id: string): Promise<TaskDetail> {
  ctx.can('read', 'task');
  const row = await store.getTaskRow(ctx.db, id);
  if (!row) throw notFound('task', id);
  const comments = await store.commentsOf(ctx.db, id);
  return {
    ...view(row, toIsoDate(ctx.now()), await store.maxArrMinor(ctx.db)),
    comments: comments.map((c) => ({
      id: c.id,
      author: c.author,
      authorName: c.author_name,
      body: c.body,
      createdAt: c.created_at,
    })),
  };
}

async function liveUser(db: Executor, id: string, field: string): Promise<void> {
  const u = await db
    .selectFrom('users')
    .select(['id', 'archived_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!u) throw invalid(field, `no user ${id}`);
  if (u.archived_at) throw invalid(field, `user ${id} is archived`);
}

/**
 * Create tasks inside the caller's transaction (a playbook start, a rule firing) or its own.
 * Checks each against the caller's rights and writes one audit entry per task.
 */
export async function createTasks(
  ctx: Ctx,
  db: Executor,
  inputs: readonly TaskInput[],
): Promise<string[]> {
  const now = ctx.now();
  const at = now.toISOString();
  const rows: store.TaskRow[] = [];
  for (const [i, t] of inputs.entries()) {
    const at_ = inputs.length > 1 ? `tasks[${i}].` : '';
    let owner: string | null = null;
    if (t.accountId) {
      const a = await db
        .selectFrom('accounts')
        .select(['id', 'owner_id', 'archived_at'])
        .where('id', '=', t.accountId)
        .executeTakeFirst();
      if (!a) throw invalid(`${at_}accountId`, `no account ${t.accountId}`);
      if (a.archived_at) throw invalid(`${at_}accountId`, `account ${t.accountId} is archived`);
      owner = a.owner_id;
    }
    const self = ctx.actor.kind === 'user' ? ctx.actor.id : null;
    const assignee = t.assigneeId !== undefined ? t.assigneeId : (owner ?? self);
    if (assignee) await liveUser(db, assignee, `${at_}assigneeId`);
    ctx.can('write', 'task', { ownerId: assignee, creating: true });
    rows.push({
      id: newId('tsk', now.getTime()),
      account_id: t.accountId ?? null,
      title: t.title,
      description: t.description ?? null,
      assignee_id: assignee,
      due_on: t.dueOn ?? null,
      priority: t.priority ?? 'normal',
      status: 'open',
      source: t.source ?? 'manual',
      source_ref: t.sourceRef ?? null,
      playbook_run_id: t.playbookRunId ?? null,
      step_index: t.stepIndex ?? null,
      created_by: actorLabel(ctx.actor),
      created_at: at,
      updated_at: at,
      completed_at: null,
      completed_by: null,
    });
  }
  await store.insertTasks(db, rows);
  await recordAudit(
    ctx,
    db,
    rows.map((r) => ({ entity: 'task', entityId: r.id, action: 'create', after: r })),
  );
  return rows.map((r) => r.id);
}

export async function createTask(
  ctx: Ctx,
  input: TaskInput & { alertId?: string },
): Promise<TaskDetail> {
  const { alertId, ...rest } = input;
  let task: TaskInput = rest;
  if (alertId) {
    // A task from an alert belongs to the alert's account and says where it came from.
    const alert = await ctx.db
      .selectFrom('health_alerts')
      .select(['id', 'account_id'])
      .where('id', '=', alertId)
      .executeTakeFirst();
    if (!alert) throw invalid('alertId', `no alert ${alertId}`);
    if (rest.accountId && rest.accountId !== alert.account_id)
      throw invalid('accountId', `alert ${alertId} is on another account`);
    task = { ...rest, accountId: alert.account_id, source: 'alert', sourceRef: alertId };
  }
  const [id] = await ctx.db.transaction().execute((trx) => createTasks(ctx, trx, [task]));
  return getTask(ctx, id!);
}

/** Edit a task; done (or cancelled) closes it, and done goes on the account's timeline. */
export async function updateTask(ctx: Ctx, id: string, patch: TaskPatch): Promise<TaskDetail> {
  await ctx.db.transaction().execute(async (trx) => {
    const before = await store.getTaskRow(trx, id);
    if (!before) throw notFound('task', id);
    // Only reassigning needs the reassign right alone (a manager takes an unowned task).
    const { assigneeId: _assignee, ...rest } = patch;
    if (Object.keys(rest).length > 0) ctx.can('write', 'task', { ownerId: before.assignee_id });
    const now = ctx.now().toISOString();
    const next: Partial<store.TaskRow> = { updated_at: now };
    if (patch.title !== undefined) next.title = patch.title;
    if (patch.description !== undefined) next.description = patch.description;
    if (patch.dueOn !== undefined) next.due_on = patch.dueOn;
    if (patch.priority !== undefined) next.priority = patch.priority;
    if (patch.assigneeId !== undefined && patch.assigneeId !== before.assignee_id) {
      ctx.can('reassign', 'task', { ownerId: before.assignee_id });
      ctx.can('reassign', 'task', { ownerId: patch.assigneeId });
      if (patch.assigneeId) await liveUser(trx, patch.assigneeId, 'assigneeId');
      next.assignee_id = patch.assigneeId;
    }
    if (patch.status !== undefined && patch.status !== before.status) {
      next.status = patch.status;
      const closing = !isOpen(patch.status);
      if (closing && !isOpen(before.status))
        throw new AppError('conflict', `task ${id} is already ${before.status}; reopen it first`);
      next.completed_at = closing ? now : null;
      next.completed_by = closing ? actorLabel(ctx.actor) : null;
      if (patch.status === 'done' && before.account_id)
        await record(ctx, trx, before.account_id, {
          kind: 'task_done',
          title: `Task done: ${patch.title ?? before.title}`,
          data: { taskId: id, source: before.source, playbookRunId: before.playbook_run_id },
        });
    }
    await store.updateTaskRow(trx, id, next);
    // A play is complete once all its tasks are closed (and running again if one reopens).
    if (next.status !== undefined && before.playbook_run_id)
      await refreshRun(trx, before.playbook_run_id, now);
    const {
      account_name: _a,
      mrr_minor: _m,
      assignee_name: _n,
      composite_tenths: _c,
      ...old
    } = before;
    await recordAudit(ctx, trx, {
      entity: 'task',
      entityId: id,
      action: 'update',
      before: old,
      after: { ...old, ...next },
    });
  });
  return getTask(ctx, id);
}

export async function addComment(ctx: Ctx, id: string, body: string): Promise<TaskComment> {
  return ctx.db.transaction().execute(async (trx) => {
    const task = await store.getTaskRow(trx, id);
    if (!task) throw notFound('task', id);
    // Anyone who may write tasks somewhere may comment on one they can read.
    ctx.can('write', 'task', { ownerId: task.assignee_id });
    const now = ctx.now();
    const row = {
      id: newId('tcm', now.getTime()),
      task_id: id,
      author: actorLabel(ctx.actor),
      author_name: ctx.actor.name,
      body,
      created_at: now.toISOString(),
    };
    await store.insertComment(trx, row);
    await recordAudit(ctx, trx, {
      entity: 'task',
      entityId: id,
      action: 'comment',
      after: { body },
    });
    return {
      id: row.id,
      author: row.author,
      authorName: row.author_name,
      body,
      createdAt: row.created_at,
    };
  });
}
