import type { Command } from 'commander';
import { loadConfig } from '../core/config.js';
import { makeCtx, SYSTEM } from '../core/context.js';
import { migrateToLatest, openDatabase } from '../db/database.js';
import { builtinJobs } from '../jobs/builtin.js';
import { timeLapse } from '../jobs/clock.js';
import { JobRunner } from '../jobs/runner.js';
import { JOB_STATUSES } from '../jobs/schemas.js';
import {
  getJob,
  jobSchedule,
  listJobs,
  retryJob,
  runJobNow,
  type JobView,
} from '../jobs/service.js';
import type { JobStatus } from '../jobs/store.js';
import { printJson, printTable, withCtx, type RegisterVerb } from './shared.js';

const when = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 19) : '');

function row(j: JobView) {
  return {
    id: j.id,
    job: j.key ?? j.kind,
    status: j.status,
    attempts: `${j.attempts}/${j.maxAttempts}`,
    'run at': when(j.runAt),
    finished: when(j.finishedAt),
    error: (j.lastError ?? '').slice(0, 60),
  };
}

/** Run the job runner in this process until stopped (`tenure worker`, or `serve` by default). */
export function startRunner(
  ctx: ReturnType<typeof makeCtx>,
  o: { concurrency?: number; log: (line: string) => void },
): JobRunner {
  const runner = new JobRunner(ctx, builtinJobs(), { concurrency: o.concurrency, log: o.log });
  runner.start();
  return runner;
}

const stamp = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);

export const registerJobs: RegisterVerb = (program: Command) => {
  program
    .command('worker')
    .description(
      'run scheduled and queued jobs without serving HTTP (start servers with --no-jobs to leave jobs to workers)',
    )
    .option('--concurrency <n>', 'jobs run at once', '2')
    .action(async (o: { concurrency: string }) => {
      const concurrency = Number(o.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16)
        throw new Error(`--concurrency: expected 1–16, got "${o.concurrency}"`);
      const config = loadConfig();
      const handle = openDatabase(config);
      await migrateToLatest(handle.db);
      const lapse = timeLapse(process.env.TENURE_TIME_LAPSE);
      const ctx = makeCtx(handle.db, handle.dialect, { actor: SYSTEM, now: lapse?.now });
      const runner = new JobRunner(ctx, builtinJobs(), {
        concurrency,
        log: stamp,
        // Leases are measured on the job clock: five real seconds at any speed.
        ...(lapse ? { pollMs: 100, leaseMs: 5_000 * lapse.speed } : {}),
      });
      runner.start();
      // The runner's timers do not hold the process open (a server's socket does); here this does.
      const alive = setInterval(() => undefined, 60_000);
      stamp(`worker ${runner.worker} started${lapse ? ` (time-lapse ×${lapse.speed})` : ''}`);
      const stop = async () => {
        stamp('worker stopping: letting running jobs finish');
        await runner.stop();
        clearInterval(alive);
        await handle.destroy();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });

  const jobs = program
    .command('jobs')
    .description('the job queue: the schedule, the history, retries and runs on demand');

  jobs
    .command('schedule', { isDefault: true })
    .description('the recurring jobs: schedule, next run, how the last run went')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) =>
      withCtx(async (ctx) => {
        const items = await jobSchedule(ctx, builtinJobs());
        if (o.json) return printJson({ items });
        printTable(
          items.map((s) => ({
            job: s.kind,
            schedule: s.schedule,
            next: when(s.nextDueAt),
            last: s.last ? `${s.last.status} ${when(s.last.finishedAt ?? s.last.runAt)}` : 'never',
            failed: s.failed,
          })),
          ['job', 'schedule', 'next', 'last', 'failed'],
        );
      }),
    );

  jobs
    .command('list')
    .description('jobs, newest first')
    .option('--status <status>', JOB_STATUSES.join(', '))
    .option('--kind <kind>', 'one job kind, e.g. health.daily')
    .option('--limit <n>', 'jobs to show (default 50)', '50')
    .option('--json', 'print JSON')
    .action(async (o: { status?: string; kind?: string; limit: string; json?: boolean }) => {
      if (o.status && !(JOB_STATUSES as readonly string[]).includes(o.status))
        throw new Error(`--status: one of ${JOB_STATUSES.join(', ')}, got "${o.status}"`);
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500)
        throw new Error(`--limit: expected 1–500, got "${o.limit}"`);
      await withCtx(async (ctx) => {
        const page = await listJobs(ctx, {
          status: o.status as JobStatus | undefined,
          kind: o.kind,
          limit,
        });
        if (o.json) return printJson(page);
        printTable(page.items.map(row), [
          'id',
          'job',
          'status',
          'attempts',
          'run at',
          'finished',
          'error',
        ]);
      });
    });

  jobs
    .command('show <id>')
    .description('one job, with its payload, result and last error')
    .action(async (id: string) => withCtx(async (ctx) => printJson(await getJob(ctx, id))));

  jobs
    .command('retry <id>')
    .description('queue a failed job again from its first attempt')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) =>
      withCtx(async (ctx) => {
        const j = await retryJob(ctx, id);
        if (o.json) return printJson(j);
        process.stdout.write(
          `Queued ${j.kind} ${j.id} again; a running server or worker picks it up.\n`,
        );
      }),
    );

  jobs
    .command('run <kind>')
    .description('run a job now, outside its schedule (e.g. health.daily)')
    .option('--wait', 'run it in this process and wait for the result, instead of queuing it')
    .option('--json', 'print JSON')
    .action(async (kind: string, o: { wait?: boolean; json?: boolean }) =>
      withCtx(async (ctx) => {
        const defs = builtinJobs();
        const queued = await runJobNow(ctx, defs, kind);
        if (o.wait) {
          // Only this kind, and no slots of its own: this process runs what was just queued.
          const only = defs
            .filter((d) => d.kind === kind)
            .map((d) => ({ ...d, schedule: undefined }));
          const sys = makeCtx(ctx.db, ctx.dialect, { actor: SYSTEM });
          await new JobRunner(sys, only, { log: o.json ? undefined : stamp }).drain();
        }
        const j = await getJob(ctx, queued.id);
        if (o.json) return printJson(j);
        if (!o.wait)
          process.stdout.write(
            `Queued ${kind} as ${j.id}; a running server or worker picks it up.\n`,
          );
        else if (j.status !== 'succeeded') {
          process.exitCode = 1;
          process.stdout.write(`${kind} ${j.status}: ${j.lastError ?? ''}\n`);
        } else process.stdout.write(`${kind} succeeded: ${JSON.stringify(j.result)}\n`);
      }),
    );
};
