import { afterEach, describe, expect, it } from 'vitest';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openSqlite, type DbHandle } from '../../db/database.js';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';

/**
 * Kill -9 the real server while a client sends at full speed, start it again on the same
 * data, and let the client retry what was not acknowledged: every acknowledged event is
 * stored exactly once, nothing sent is lost, and the rollups agree with the raw events.
 * Runs the built CLI (`npm test` builds first).
 */

const run = promisify(execFile);
const BIN = 'bin/tenure.js';
const BATCHES = 600;
const BATCH_SIZE = 100;
const IN_FLIGHT = 8;
/** Three crashes, each after this long at full speed on the (re)started server. */
const KILL_AFTER_MS = [1_500, 900, 1_200];
const DAY = '2026-04-07';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Server {
  child: ChildProcess;
  output(): string;
}

/** `tenure serve` as its own process, once it answers its health check. */
async function serve(env: NodeJS.ProcessEnv, port: number): Promise<Server> {
  const child = spawn('node', [BIN, 'serve', '--port', String(port)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += String(d)));
  child.stderr?.on('data', (d) => (output += String(d)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (r.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`server did not start: ${output}`);
    await sleep(50);
  }
  return { child, output: () => output };
}

async function stop(server: Server, signal: NodeJS.Signals): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill(signal);
  await exited;
}

function batchBody(b: number): string {
  return JSON.stringify({
    sentAt: `${DAY}T12:00:00.000Z`,
    batch: Array.from({ length: BATCH_SIZE }, (_, i) => {
      const n = b * BATCH_SIZE + i;
      return {
        type: 'track',
        messageId: `crash-${b}-${i}`,
        userId: `user-${n % 97}`,
        event: ['Report Created', 'Dashboard Viewed', 'Export Run'][n % 3],
        context: { groupId: `org-${n % 13}` },
        properties: { batch: b, index: i, plan: n % 2 ? 'pro' : 'team' },
        timestamp: `${DAY}T${String(8 + (n % 10)).padStart(2, '0')}:00:00.000Z`,
      };
    }),
  });
}

interface SendReport {
  acknowledged: Set<string>;
  networkErrors: number;
  refusals: number;
  /** Events a retry found already stored: committed, but the answer died with the server. */
  duplicates: number;
}

/**
 * IN_FLIGHT workers post the batches at full speed; each retries its batch, byte for byte
 * (same messageIds), until a 200, and only then records its events as acknowledged.
 */
function sender(
  url: string,
  authorization: string,
): { done: Promise<void>; report: SendReport; acked: () => number } {
  const report: SendReport = {
    acknowledged: new Set(),
    networkErrors: 0,
    refusals: 0,
    duplicates: 0,
  };
  let next = 0;
  let ackedBatches = 0;
  const worker = async () => {
    for (let b = next++; b < BATCHES; b = next++) {
      const body = batchBody(b);
      for (;;) {
        let res: Response;
        let text: string;
        try {
          res = await fetch(`${url}/v1/batch`, {
            method: 'POST',
            headers: { authorization, 'content-type': 'application/json' },
            body,
            signal: AbortSignal.timeout(20_000),
          });
          text = await res.text();
        } catch {
          report.networkErrors += 1;
          await sleep(25);
          continue;
        }
        if (res.status !== 200) {
          if (res.status !== 429 && res.status < 500)
            throw new Error(`batch ${b}: ${res.status} ${text}`);
          report.refusals += 1;
          await sleep(res.status === 429 ? 100 : 25);
          continue;
        }
        const out = JSON.parse(text) as {
          duplicates: number;
          results: { messageId: string; status: string }[];
        };
        for (const r of out.results) {
          if (r.status !== 'accepted' && r.status !== 'duplicate')
            throw new Error(`batch ${b}: event ${r.messageId} ${r.status}`);
          report.acknowledged.add(r.messageId);
        }
        report.duplicates += out.duplicates;
        ackedBatches += 1;
        break;
      }
    }
  };
  const done = Promise.all(Array.from({ length: IN_FLIGHT }, worker)).then(() => undefined);
  return { done, report, acked: () => ackedBatches };
}

const num = (v: unknown) => Number(v);

async function storedFacts(h: DbHandle) {
  const db = h.db;
  const ids = await db.selectFrom('events').select('message_id').execute();
  const one = async (
    table: 'usage_daily_user' | 'usage_daily_event' | 'product_users' | 'event_catalog',
    column: 'events' | 'volume',
  ) => {
    const r = await db
      .selectFrom(table)
      .select((eb) => eb.fn.sum<number>(eb.ref(column)).as('n'))
      .executeTakeFirstOrThrow();
    return num(r.n);
  };
  return {
    ids: ids.map((r) => r.message_id),
    userDayEvents: await one('usage_daily_user', 'events'),
    eventDayEvents: await one('usage_daily_event', 'events'),
    userEvents: await one('product_users', 'events'),
    catalogVolume: await one('event_catalog', 'volume'),
  };
}

for (const dialect of testDialects()) {
  describe(`kill -9 during ingest on ${dialect}`, () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const c of cleanup.splice(0).reverse()) await c();
    });

    it('keeps every acknowledged event exactly once across three crashes and restarts', async () => {
      if (!existsSync('dist/src/cli/main.js'))
        throw new Error('this test runs the built CLI: run `npm run build` (npm test does)');
      const env: NodeJS.ProcessEnv = { ...process.env };
      let verify: () => Promise<DbHandle>;
      if (dialect === 'sqlite') {
        const dir = mkdtempSync(join(tmpdir(), 'tenure-crash-'));
        cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
        env.TENURE_DATA_DIR = dir;
        delete env.DATABASE_URL;
        verify = async () => openSqlite(join(dir, 'tenure.db'));
      } else {
        const db: TestDb = await freshTestDb('postgres');
        cleanup.push(() => db.destroy());
        env.DATABASE_URL = db.location;
        verify = async () => ({ ...db, destroy: async () => undefined });
      }
      const { stdout } = await run(
        'node',
        [BIN, 'keys', 'create', '--scope', 'ingest', '--name', 'crash test', '--json'],
        { env },
      );
      const { secret } = JSON.parse(stdout) as { secret: string };
      const authorization = `Basic ${Buffer.from(`${secret}:`).toString('base64')}`;

      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      let server = await serve(env, port);
      cleanup.push(() => stop(server, 'SIGKILL'));

      const load = sender(url, authorization);
      const failed = load.done.then(
        () => null,
        (err: unknown) => err,
      );
      for (const [k, runFor] of KILL_AFTER_MS.entries()) {
        // Full speed for a while (or an eighth of the way), then pull the plug.
        const before = load.acked();
        const started = Date.now();
        while (Date.now() - started < runFor && load.acked() - before < BATCHES / 8) await sleep(5);
        expect(load.acked(), `no progress before kill ${k + 1}`).toBeGreaterThan(before);
        await stop(server, 'SIGKILL');
        expect(server.child.signalCode).toBe('SIGKILL');
        // Durable acknowledgement: all the client was told is stored is on disk, before any
        // restart or retry could put it back.
        const acknowledged = [...load.report.acknowledged];
        const h = await verify();
        try {
          const ids = await h.db.selectFrom('events').select('message_id').execute();
          const stored = new Set(ids.map((r) => r.message_id));
          expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
        } finally {
          await h.destroy();
        }
        server = await serve(env, port);
      }
      expect(await failed).toBeNull();
      await stop(server, 'SIGTERM');
      const report = load.report;

      const total = BATCHES * BATCH_SIZE;
      // The kills hit requests in flight: they failed and were sent again.
      expect(report.networkErrors).toBeGreaterThan(0);
      expect(report.acknowledged.size).toBe(total);

      const h = await verify();
      try {
        const facts = await storedFacts(h);
        const stored = new Set(facts.ids);
        // Exactly once: no id twice, none missing, nothing that was not sent.
        expect(facts.ids.length).toBe(total);
        expect(stored.size).toBe(total);
        for (const id of report.acknowledged) expect(stored.has(id)).toBe(true);
        // Every event is product use by a known user in an account: each counts once everywhere.
        expect(facts.userDayEvents).toBe(total);
        expect(facts.eventDayEvents).toBe(total);
        expect(facts.userEvents).toBe(total);
        expect(facts.catalogVolume).toBe(total);
      } finally {
        await h.destroy();
      }
    });
  });
}
