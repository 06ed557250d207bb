/**
 * The load generator of the ingest benchmark, a separate process forked by bench/ingest.ts
 * (so sending and serving do not share an event loop). It receives one LoadJob over IPC,
 * posts /v1/batch over keep-alive connections on loopback, and answers with a LoadResult.
 *
 * Full speed (rate 0): each connection sends its next batch as soon as the last one is
 * acknowledged. Paced (rate > 0): batches are due on a fixed schedule whatever the server
 * does, and latency counts from the scheduled time, so a stall is not hidden by the client
 * waiting for it (no coordinated omission).
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { BATCH_SIZE, batchBody, type IdStyle } from './ingest-events.js';

export interface LoadJob {
  url: string;
  /** The ingest key, sent as the Basic user name. */
  key: string;
  connections: number;
  seconds: number;
  /** Events per second to offer; 0 sends as fast as acknowledgements come back. */
  rate: number;
  /** Event number of the first event sent (phases use disjoint ranges). */
  firstEvent: number;
  ids: IdStyle;
}

export interface LoadResult {
  batches: number;
  events: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** 429 answers (each retried with the same body until stored). */
  busy: number;
  seconds: number;
  eventsPerSecond: number;
  /** Acknowledged events in each whole second of the run. */
  perSecond: number[];
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** p99 latency of the batches acknowledged in each 5-second window of the run. */
  p99By5s: number[];
  /** Event numbers used: [firstEvent, firstEvent + events). */
  lastEvent: number;
  /** CPU seconds this load process used (user + system). */
  cpuSeconds: number;
}

interface Answer {
  status: number;
  body: string;
  retryAfter: string | undefined;
}

function post(agent: http.Agent, url: URL, auth: string, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: '/v1/batch',
        method: 'POST',
        headers: {
          authorization: auth,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            retryAfter: res.headers['retry-after'],
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)]!;
}

export async function runLoad(job: LoadJob): Promise<LoadResult> {
  const url = new URL(job.url);
  const auth = `Basic ${Buffer.from(`${job.key}:`).toString('base64')}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.connections });
  const latencies: number[] = [];
  const byWindow: number[][] = [];
  const perSecond: number[] = [];
  const totals = { batches: 0, accepted: 0, duplicates: 0, rejected: 0, busy: 0 };
  let nextEvent = job.firstEvent;
  const cpuAtStart = process.cpuUsage();
  const started = performance.now();
  const deadline = started + job.seconds * 1000;

  /** Send one batch until stored; latency from `due` (scheduled or actual send time). */
  const sendBatch = async (due: number): Promise<void> => {
    const first = nextEvent;
    nextEvent += BATCH_SIZE;
    const body = batchBody(first, BATCH_SIZE, new Date(), job.ids);
    for (;;) {
      const answer = await post(agent, url, auth, body);
      if (answer.status === 429) {
        totals.busy += 1;
        // As the official clients do: wait out Retry-After, then send the same batch again.
        await sleep(Math.max(1, Number(answer.retryAfter ?? 1)) * 1000);
        continue;
      }
      if (answer.status !== 200)
        throw new Error(`batch at ${first}: HTTP ${answer.status} ${answer.body.slice(0, 300)}`);
      const done = performance.now();
      const out = JSON.parse(answer.body) as {
        accepted: number;
        duplicates: number;
        rejected: number;
      };
      totals.batches += 1;
      totals.accepted += out.accepted;
      totals.duplicates += out.duplicates;
      totals.rejected += out.rejected;
      latencies.push(done - due);
      (byWindow[Math.floor((done - started) / 5000)] ??= []).push(done - due);
      const second = Math.floor((done - started) / 1000);
      perSecond[second] = (perSecond[second] ?? 0) + out.accepted + out.duplicates;
      return;
    }
  };

  if (job.rate <= 0) {
    const worker = async () => {
      while (performance.now() < deadline) await sendBatch(performance.now());
    };
    await Promise.all(Array.from({ length: job.connections }, worker));
  } else {
    const interval = (BATCH_SIZE / job.rate) * 1000;
    const inFlight = new Set<Promise<void>>();
    let failure: unknown = null;
    for (let k = 0; ; k++) {
      const due = started + k * interval;
      if (due >= deadline || failure) break;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const p = sendBatch(due).catch((err: unknown) => {
        failure = err;
      });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
    await Promise.all(inFlight);
    if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
  }
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  const events = nextEvent - job.firstEvent;
  return {
    ...totals,
    events,
    seconds,
    eventsPerSecond: (totals.accepted + totals.duplicates) / seconds,
    perSecond: Array.from(perSecond, (v) => v ?? 0),
    latencyMs: {
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted.length ? sorted[sorted.length - 1]! : 0,
    },
    p99By5s: Array.from(byWindow, (w) => percentile(Float64Array.from(w ?? []).sort(), 99)),
    lastEvent: nextEvent,
    cpuSeconds: (() => {
      const u = process.cpuUsage(cpuAtStart);
      return (u.user + u.system) / 1e6;
    })(),
  };
}

// Forked by bench/ingest.ts: one job in, one result (or error) out.
if (process.send) {
  process.once('message', (job: LoadJob) => {
    runLoad(job).then(
      (result) => process.send!({ ok: true, result }, () => process.exit(0)),
      (err: unknown) =>
        process.send!({ ok: false, error: err instanceof Error ? err.stack : String(err) }, () =>
          process.exit(1),
        ),
    );
  });
}
