import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
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
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage(String(err && err.message ? err.message : err));
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

export interface Checkpointer {
  stop(): Promise<void>;
}

/** Start background checkpoints for an SQLite handle; on PostgreSQL nothing to do. */
export function startWalCheckpointer(
  handle: DbHandle,
  opts: { everyMs?: number; onError?: (message: string) => void } = {},
): Checkpointer | null {
  if (handle.dialect !== 'sqlite' || !handle.file || !handle.native) return null;
  // 10,000 pages (~40 MB): only reached if the worker cannot keep up.
  handle.native.pragma('wal_autocheckpoint = 10000');
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { driver, file: handle.file, everyMs: opts.everyMs ?? CHECKPOINT_EVERY_MS },
  });
  worker.on('message', (m: unknown) => opts.onError?.(String(m)));
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
