import { sql, type Selectable } from 'kysely';
import type { Page } from '../core/pagination.js';
import { keysetPage } from '../db/keyset.js';
import type { Dialect, Executor } from '../db/database.js';
import type { JobsTable } from '../db/schema.js';
import { newId } from '../core/ids.js';

export type JobRow = Selectable<JobsTable>;

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface NewJob {
  kind: string;
  payload?: Record<string, unknown>;
  /** At most one job per key, ever: a second enqueue with it is a no-op. */
  key?: string;
  runAt: Date;
  maxAttempts: number;
}

/** Add a job; false when its key was taken (the job exists already). */
export async function enqueueJob(db: Executor, job: NewJob, now: Date): Promise<boolean> {
  const r = await db
    .insertInto('jobs')
    .values({
      id: newId('job', now.getTime()),
      kind: job.kind,
      key: job.key ?? null,
      payload: JSON.stringify(job.payload ?? {}),
      status: 'queued',
      attempts: 0,
      max_attempts: job.maxAttempts,
      run_at: job.runAt.toISOString(),
      created_at: now.toISOString(),
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

/**
 * Take up to `limit` due jobs for `worker`: queued ones whose time has come, and running
 * ones whose lease ran out (their worker died) with attempts left. PostgreSQL skips rows
 * another process is claiming at the same moment; SQLite has one writer at a time, so
 * the update itself is the lock.
 */
export async function claimJobs(
  db: Executor,
  dialect: Dialect,
  o: { worker: string; now: Date; leaseMs: number; limit: number; kinds: readonly string[] },
): Promise<JobRow[]> {
  if (o.kinds.length === 0 || o.limit <= 0) return [];
  const now = o.now.toISOString();
  let due = db
    .selectFrom('jobs')
    .select('id')
    // Only what this process can run: another version's jobs wait for a worker that knows them.
    .where('kind', 'in', o.kinds)
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'queued'), eb('run_at', '<=', now)]),
        eb.and([
          eb('status', '=', 'running'),
          eb('lease_until', '<', now),
          eb('attempts', '<', eb.ref('max_attempts')),
        ]),
      ]),
    )
    .orderBy('run_at')
    .limit(o.limit);
  if (dialect === 'postgres') due = due.forUpdate().skipLocked();
  return db
    .updateTable('jobs')
    .set((eb) => ({
      status: 'running',
      attempts: eb('attempts', '+', 1),
      worker: o.worker,
      lease_until: new Date(o.now.getTime() + o.leaseMs).toISOString(),
      started_at: now,
    }))
    .where('id', 'in', due)
    .returningAll()
    .execute();
}

/**
 * Running jobs whose worker died during their last attempt: failed, with that said.
 * Returns how many.
 */
export async function failAbandoned(db: Executor, now: Date): Promise<number> {
  const at = now.toISOString();
  const r = await db
    .updateTable('jobs')
    .set({
      status: 'failed',
      finished_at: at,
      lease_until: null,
      last_error: 'the worker stopped during the last attempt',
    })
    .where('status', '=', 'running')
    .where('lease_until', '<', at)
    .where((eb) => eb('attempts', '>=', eb.ref('max_attempts')))
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Keep a running job's claim while it works; false when it was taken over meanwhile. */
export async function extendLease(
  db: Executor,
  id: string,
  worker: string,
  until: Date,
): Promise<boolean> {
  const r = await db
    .updateTable('jobs')
    .set({ lease_until: until.toISOString() })
    .where('id', '=', id)
    .where('worker', '=', worker)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Record how an attempt ended. Only the worker holding the claim may: one whose lease was
 * taken over learns it here (false) and its result is not recorded.
 */
export async function finishAttempt(
  db: Executor,
  id: string,
  worker: string,
  end:
    | { status: 'succeeded'; result: unknown; at: Date }
    | { status: 'failed'; error: string; at: Date }
    | { status: 'queued'; error: string; at: Date; retryAt: Date },
): Promise<boolean> {
  const at = end.at.toISOString();
  const r = await db
    .updateTable('jobs')
    .set({
      status: end.status,
      lease_until: null,
      ...(end.status === 'succeeded'
        ? {
            result: end.result === undefined ? null : JSON.stringify(end.result),
            finished_at: at,
            last_error: null,
          }
        : { last_error: end.error.slice(0, 2000) }),
      ...(end.status === 'failed' ? { finished_at: at } : {}),
      ...(end.status === 'queued' ? { run_at: end.retryAt.toISOString() } : {}),
    })
    .where('id', '=', id)
    .where('worker', '=', worker)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export interface JobFilter {
  status?: JobStatus;
  kind?: string;
}

/** The queue and its history, newest first. */
export async function listJobRows(
  db: Executor,
  f: JobFilter,
  limit: number,
  cursor?: string,
): Promise<Page<JobRow>> {
  let q = db.selectFrom('jobs').selectAll();
  if (f.status) q = q.where('status', '=', f.status);
  if (f.kind) q = q.where('kind', '=', f.kind);
  return keysetPage(
    q,
    {
      name: 'created_at',
      expr: sql.ref('created_at'),
      desc: true,
      value: (r: JobRow) => r.created_at,
    },
    limit,
    cursor,
  );
}

/** Each kind's most recent job (queued, running or finished). */
export async function latestByKind(
  db: Executor,
  kinds: readonly string[],
): Promise<Map<string, JobRow>> {
  const out = new Map<string, JobRow>();
  for (const kind of kinds) {
    const row = await db
      .selectFrom('jobs')
      .selectAll()
      .where('kind', '=', kind)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (row) out.set(kind, row);
  }
  return out;
}

/** Failed jobs, counted by kind: what an admin should look at. */
export async function countFailed(db: Executor): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('jobs')
    .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', '=', 'failed')
    .groupBy('kind')
    .execute();
  return new Map(rows.map((r) => [r.kind, Number(r.n)]));
}

export async function getJobRow(db: Executor, id: string): Promise<JobRow | undefined> {
  return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Queue a failed job again from its first attempt; false when it is not failed (any more). */
export async function requeueFailed(db: Executor, id: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('jobs')
    .set({
      status: 'queued',
      attempts: 0,
      run_at: now.toISOString(),
      finished_at: null,
      worker: null,
    })
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Delete finished jobs that finished before the cut-offs; how many. */
export async function deleteFinished(
  db: Executor,
  o: { succeededBefore: string; failedBefore: string },
): Promise<number> {
  let total = 0;
  for (const [status, before] of [
    ['succeeded', o.succeededBefore],
    ['failed', o.failedBefore],
  ] as const) {
    const r = await db
      .deleteFrom('jobs')
      .where('status', '=', status)
      .where('finished_at', '<', before)
      .executeTakeFirst();
    total += Number(r.numDeletedRows);
  }
  return total;
}
