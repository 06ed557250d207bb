import type { Selectable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { PlaybookRunsTable, PlaybooksTable } from '../db/schema.js';

export type PlaybookRow = Selectable<PlaybooksTable>;
export type RunRow = Selectable<PlaybookRunsTable>;

export async function playbookRows(db: Executor, withArchived: boolean): Promise<PlaybookRow[]> {
  let q = db.selectFrom('playbooks').selectAll();
  if (!withArchived) q = q.where('archived_at', 'is', null);
  return q.orderBy('category').orderBy('name').execute();
}

export async function playbookByKey(db: Executor, key: string): Promise<PlaybookRow | undefined> {
  return db.selectFrom('playbooks').selectAll().where('key', '=', key).executeTakeFirst();
}

export async function countPlaybooks(db: Executor): Promise<number> {
  const r = await db
    .selectFrom('playbooks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Insert playbooks whose key is not taken; existing ones are left as edited. */
export async function insertMissing(db: Executor, rows: readonly PlaybookRow[]): Promise<void> {
  for (const r of rows)
    await db
      .insertInto('playbooks')
      .values(r)
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
}

export async function insertPlaybook(db: Executor, row: PlaybookRow): Promise<void> {
  await db.insertInto('playbooks').values(row).execute();
}

export async function updatePlaybook(
  db: Executor,
  id: string,
  patch: Partial<Omit<PlaybookRow, 'id'>>,
): Promise<void> {
  await db.updateTable('playbooks').set(patch).where('id', '=', id).execute();
}

export async function runningRun(
  db: Executor,
  key: string,
  accountId: string,
): Promise<RunRow | undefined> {
  return db
    .selectFrom('playbook_runs')
    .selectAll()
    .where('playbook_key', '=', key)
    .where('account_id', '=', accountId)
    .where('status', '=', 'running')
    .executeTakeFirst();
}

export async function insertRun(db: Executor, row: RunRow): Promise<void> {
  await db.insertInto('playbook_runs').values(row).execute();
}

export async function getRun(db: Executor, id: string): Promise<RunRow | undefined> {
  return db.selectFrom('playbook_runs').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface RunFilter {
  accountId?: string;
  status?: string;
  playbookKey?: string;
}

export async function runRows(db: Executor, f: RunFilter, limit: number): Promise<RunRow[]> {
  let q = db.selectFrom('playbook_runs').selectAll();
  if (f.accountId) q = q.where('account_id', '=', f.accountId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.playbookKey) q = q.where('playbook_key', '=', f.playbookKey);
  return q.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** Task statuses of each run, in step order. */
export async function runTaskStatuses(
  db: Executor,
  runIds: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (runIds.length === 0) return out;
  for (let i = 0; i < runIds.length; i += 500) {
    const rows = await db
      .selectFrom('tasks')
      .select(['playbook_run_id', 'status'])
      .where('playbook_run_id', 'in', runIds.slice(i, i + 500))
      .orderBy('step_index')
      .execute();
    for (const r of rows) {
      const list = out.get(r.playbook_run_id!) ?? [];
      list.push(r.status);
      out.set(r.playbook_run_id!, list);
    }
  }
  return out;
}

/**
 * Mark a running run completed once every one of its tasks is closed, or running again when
 * one is reopened. Called in the transaction that changed a task.
 */
export async function refreshRun(db: Executor, runId: string, now: string): Promise<void> {
  const statuses = (await runTaskStatuses(db, [runId])).get(runId) ?? [];
  const closed = statuses.length > 0 && statuses.every((s) => s === 'done' || s === 'cancelled');
  const run = await getRun(db, runId);
  if (!run || run.status === 'cancelled') return;
  if (closed && run.status === 'running')
    await db
      .updateTable('playbook_runs')
      .set({ status: 'completed', finished_at: now })
      .where('id', '=', runId)
      .execute();
  else if (!closed && run.status === 'completed')
    await db
      .updateTable('playbook_runs')
      .set({ status: 'running', finished_at: null })
      .where('id', '=', runId)
      .execute();
}

export async function finishRun(
  db: Executor,
  runId: string,
  status: 'cancelled',
  now: string,
): Promise<void> {
  await db
    .updateTable('playbook_runs')
    .set({ status, finished_at: now })
    .where('id', '=', runId)
    .execute();
}
