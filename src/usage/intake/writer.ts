import type { Ctx } from '../../core/context.js';
import { AppError } from '../../core/errors.js';
import type { EventResult } from './model.js';
import { writeSubmitted, type Submitted } from './service.js';

export interface WriterOptions {
  /** Events waiting beyond this answer 429: the client retries, nothing is dropped. */
  maxQueuedEvents: number;
  /** Events committed together in one transaction (group commit). */
  maxGroupEvents: number;
  /**
   * Transactions in flight at once. SQLite has one writer, so 1; on PostgreSQL a second
   * lets the server prepare one group while the database writes the other.
   */
  concurrency?: number;
}

export const DEFAULT_WRITER: WriterOptions = { maxQueuedEvents: 50_000, maxGroupEvents: 5_000 };

interface Job {
  items: Submitted[];
  resolve(results: EventResult[]): void;
  reject(err: unknown): void;
}

/**
 * Group commit: requests that arrive while a transaction is being written wait, and are
 * then written together in the next one. Every request is answered only after the
 * transaction holding its events has committed, so an acknowledged event is durable.
 */
export class IngestWriter {
  private queue: Job[] = [];
  private queued = 0;
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly ctx: Ctx,
    private readonly opts: WriterOptions = DEFAULT_WRITER,
  ) {}

  /** Events waiting for a transaction or in one. */
  get backlog(): number {
    return this.queued;
  }

  submit(items: Submitted[]): Promise<EventResult[]> {
    if (this.queued > 0 && this.queued + items.length > this.opts.maxQueuedEvents) {
      throw new AppError('rate_limited', 'the intake is busy; retry shortly', { retryAfter: 1 });
    }
    return new Promise<EventResult[]>((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      this.queued += items.length;
      this.schedule();
    });
  }

  /**
   * Start the next group on a later turn of the event loop, so requests that arrived
   * meanwhile join it: better-sqlite3 is synchronous, and without yielding every group
   * would hold one request.
   */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < (this.opts.concurrency ?? 1) && this.queue.length > 0) {
      const group: Job[] = [];
      let size = 0;
      while (
        this.queue.length > 0 &&
        (group.length === 0 || size + this.queue[0]!.items.length <= this.opts.maxGroupEvents)
      ) {
        const job = this.queue.shift()!;
        group.push(job);
        size += job.items.length;
      }
      this.inFlight += 1;
      void this.write(group).finally(() => {
        this.inFlight -= 1;
        this.queued -= size;
        if (this.queue.length > 0) this.schedule();
      });
    }
  }

  private async write(group: Job[]): Promise<void> {
    try {
      const results = await writeSubmitted(
        this.ctx,
        group.flatMap((j) => j.items),
      );
      let at = 0;
      for (const job of group) {
        job.resolve(results.slice(at, at + job.items.length));
        at += job.items.length;
      }
    } catch (err) {
      if (group.length === 1) {
        group[0]!.reject(err);
        return;
      }
      // One request's trouble must not fail the others it was grouped with.
      for (const job of group) await this.write([job]);
    }
  }
}
