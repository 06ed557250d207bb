import { parentPort, workerData } from 'node:worker_threads';
import { fileSource, readBatches } from './csv.js';
import type { WorkerInput, WorkerMessage } from './parallel.js';

/**
 * Reads and parses a CSV file off the main thread, posting record batches. It stays at
 * most a few batches ahead: the main thread grants credits as it consumes them.
 */
async function run(port: NonNullable<typeof parentPort>, input: WorkerInput): Promise<void> {
  let credits = input.credits;
  let wake: (() => void) | null = null;
  port.on('message', (n: number) => {
    credits += n;
    const w = wake;
    wake = null;
    w?.();
  });
  const send = (m: WorkerMessage) => port.postMessage(m);
  let done = 0;
  try {
    const source = await fileSource(input.path);
    const batches = readBatches(source, {
      delimiter: input.delimiter,
      encoding: input.encoding,
      onSkip: (skip) => send({ kind: 'skip', skip }),
      onProgress: (d) => (done = d),
    });
    for await (const records of batches) {
      while (credits <= 0) await new Promise<void>((resolve) => (wake = resolve));
      credits--;
      send({ kind: 'batch', records, done });
    }
    send({ kind: 'end' });
  } catch (err) {
    send({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
  } finally {
    port.close();
  }
}

if (parentPort) void run(parentPort, workerData as WorkerInput);
