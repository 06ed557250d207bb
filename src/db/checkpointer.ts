import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import type { DbHandle } from './database.js';

/**
 * SQLite's WAL is copied back into the database file by a checkpoint, which by default
 * runs inside whichever commit crosses the threshold: that commit then also writes and
 * fsyncs the database file, and every request waiting on it waits too. The server runs
 * checkpoints on a worker thread instead, with its own connection, every `everyMs`;
 * PASSIVE checkpoints never block the writer. The writer's own automatic checkpoint stays
 * as a safety net at a higher threshold, should the worker fall behind or stop.
 */

const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ log: r.log });
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message ? err.message : err) });
  }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Often, so each checkpoint is small: its fsync of the database file and the writer's WAL
 * fdatasync share the disk, and a second's worth of pages made commits wait 20–70 ms.
 */
const CHECKPOINT_EVERY_MS = 250;

/**
 * The WAL file starts over only after a checkpoint that reaches its end with no write in
 * between. Under steady writes the worker's never quite does, so the WAL grew until the
 * writer's own automatic checkpoint ran inside some commit, on the event loop, for ~35 ms.
 * Past this many frames the server finishes the worker's checkpoint itself, between
 * transactions, when little is left to copy; the next write then starts the WAL over.
 */
const FINISH_AFTER_FRAMES = 4_000;

/** After each checkpoint, the WAL's size in frames; or what went wrong. */
type WorkerMessage = { log: number } | { error: string };

export interface Checkpointer {
  stop(): Promise<void>;
}

/** Start background checkpoints for an SQLite handle; on PostgreSQL nothing to do. */
export function startWalCheckpointer(
  handle: DbHandle,
  opts: { everyMs?: number; finishAfterFrames?: number; onError?: (message: string) => void } = {},
): Checkpointer | null {
  if (handle.dialect !== 'sqlite' || !handle.file || !handle.native) return null;
  // 20,000 pages (~80 MB): only reached if the worker cannot keep up.
  handle.native.pragma('wal_autocheckpoint = 20000');
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { driver, file: handle.file, everyMs: opts.everyMs ?? CHECKPOINT_EVERY_MS },
  });
  const finishAfter = opts.finishAfterFrames ?? FINISH_AFTER_FRAMES;
  let finishing = false;
  worker.on('message', (m: WorkerMessage) => {
    if ('error' in m) return opts.onError?.(m.error);
    if (finishing || m.log < finishAfter) return;
    finishing = true;
    // Through Kysely, so it waits for a transaction in progress on the connection.
    void sql`pragma wal_checkpoint(PASSIVE)`
      .execute(handle.db)
      .catch((err: unknown) => opts.onError?.(err instanceof Error ? err.message : String(err)))
      .finally(() => (finishing = false));
  });
  worker.on('error', (err) => opts.onError?.(err.message));
  worker.unref();
  return {
    async stop() {
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('stop');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      await worker.terminate();
      handle.native?.pragma('wal_autocheckpoint = 1000');
    },
  };
}
