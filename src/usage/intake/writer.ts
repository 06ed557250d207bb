import { performance } from 'node:perf_hooks';
import type { Ctx } from '../../core/context.js';
import { AppError } from '../../core/errors.js';
import type { EventResult } from './model.js';
import { KnownUserEvents, RollupBacklog } from './backlog.js';
import { cutIntoSlices, flushBacklog, rollUpStranded, writeSlice } from './apply.js';
import { writeSubmitted, type Submitted } from './service.js';

export interface WriterOptions {
  /** Events waiting beyond this answer 429: the client retries, nothing is dropped. */
  maxQueuedEvents: number;
  /** Events committed together in one transaction (group commit). */
  maxGroupEvents: number;
  /**
   * Groups in flight at once. With 2, the server prepares and writes one group while the
   * other's commit reaches the disk (SQLite: its WAL fdatasync; PostgreSQL: the database
   * writes it). SQLite still runs one transaction at a time.
   */
  concurrency?: number;
  /**
   * While busy, a group's events are acknowledged once stored, and the rollups of the
   * groups held this long are then written together, in slices (0: never deferred).
   */
  maxRollupLagMs: number;
  /**
   * Held events beyond this are written at once, whatever their age; while they are, new
   * requests wait (and beyond `maxQueuedEvents`, answer 429).
   */
  maxBacklogEvents: number;
  /** Deferring starts with a group at least this large; then later ones join it. */
  minDeferEvents: number;
  /**
   * Defer only while the event loop is at least this busy (0–1). Writing many groups'
   * rollups at once makes one upsert per touched row instead of one per group, which is
   * what lets a busy server keep up; an idle one rolls up in the acknowledging transaction.
   */
  deferAboveLoad: number;
  /** Events per slice when held rollups are written (see cutIntoSlices). */
  sliceEvents: number;
}

export const DEFAULT_WRITER: WriterOptions = {
  maxQueuedEvents: 50_000,
  maxGroupEvents: 5_000,
  maxRollupLagMs: 500,
  maxBacklogEvents: 100_000,
  minDeferEvents: 200,
  deferAboveLoad: 0.5,
  sliceEvents: 1_500,
};

/** How long writes must pause before deferred rollups are written on their own. */
const IDLE_FLUSH_MS = 250;
/** How long to wait after a failed cut before the next try. */
const CUT_RETRY_MS = 1_000;
/** A group formed this soon after the last one ended follows it back to back. */
const BACK_TO_BACK_MS = 100;

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
  /** When the last transaction ended, and the timer that rolls up once writes pause. */
  private lastWriteEnd = 0;
  private idleTimer: NodeJS.Timeout | null = null;
  private elu = performance.eventLoopUtilization();
  private eluAt = Date.now();
  private loopBusy = 0;
  /** A cut or a slice is being written (one at a time), and whether one was the last. */
  private sliceBusy = false;
  private lastWasSlice = false;
  /** After a failed cut, not before this (epoch ms). */
  private cutRetryAt = 0;
  private readonly rollups = new RollupBacklog();
  private readonly known = new KnownUserEvents();
  /** Until the groups a stopped server left are rolled up, new groups wait. */
  private ready: Promise<void>;

  private readonly opts: WriterOptions;

  constructor(
    private readonly ctx: Ctx,
    opts: Partial<WriterOptions> = {},
  ) {
    this.opts = { ...DEFAULT_WRITER, ...opts };
    // Groups a server that stopped or crashed left in the backlog table are rolled up first.
    // One another live server still holds is claimed by whichever transaction deletes its
    // row first, so it is rolled up once either way. If this fails the rows stay: the
    // intake.rollups job and the next start try again.
    this.ready = rollUpStranded(ctx).then(
      () => undefined,
      () => undefined,
    );
  }

  /** Stored events whose rollups are still to be written. */
  get rollupBacklog(): number {
    return this.rollups.events;
  }

  /** Roll up everything held; for shutdown and for tests that read the rollups at once. */
  async settle(): Promise<void> {
    await this.ready;
    while (this.inFlight > 0 || this.queue.length > 0) await new Promise((r) => setTimeout(r, 5));
    if (this.rollups.events > 0) await flushBacklog(this.ctx, this.rollups, [], this.known);
  }

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
      void this.ready.then(() => this.pump());
    });
  }

  private pump(): void {
    const b = this.rollups;
    while (this.inFlight < (this.opts.concurrency ?? 1)) {
      if (b.slicing) {
        // A deferred batch is being written slice by slice: a slice, then the requests that
        // queued meanwhile (their groups held behind it), then the next slice. Once half as
        // many events wait behind the batch as are in it, the slices go first: while the
        // server is saturated, batches then shrink rather than grow, and no event waits
        // long for its rollups.
        const groupTurn =
          this.queue.length > 0 &&
          (this.sliceBusy || this.lastWasSlice) &&
          b.groupEvents < Math.min(b.batchEvents / 2, this.opts.maxBacklogEvents);
        if (groupTurn) {
          // Held behind the batch: writeSubmitted defers every group while one is sliced.
          this.startGroup();
          continue;
        }
        if (this.sliceBusy) return;
        this.startSlice();
        continue;
      }
      if (b.groupEvents > 0 && !this.sliceBusy && this.cutDue()) {
        this.startCut();
        continue;
      }
      if (this.queue.length === 0) return;
      this.startGroup();
    }
  }

  /** Held rollups are old or many enough to be written now. */
  private cutDue(): boolean {
    const b = this.rollups;
    if (Date.now() < this.cutRetryAt) return false;
    return (
      b.ageMs(Date.now()) >= this.opts.maxRollupLagMs ||
      b.groupEvents >= this.opts.maxBacklogEvents ||
      (this.queue.length === 0 && this.inFlight === 0 && this.idleFor() >= IDLE_FLUSH_MS)
    );
  }

  private idleFor(): number {
    return Date.now() - this.lastWriteEnd;
  }

  private startGroup(): void {
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
    // Busy: the event loop is at least `deferAboveLoad` busy, requests piled up while the
    // last group was written, and the writer runs back to back. Acknowledge these once
    // stored and roll them up with later ones. Once one group is held, later ones follow it
    // (the rollups keep the order events arrived in), up to `maxBacklogEvents`: past that
    // (the cut failing), a group writes every held rollup with its own. A request arriving
    // at an idle writer never has its rollups deferred.
    const held = this.rollups.groupEvents;
    const defer =
      (held > 0 && held < this.opts.maxBacklogEvents) ||
      ((this.inFlight > 0 || this.idleFor() < BACK_TO_BACK_MS) &&
        size >= this.opts.minDeferEvents &&
        this.opts.maxRollupLagMs > 0 &&
        this.load() >= this.opts.deferAboveLoad);
    this.lastWasSlice = false;
    this.run(
      () => this.write(group, defer),
      () => (this.queued -= size),
    );
  }

  private startCut(): void {
    this.sliceBusy = true;
    this.run(
      () =>
        cutIntoSlices(this.ctx, this.rollups, this.opts.sliceEvents).catch((err: unknown) => {
          this.cutRetryAt = Date.now() + CUT_RETRY_MS;
          throw err;
        }),
      () => (this.sliceBusy = false),
    );
  }

  private startSlice(): void {
    this.sliceBusy = true;
    this.lastWasSlice = true;
    this.run(
      () => writeSlice(this.ctx, this.rollups, this.known),
      () => (this.sliceBusy = false),
    );
  }

  /** Run one transaction's work, then look for the next. */
  private run(work: () => Promise<void>, after: () => void): void {
    this.inFlight += 1;
    void work()
      // A failed cut or slice leaves its rows in the table: the next try, the intake.rollups
      // job or the next start writes them. A failed group has answered its requests.
      .catch(() => undefined)
      .finally(() => {
        this.inFlight -= 1;
        after();
        this.lastWriteEnd = Date.now();
        if (this.queue.length > 0 || this.rollups.slicing) this.schedule();
        else if (this.rollups.events > 0) this.flushWhenIdle();
      });
  }

  /** The event loop's utilisation over the last quarter second or so. */
  private load(): number {
    if (Date.now() - this.eluAt >= 250) {
      this.loopBusy = performance.eventLoopUtilization(this.elu).utilization;
      this.elu = performance.eventLoopUtilization();
      this.eluAt = Date.now();
    }
    return this.loopBusy;
  }

  /** Write the deferred rollups once no group has been written for a moment. */
  private flushWhenIdle(): void {
    if (this.idleTimer) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.rollups.events === 0) return;
      if (this.idleFor() < IDLE_FLUSH_MS || this.inFlight > 0) {
        this.flushWhenIdle();
        return;
      }
      void this.ready.then(() => {
        this.pump();
        // Nothing started (a failed cut waits before its next try): look again later.
        if (this.inFlight === 0 && this.rollups.events > 0) this.flushWhenIdle();
      });
    }, IDLE_FLUSH_MS);
    this.idleTimer.unref();
  }

  private async write(group: Job[], defer: boolean): Promise<void> {
    try {
      const results = await writeSubmitted(
        this.ctx,
        group.flatMap((j) => j.items),
        { backlog: this.rollups, defer, known: this.known },
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
      for (const job of group) await this.write([job], false);
    }
  }
}
