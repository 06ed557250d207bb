import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../core/errors.js';
import {
  readBatches,
  type CsvRecord,
  type CsvSource,
  type Encoding,
  type ReadOptions,
  type SkippedRecord,
} from './csv.js';

/**
 * Parsing a large file in a worker thread while the main thread validates and writes the
 * previous batch: SQLite calls are synchronous, so on one thread the two only add up.
 */

export interface WorkerInput {
  path: string;
  delimiter: string;
  encoding: Encoding;
  credits: number;
}

export type WorkerMessage =
  | { kind: 'batch'; records: CsvRecord[]; done: number }
  | { kind: 'skip'; skip: SkippedRecord }
  | { kind: 'end' }
  | { kind: 'error'; message: string };

// Compiled builds have parse-worker.js next to this file; under a TypeScript test runner
// there is no JavaScript to start a worker from, so parsing stays on this thread.
const WORKER_URL = new URL('./parse-worker.js', import.meta.url);
const WORKER_AVAILABLE = import.meta.url.endsWith('.js') && existsSync(fileURLToPath(WORKER_URL));

/** Below this size a worker costs more to start than it saves. */
const MIN_WORKER_BYTES = 4 * 1024 * 1024;
const IN_FLIGHT = 4;

export function parsesInWorker(source: CsvSource): boolean {
  return WORKER_AVAILABLE && source.path !== null && source.size >= MIN_WORKER_BYTES;
}

async function* inWorker(
  source: CsvSource & { path: string },
  opts: ReadOptions,
): AsyncGenerator<CsvRecord[]> {
  const input: WorkerInput = {
    path: source.path,
    delimiter: opts.delimiter,
    encoding: opts.encoding,
    credits: IN_FLIGHT,
  };
  const worker = new Worker(WORKER_URL, { workerData: input });
  const queue: WorkerMessage[] = [];
  let wake: (() => void) | null = null;
  const push = (m: WorkerMessage) => {
    queue.push(m);
    const w = wake;
    wake = null;
    w?.();
  };
  worker.on('message', push);
  worker.on('error', (err) => push({ kind: 'error', message: err.message }));
  worker.on('exit', () => push({ kind: 'error', message: 'the CSV reader stopped early' }));
  try {
    for (;;) {
      const m = queue.shift();
      if (!m) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if (m.kind === 'batch') {
        opts.onProgress?.(m.done);
        // Ask for the next batch before working on this one, so parsing overlaps.
        worker.postMessage(1);
        yield m.records;
      } else if (m.kind === 'skip') opts.onSkip(m.skip);
      else if (m.kind === 'end') return;
      else
        throw new AppError(
          'validation',
          m.message.startsWith('file:') ? m.message : 'file: cannot be read as CSV',
        );
    }
  } finally {
    worker.removeAllListeners();
    await worker.terminate();
  }
}

/** Record batches of a file, parsed on a worker thread when that pays off. */
export function batchesOf(source: CsvSource, opts: ReadOptions): AsyncGenerator<CsvRecord[]> {
  if (parsesInWorker(source)) return inWorker(source as CsvSource & { path: string }, opts);
  return readBatches(source, opts);
}
