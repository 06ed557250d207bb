import { hostname } from 'node:os';
import type { Ctx } from '../core/context.js';
import {
  backoffMs,
  dueSlot,
  slotKey,
  DEFAULT_BACKOFF,
  type Backoff,
  type Schedule,
} from './model.js';
import {
  claimJobs,
  enqueueJob,
  extendLease,
  failAbandoned,
  finishAttempt,
  type JobRow,
} from './store.js';

/** What a job is given when it runs. */
export interface JobInput {
  payload: Record<string, unknown>;
  /** The recurring slot this run is for (its due instant, ISO), or null for a one-off job. */
  slot: string | null;
  attempt: number;
  /** Aborted when the process is stopping: a long job should end early (and be safe to rerun). */
  signal: AbortSignal;
}

export interface JobDefinition {
  kind: string;
  /** What it does, for `tenure jobs` and the API. */
  description: string;
  /** Set for recurring jobs: the runner enqueues each due slot once. */
  schedule?: Schedule;
  /** Default 3 for recurring jobs (the next slot comes anyway), 5 for one-off ones. */
  maxAttempts?: number;
  backoff?: Backoff;
  /** Returns what the history shows about the run (counts, ids). Throws to fail the attempt. */
  run(ctx: Ctx, input: JobInput): Promise<unknown>;
}

export interface RunnerOptions {
  /** Names this process in the job history. */
  worker?: string;
  /** How often to look for due work. */
  pollMs?: number;
  /** A claim lapses this long after the worker last renewed it (it renews every third). */
  leaseMs?: number;
  /** Jobs run at once by this process. */
  concurrency?: number;
  log?: (line: string) => void;
  random?: () => number;
}

export const maxAttemptsOf = (d: JobDefinition): number => d.maxAttempts ?? (d.schedule ? 3 : 5);

/**
 * Runs due jobs in this process: enqueues each recurring job's latest due slot (the
 * unique key makes that a no-op for every process but the first), claims due jobs, runs
 * them, and records the outcome. Any number of runners may share one database.
 */
export class JobRunner {
  readonly worker: string;
  private readonly defs: Map<string, JobDefinition>;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly concurrency: number;
  private readonly running = new Map<string, Promise<void>>();
  private readonly lastSlot = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private stepping: Promise<void> | null = null;
  private readonly stopping = new AbortController();

  constructor(
    private readonly ctx: Ctx,
    defs: readonly JobDefinition[],
    private readonly o: RunnerOptions = {},
  ) {
    this.defs = new Map(defs.map((d) => [d.kind, d]));
    this.worker = o.worker ?? `${hostname()}:${process.pid}`;
    this.pollMs = o.pollMs ?? 1_000;
    this.leaseMs = o.leaseMs ?? 60_000;
    this.concurrency = o.concurrency ?? 2;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.wake(0);
  }

  /** Stop claiming; wait for the jobs already running to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.stepping;
    await Promise.allSettled([...this.running.values()]);
  }

  /** Run every due job, and what they enqueue when due, until nothing is due (tests, CLI). */
  async drain(): Promise<void> {
    for (;;) {
      const started = await this.step();
      if (started === 0 && this.running.size === 0) return;
      await Promise.race([...this.running.values()]);
    }
  }

  private wake(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.stepping = this.step()
        .then(() => undefined)
        .catch((err: unknown) => this.log(`job runner: ${messageOf(err)}`))
        .finally(() => {
          this.stepping = null;
          this.wake(this.pollMs);
        });
    }, ms);
    this.timer.unref();
  }

  /** One round: enqueue due slots, then claim and start due jobs. How many started. */
  async step(): Promise<number> {
    const now = this.ctx.now();
    await failAbandoned(this.ctx.db, now);
    await this.enqueueDueSlots(now);
    const free = this.concurrency - this.running.size;
    if (free <= 0) return 0;
    const claimed = await claimJobs(this.ctx.db, this.ctx.dialect, {
      worker: this.worker,
      now,
      leaseMs: this.leaseMs,
      limit: free,
      kinds: [...this.defs.keys()],
    });
    for (const job of claimed) {
      const p = this.execute(job).finally(() => {
        this.running.delete(job.id);
        // A finished job frees a place: look for more now rather than at the next poll.
        if (!this.stopped && !this.stepping) this.wake(0);
      });
      this.running.set(job.id, p);
    }
    return claimed.length;
  }

  private async enqueueDueSlots(now: Date): Promise<void> {
    for (const d of this.defs.values()) {
      if (!d.schedule) continue;
      const slot = dueSlot(d.schedule, now);
      if (this.lastSlot.get(d.kind) === slot.id) continue;
      await enqueueJob(
        this.ctx.db,
        {
          kind: d.kind,
          key: slotKey(d.kind, slot.id),
          payload: { slot: slot.id },
          runAt: slot.dueAt,
          maxAttempts: maxAttemptsOf(d),
        },
        now,
      );
      this.lastSlot.set(d.kind, slot.id);
    }
  }

  private async execute(job: JobRow): Promise<void> {
    const def = this.defs.get(job.kind)!;
    const began = Date.now();
    const name = job.key ?? `${job.kind} ${job.id}`;
    // Renew the claim while the job works, so no other process takes it over.
    const renew = setInterval(
      () => {
        const until = new Date(this.ctx.now().getTime() + this.leaseMs);
        extendLease(this.ctx.db, job.id, this.worker, until).catch(() => undefined);
      },
      Math.max(Math.floor(this.leaseMs / 3), 10),
    );
    renew.unref();
    let outcome: Parameters<typeof finishAttempt>[3];
    try {
      const payload = JSON.parse(job.payload) as Record<string, unknown>;
      const slot = typeof payload.slot === 'string' && def.schedule ? payload.slot : null;
      const result = await def.run(this.ctx, {
        payload,
        slot,
        attempt: job.attempts,
        signal: this.stopping.signal,
      });
      outcome = { status: 'succeeded', result, at: this.ctx.now() };
    } catch (err) {
      const error = messageOf(err);
      const at = this.ctx.now();
      outcome =
        job.attempts < job.max_attempts
          ? {
              status: 'queued',
              error,
              at,
              retryAt: new Date(
                at.getTime() +
                  backoffMs(
                    job.attempts,
                    def.backoff ?? DEFAULT_BACKOFF,
                    (this.o.random ?? Math.random)(),
                  ),
              ),
            }
          : { status: 'failed', error, at };
    } finally {
      clearInterval(renew);
    }
    const kept = await finishAttempt(this.ctx.db, job.id, this.worker, outcome);
    const ms = Date.now() - began;
    if (!kept)
      this.log(`job ${name}: taken over by another worker; this attempt's outcome is dropped`);
    else if (outcome.status === 'succeeded') this.log(`job ${name} succeeded in ${ms} ms`);
    else if (outcome.status === 'queued')
      this.log(
        `job ${name} failed (attempt ${job.attempts} of ${job.max_attempts}), retrying at ${outcome.retryAt.toISOString()}: ${outcome.error}`,
      );
    else this.log(`job ${name} failed for good after ${job.attempts} attempts: ${outcome.error}`);
  }

  private log(line: string): void {
    this.o.log?.(line);
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
