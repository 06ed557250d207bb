import { recordAudit } from '../audit/record.js';
import type { Ctx } from '../core/context.js';
import { AppError } from '../core/errors.js';
import type { Page } from '../core/pagination.js';
import { nextSlotAt, type Schedule } from './model.js';
import { maxAttemptsOf, type JobDefinition } from './runner.js';
import * as store from './store.js';

export interface JobView {
  id: string;
  kind: string;
  key: string | null;
  status: store.JobStatus;
  attempts: number;
  maxAttempts: number;
  runAt: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  worker: string | null;
  lastError: string | null;
  payload: unknown;
  result: unknown;
}

export interface ScheduledJobView {
  kind: string;
  description: string;
  schedule: string;
  nextDueAt: string;
  last: JobView | null;
  failed: number;
}

const DAY = 86_400_000;

function parse(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function jobView(r: store.JobRow): JobView {
  return {
    id: r.id,
    kind: r.kind,
    key: r.key,
    status: r.status as store.JobStatus,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    runAt: r.run_at,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    worker: r.worker,
    lastError: r.last_error,
    payload: parse(r.payload),
    result: parse(r.result),
  };
}

export function scheduleText(s: Schedule): string {
  if (s.every === 'day') return `daily at ${s.at} UTC`;
  if (s.minutes === 1) return 'every minute';
  return s.minutes % 60 === 0 ? `every ${s.minutes / 60} h` : `every ${s.minutes} min`;
}

export async function listJobs(
  ctx: Ctx,
  q: store.JobFilter & { limit?: number; cursor?: string },
): Promise<Page<JobView>> {
  ctx.can('read', 'job');
  const page = await store.listJobRows(ctx.db, q, q.limit ?? 50, q.cursor);
  return { items: page.items.map(jobView), nextCursor: page.nextCursor };
}

export async function getJob(ctx: Ctx, id: string): Promise<JobView> {
  ctx.can('read', 'job');
  const row = await store.getJobRow(ctx.db, id);
  if (!row) throw new AppError('not_found', `job ${id} not found`);
  return jobView(row);
}

/** The recurring jobs: when each runs next, how its last run went, how many failed. */
export async function jobSchedule(
  ctx: Ctx,
  defs: readonly JobDefinition[],
): Promise<ScheduledJobView[]> {
  ctx.can('read', 'job');
  const recurring = defs.filter((d) => d.schedule);
  const [latest, failed] = await Promise.all([
    store.latestByKind(
      ctx.db,
      recurring.map((d) => d.kind),
    ),
    store.countFailed(ctx.db),
  ]);
  return recurring.map((d) => {
    const last = latest.get(d.kind);
    return {
      kind: d.kind,
      description: d.description,
      schedule: scheduleText(d.schedule!),
      nextDueAt: nextSlotAt(d.schedule!, ctx.now()).toISOString(),
      last: last ? jobView(last) : null,
      failed: failed.get(d.kind) ?? 0,
    };
  });
}

/** Queue a failed job again, from its first attempt. */
export async function retryJob(ctx: Ctx, id: string): Promise<JobView> {
  ctx.can('write', 'job');
  return ctx.db.transaction().execute(async (trx) => {
    const row = await store.getJobRow(trx, id);
    if (!row) throw new AppError('not_found', `job ${id} not found`);
    if (!(await store.requeueFailed(trx, id, ctx.now())))
      throw new AppError(
        'conflict',
        `job ${id} is ${row.status}: only a failed job can be retried`,
      );
    await recordAudit(ctx, trx, {
      entity: 'job',
      entityId: id,
      action: 'retry',
      changes: { status: [row.status, 'queued'] },
    });
    return jobView((await store.getJobRow(trx, id))!);
  });
}

/** Run a job now, outside its schedule (a recurring job's slot is unaffected). */
export async function runJobNow(
  ctx: Ctx,
  defs: readonly JobDefinition[],
  kind: string,
): Promise<JobView> {
  ctx.can('write', 'job');
  const def = defs.find((d) => d.kind === kind);
  if (!def)
    throw new AppError('validation', `kind: no job named ${kind}`, {
      issues: [{ path: 'kind', message: `one of ${defs.map((d) => d.kind).join(', ')}` }],
    });
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.now();
    const key = `${kind}@manual:${now.toISOString()}:${ctx.actor.id}`;
    await store.enqueueJob(
      trx,
      { kind, key, runAt: now, maxAttempts: maxAttemptsOf(def), payload: { manual: true } },
      now,
    );
    const row = (await trx
      .selectFrom('jobs')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirst())!;
    await recordAudit(ctx, trx, {
      entity: 'job',
      entityId: row.id,
      action: 'run',
      changes: { kind: [null, kind] },
    });
    return jobView(row);
  });
}

/** Forget finished jobs: succeeded ones after 7 days, failed ones after 90. */
export async function pruneJobs(ctx: Ctx): Promise<number> {
  const t = ctx.now().getTime();
  return store.deleteFinished(ctx.db, {
    succeededBefore: new Date(t - 7 * DAY).toISOString(),
    failedBefore: new Date(t - 90 * DAY).toISOString(),
  });
}
