import { recordAudit } from '../audit/record.js';
import { record } from '../accounts/timeline/service.js';
import { toIsoDate } from '../core/clock.js';
import { actorLabel, type Ctx } from '../core/context.js';
import { AppError, invalid, notFound } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { Executor } from '../db/database.js';
import { createTasks } from '../tasks/service.js';
import { LIBRARY } from './library.js';
import {
  PlaybookDefSchema,
  planTasks,
  progressOf,
  type Category,
  type PlaybookDef,
  type PlaybookInput,
  type Step,
} from './model.js';
import * as store from './store.js';

export interface Playbook {
  key: string;
  name: string;
  category: Category;
  description: string;
  steps: Step[];
  version: number;
  builtIn: boolean;
  archived: boolean;
  updatedAt: string;
}

export interface PlaybookRun {
  id: string;
  playbook: { key: string; name: string; version: number };
  accountId: string;
  status: 'running' | 'completed' | 'cancelled';
  source: 'manual' | 'rule';
  sourceRef: string | null;
  startedBy: string;
  startedAt: string;
  finishedAt: string | null;
  progress: { done: number; total: number };
}

function view(r: store.PlaybookRow): Playbook {
  return {
    key: r.key,
    name: r.name,
    category: r.category as Category,
    description: r.description,
    steps: JSON.parse(r.steps) as Step[],
    version: r.version,
    builtIn: r.built_in === 1,
    archived: r.archived_at !== null,
    updatedAt: r.updated_at,
  };
}

function runView(r: store.RunRow, statuses: readonly string[]): PlaybookRun {
  const p = progressOf(statuses);
  return {
    id: r.id,
    playbook: { key: r.playbook_key, name: r.playbook_name, version: r.playbook_version },
    accountId: r.account_id,
    status: r.status as PlaybookRun['status'],
    source: r.source as PlaybookRun['source'],
    sourceRef: r.source_ref,
    startedBy: r.started_by,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    progress: { done: p.done, total: p.total },
  };
}

/** Check a playbook definition; every problem at its path. */
export function parsePlaybook(input: unknown): PlaybookDef {
  const r = PlaybookDefSchema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  throw new AppError('validation', `${issues[0]!.path || 'playbook'}: ${issues[0]!.message}`, {
    issues,
  });
}

/** The shipped library, seeded once into an installation that has no playbooks yet. */
export async function seedLibrary(db: Executor, now: Date): Promise<void> {
  if ((await store.countPlaybooks(db)) > 0) return;
  const at = now.toISOString();
  await store.insertMissing(
    db,
    LIBRARY.map((input) => {
      const def = parsePlaybook(input);
      return {
        id: newId('pbk', now.getTime()),
        key: def.key,
        name: def.name,
        category: def.category,
        description: def.description,
        steps: JSON.stringify(def.steps),
        version: 1,
        built_in: 1,
        archived_at: null,
        created_at: at,
        updated_at: at,
      };
    }),
  );
}

export async function listPlaybooks(ctx: Ctx, withArchived = false): Promise<Playbook[]> {
  ctx.can('read', 'playbook');
  await seedLibrary(ctx.db, ctx.now());
  return (await store.playbookRows(ctx.db, withArchived)).map(view);
}

export async function getPlaybook(ctx: Ctx, key: string): Promise<Playbook> {
  ctx.can('read', 'playbook');
  await seedLibrary(ctx.db, ctx.now());
  const row = await store.playbookByKey(ctx.db, key);
  if (!row) throw notFound('playbook', key);
  return view(row);
}

/** Add a playbook, or change one (its version goes up; running plays keep their tasks). */
export async function savePlaybook(ctx: Ctx, input: PlaybookInput): Promise<Playbook> {
  ctx.can('write', 'playbook');
  const def = parsePlaybook(input);
  const now = ctx.now();
  const at = now.toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await seedLibrary(trx, now);
    const before = await store.playbookByKey(trx, def.key);
    const fields = {
      name: def.name,
      category: def.category,
      description: def.description,
      steps: JSON.stringify(def.steps),
    };
    if (!before) {
      const row = {
        id: newId('pbk', now.getTime()),
        key: def.key,
        ...fields,
        version: 1,
        built_in: 0,
        archived_at: null,
        created_at: at,
        updated_at: at,
      };
      await store.insertPlaybook(trx, row);
      await recordAudit(ctx, trx, {
        entity: 'playbook',
        entityId: def.key,
        action: 'create',
        after: row,
      });
      return;
    }
    const changed = (Object.keys(fields) as (keyof typeof fields)[]).some(
      (k) => before[k] !== fields[k],
    );
    if (!changed && before.archived_at === null) return;
    const next = {
      ...fields,
      version: before.version + (changed ? 1 : 0),
      archived_at: null,
      updated_at: at,
    };
    await store.updatePlaybook(trx, before.id, next);
    await recordAudit(ctx, trx, {
      entity: 'playbook',
      entityId: def.key,
      action: 'update',
      before,
      after: { ...before, ...next },
    });
  });
  return getPlaybook(ctx, def.key);
}

export async function archivePlaybook(ctx: Ctx, key: string): Promise<Playbook> {
  ctx.can('write', 'playbook');
  await ctx.db.transaction().execute(async (trx) => {
    const before = await store.playbookByKey(trx, key);
    if (!before) throw notFound('playbook', key);
    if (before.archived_at) return;
    const at = ctx.now().toISOString();
    await store.updatePlaybook(trx, before.id, { archived_at: at, updated_at: at });
    await recordAudit(ctx, trx, { entity: 'playbook', entityId: key, action: 'archive' });
  });
  return getPlaybook(ctx, key);
}

export interface StartOptions {
  source?: 'manual' | 'rule';
  sourceRef?: string | null;
  /** The first day the steps count from (default today). */
  startOn?: string;
}

/**
 * Start a playbook on an account inside the caller's transaction: one task per step, due
 * its offset after the start, assigned to the account's owner (or their manager for an
 * escalation step). Refused while the same playbook is already running on the account.
 */
export async function startPlaybookIn(
  ctx: Ctx,
  db: Executor,
  key: string,
  accountId: string,
  o: StartOptions = {},
): Promise<string> {
  await seedLibrary(db, ctx.now());
  const pb = await store.playbookByKey(db, key);
  if (!pb) throw invalid('playbook', `no playbook ${key}`);
  if (pb.archived_at) throw invalid('playbook', `playbook ${key} is archived`);
  const account = await db
    .selectFrom('accounts as a')
    .leftJoin('users as u', 'u.id', 'a.owner_id')
    .select(['a.id', 'a.name', 'a.owner_id', 'a.archived_at', 'u.manager_id'])
    .where('a.id', '=', accountId)
    .executeTakeFirst();
  if (!account) throw invalid('accountId', `no account ${accountId}`);
  if (account.archived_at) throw invalid('accountId', `account ${account.name} is archived`);
  const running = await store.runningRun(db, key, accountId);
  if (running)
    throw new AppError(
      'conflict',
      `${pb.name} is already running on ${account.name} (${running.id})`,
      {
        runId: running.id,
      },
    );
  const def = view(pb);
  const now = ctx.now();
  const at = now.toISOString();
  const runId = newId('run', now.getTime());
  await store.insertRun(db, {
    id: runId,
    playbook_id: pb.id,
    playbook_key: pb.key,
    playbook_name: pb.name,
    playbook_version: pb.version,
    account_id: accountId,
    status: 'running',
    source: o.source ?? 'manual',
    source_ref: o.sourceRef ?? null,
    started_by: actorLabel(ctx.actor),
    started_at: at,
    finished_at: null,
  });
  const owner = account.owner_id;
  await createTasks(
    ctx,
    db,
    planTasks(def, o.startOn ?? toIsoDate(now)).map((t) => ({
      accountId,
      title: t.title,
      description: t.description,
      dueOn: t.dueOn,
      priority: t.priority,
      assigneeId: t.assignTo === 'manager' ? (account.manager_id ?? owner) : owner,
      source: 'playbook',
      sourceRef: runId,
      playbookRunId: runId,
      stepIndex: t.stepIndex,
    })),
  );
  await record(ctx, db, accountId, {
    kind: 'playbook_started',
    title: `Playbook started: ${pb.name}`,
    data: { runId, playbook: pb.key, source: o.source ?? 'manual', sourceRef: o.sourceRef ?? null },
  });
  await recordAudit(ctx, db, {
    entity: 'playbook_run',
    entityId: runId,
    action: 'start',
    changes: { playbook: [null, pb.key], account: [null, accountId] },
  });
  return runId;
}

export async function startPlaybook(
  ctx: Ctx,
  key: string,
  accountId: string,
  o: StartOptions = {},
): Promise<PlaybookRun> {
  const id = await ctx.db
    .transaction()
    .execute((trx) => startPlaybookIn(ctx, trx, key, accountId, o));
  return getRun(ctx, id);
}

export async function getRun(ctx: Ctx, id: string): Promise<PlaybookRun> {
  ctx.can('read', 'task');
  const row = await store.getRun(ctx.db, id);
  if (!row) throw notFound('playbook run', id);
  return runView(row, (await store.runTaskStatuses(ctx.db, [id])).get(id) ?? []);
}

export async function listRuns(
  ctx: Ctx,
  f: store.RunFilter & { limit?: number },
): Promise<PlaybookRun[]> {
  ctx.can('read', 'task');
  const rows = await store.runRows(ctx.db, f, f.limit ?? 100);
  const statuses = await store.runTaskStatuses(
    ctx.db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => runView(r, statuses.get(r.id) ?? []));
}

/** Stop a running play: its open tasks are cancelled. */
export async function cancelRun(ctx: Ctx, id: string): Promise<PlaybookRun> {
  await ctx.db.transaction().execute(async (trx) => {
    const run = await store.getRun(trx, id);
    if (!run) throw notFound('playbook run', id);
    if (run.status !== 'running') throw new AppError('conflict', `run ${id} is ${run.status}`);
    const owner = await trx
      .selectFrom('accounts')
      .select('owner_id')
      .where('id', '=', run.account_id)
      .executeTakeFirst();
    ctx.can('write', 'task', { ownerId: owner?.owner_id ?? null });
    const at = ctx.now().toISOString();
    await trx
      .updateTable('tasks')
      .set({
        status: 'cancelled',
        completed_at: at,
        completed_by: actorLabel(ctx.actor),
        updated_at: at,
      })
      .where('playbook_run_id', '=', id)
      .where('status', 'in', ['open', 'in_progress'])
      .execute();
    await store.finishRun(trx, id, 'cancelled', at);
    await recordAudit(ctx, trx, { entity: 'playbook_run', entityId: id, action: 'cancel' });
  });
  return getRun(ctx, id);
}
