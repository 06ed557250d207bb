/**
 * Event intake throughput: the real server (`tenure serve`, embedded SQLite by default)
 * takes /v1/batch from a separate load process on loopback, then the same events are
 * inserted raw with prepared statements in the same run, as the baseline.
 *
 *   npm run bench:ingest                          # 60 s at full speed, then 30 s paced
 *   npm run bench:ingest -- --seconds 10          # a quick run
 *   npm run bench:ingest -- --pg                  # PostgreSQL (database tenure_bench_test)
 *   npm run bench:ingest -- --cpu-prof /tmp/prof  # CPU profile of the server, summarised
 *
 * Options: --seconds N (full-speed phase), --paced-seconds N (default min(N, 30)),
 * --paced-rate N (events/s in the paced phase instead of half the full rate),
 * --connections N (default 32), --warmup N (seconds, default 3), --pg, --cpu-prof DIR,
 * --root DIR (measure the server built in another checkout, e.g. a prototype),
 * --ids uuid|segment (random v4 messageIds, the default, or Segment's time-prefixed ones).
 * PostgreSQL: BENCH_DATABASE_URL or TEST_DATABASE_URL names the server to use (default
 * postgres://postgres@127.0.0.1:5432/test); the bench creates tenure_bench_test and
 * tenure_bench_baseline_test there (through the `postgres` database) and drops them after.
 */
import { execFile, fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { migrateToLatest, openPostgres, openSqlite } from '../src/db/database.js';
import { assertTestDatabaseName } from '../src/db/testing.js';
import {
  ACCOUNTS,
  BATCH_SIZE,
  batchBody,
  benchEvent,
  ID_STYLES,
  USERS_PER_ACCOUNT,
  type IdStyle,
} from './ingest-events.js';
import type { LoadJob, LoadResult } from './ingest-load.js';

const run = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
/** The checkout whose server is measured: this one, or another build (`--root DIR`). */
let ROOT = resolve(HERE, '..', '..');
const bin = () => join(ROOT, 'bin', 'tenure.js');

interface Options {
  seconds: number;
  pacedSeconds: number;
  /** Events/s offered in the paced phase; null: half the full rate. */
  pacedRate: number | null;
  connections: number;
  warmup: number;
  pg: boolean;
  cpuProf: string | null;
  root: string | null;
  ids: IdStyle;
}

function options(argv: string[]): Options {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const number = (name: string, fallback: number, min = 1): number => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const n = Number(raw.replace(/_/g, ''));
    if (!Number.isFinite(n) || n < min)
      throw new Error(`${name}: expected a number ≥ ${min}, got ${raw}`);
    return n;
  };
  const seconds = number('--seconds', 60);
  return {
    seconds,
    pacedSeconds: number('--paced-seconds', Math.min(seconds, 30)),
    pacedRate: value('--paced-rate') === undefined ? null : number('--paced-rate', 0),
    connections: number('--connections', 32),
    warmup: number('--warmup', 3, 0),
    pg: argv.includes('--pg'),
    cpuProf: argv.includes('--cpu-prof') ? resolve(value('--cpu-prof') ?? 'ingest-profile') : null,
    root: value('--root') ?? null,
    ids: idStyle(value('--ids') ?? 'uuid'),
  };
}

function idStyle(raw: string): IdStyle {
  const style = ID_STYLES.find((s) => s === raw);
  if (!style) throw new Error(`--ids: expected ${ID_STYLES.join(' or ')}, got ${raw}`);
  return style;
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => done(port));
    });
    s.on('error', fail);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${n.toFixed(1)} ms`;

// ---------------------------------------------------------------------------------------
// Where the data lives

interface Target {
  label: string;
  env: NodeJS.ProcessEnv;
  /** Counts that say whether the rollups are current with the raw events. */
  facts(): Promise<Facts>;
  /** Events stored but not rolled up yet (deferred while the intake is saturated). */
  backlog(): Promise<{ events: number; oldestAt: string | null }>;
  cleanup(): Promise<void>;
}

interface Facts {
  events: number;
  userDays: number;
  eventDays: number;
  users: number;
  catalog: number;
}

const FACTS_SQL = {
  events: 'select count(*) as n from events',
  userDays: 'select coalesce(sum(events), 0) as n from usage_daily_user',
  eventDays: 'select coalesce(sum(events), 0) as n from usage_daily_event',
  users: 'select coalesce(sum(events), 0) as n from product_users',
  catalog: 'select coalesce(sum(volume), 0) as n from event_catalog',
};
const BACKLOG_SQL =
  'select coalesce(sum(events), 0) as n, min(created_at) as oldest from intake_rollup_backlog';

function pgUrl(database: string): string {
  const base =
    process.env.BENCH_DATABASE_URL ??
    process.env.TEST_DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/test';
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Drop (and create again, unless `dropOnly`) a database whose name says it is for tests. */
async function recreateDatabase(database: string, dropOnly = false): Promise<string> {
  assertTestDatabaseName(database);
  const admin = new pg.Client({ connectionString: pgUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${database} with (force)`);
    if (!dropOnly) await admin.query(`create database ${database}`);
  } finally {
    await admin.end();
  }
  return pgUrl(database);
}

async function sqliteTarget(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'tenure-bench-ingest-'));
  const env: NodeJS.ProcessEnv = { ...process.env, TENURE_DATA_DIR: dir };
  delete env.DATABASE_URL;
  return {
    label: 'embedded SQLite (WAL, synchronous=FULL)',
    env,
    facts: async () => {
      const db = new SQLite(join(dir, 'tenure.db'), { readonly: true });
      try {
        const get = (q: string) => Number((db.prepare(q).get() as { n: number }).n);
        return {
          events: get(FACTS_SQL.events),
          userDays: get(FACTS_SQL.userDays),
          eventDays: get(FACTS_SQL.eventDays),
          users: get(FACTS_SQL.users),
          catalog: get(FACTS_SQL.catalog),
        };
      } finally {
        db.close();
      }
    },
    backlog: async () => {
      const db = new SQLite(join(dir, 'tenure.db'), { readonly: true });
      try {
        // A server built before the backlog existed (--root) has no table: nothing waits.
        const has = db
          .prepare("select 1 from sqlite_master where name = 'intake_rollup_backlog'")
          .get();
        if (!has) return { events: 0, oldestAt: null };
        const r = db.prepare(BACKLOG_SQL).get() as { n: number; oldest: string | null };
        return { events: Number(r.n), oldestAt: r.oldest };
      } finally {
        db.close();
      }
    },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function postgresTarget(): Promise<Target> {
  const url = await recreateDatabase('tenure_bench_test');
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url };
  return {
    label: `PostgreSQL (${new URL(url).host}/tenure_bench_test)`,
    env,
    facts: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        const get = async (q: string) => Number((await c.query<{ n: string }>(q)).rows[0]!.n);
        return {
          events: await get(FACTS_SQL.events),
          userDays: await get(FACTS_SQL.userDays),
          eventDays: await get(FACTS_SQL.eventDays),
          users: await get(FACTS_SQL.users),
          catalog: await get(FACTS_SQL.catalog),
        };
      } finally {
        await c.end();
      }
    },
    backlog: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        const r = (await c.query<{ n: string; oldest: string | null }>(BACKLOG_SQL)).rows[0]!;
        return { events: Number(r.n), oldestAt: r.oldest };
      } finally {
        await c.end();
      }
    },
    cleanup: async () => {
      await recreateDatabase('tenure_bench_test', true);
    },
  };
}

// ---------------------------------------------------------------------------------------
// The server and the load process

interface Server {
  url: string;
  /** CPU seconds (user + system) the server process has used so far; null off Linux. */
  cpuSeconds(): number | null;
  stop(): Promise<void>;
}

/** CPU seconds used so far by PostgreSQL backends serving `database` (Linux, same host). */
function backendCpuSeconds(database: string): number | null {
  try {
    let total = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let cmd: string;
      try {
        cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      if (cmd.startsWith('postgres:') && cmd.includes(` ${database} `))
        total += procCpuSeconds(Number(pid)) ?? 0;
    }
    return total;
  } catch {
    return null;
  }
}

/** utime + stime of a process from /proc, in seconds (clock ticks of 1/100 s). */
function procCpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

async function startServer(target: Target, cpuProf: string | null): Promise<Server> {
  const port = await freePort();
  const nodeArgs = cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`] : [];
  const child: ChildProcess = spawn(
    process.execPath,
    [...nodeArgs, bin(), 'serve', '--port', String(port)],
    { env: target.env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (d) => (output += String(d)));
  child.stderr?.on('data', (d) => (output += String(d)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`server did not start: ${output}`);
    await sleep(100);
  }
  return {
    url,
    cpuSeconds: () => procCpuSeconds(child.pid),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** One phase of load from a forked process. */
async function load(job: LoadJob): Promise<LoadResult> {
  const child = fork(join(HERE, 'ingest-load.js'), [], { stdio: 'inherit' });
  return new Promise((done, fail) => {
    child.once('message', (m: { ok: boolean; result?: LoadResult; error?: string }) => {
      if (m.ok && m.result) done(m.result);
      else fail(new Error(`load process: ${m.error}`));
    });
    child.once('exit', (code) => {
      if (code !== 0) fail(new Error(`load process exited with ${code}`));
    });
    child.send(job);
  });
}

// ---------------------------------------------------------------------------------------
// The baseline: the same events, raw, through prepared statements

const SOURCE_ID = 'key_01kbench0000000000000000';
const ACCOUNT_IDS = Array.from(
  { length: ACCOUNTS },
  (_, i) => `acc_01kbench${String(i).padStart(4, '0')}000000000000`,
);

interface RawRow {
  values: [string, number, string, string, string, string, string, string, string, string];
}

/**
 * The row the intake stores for event n (account ids stand in for resolved ones). Like the
 * load generator's, each 100-event batch carries its own send time, 4 ms after the last
 * (25,000 events/s): the de-duplication key grows with time as it does under load.
 */
function rawRow(n: number, start: number, ids: IdStyle): RawRow {
  const at = new Date(start + Math.floor(n / BATCH_SIZE) * 4).toISOString();
  const e = benchEvent(n, at, ids);
  const account = Number((e.context.groupId as string).slice(5));
  return {
    values: [
      SOURCE_ID,
      Date.parse(e.timestamp),
      e.messageId,
      e.type,
      e.event,
      e.userId,
      ACCOUNT_IDS[account]!,
      e.timestamp,
      at,
      JSON.stringify(e),
    ],
  };
}

const INSERT_COLUMNS =
  'insert into events (source_id, client_ms, message_id, type, event, user_key, account_id, ts, received_at, payload)';
const ON_CONFLICT = 'on conflict (source_id, client_ms, message_id) do nothing';

/**
 * Insert events [0, count) into a fresh, migrated database (same table, same unique
 * (source_id, client_ms, message_id) index, same received_at index) in transactions of `perTx` rows.
 * Rows are built outside the clock: only the database work is timed.
 */
async function sqliteBaseline(count: number, perTx: number, ids: IdStyle): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tenure-bench-raw-'));
  try {
    const file = join(dir, 'raw.db');
    const h = openSqlite(file);
    await migrateToLatest(h.db);
    await h.destroy();
    const db = new SQLite(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('cache_size = -65536');
    const insert = db.prepare(
      `${INSERT_COLUMNS} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ${ON_CONFLICT}`,
    );
    const write = db.transaction((rows: RawRow[]) => {
      for (const r of rows) insert.run(...r.values);
    });
    const start = Date.now();
    let timed = 0;
    for (let first = 0; first < count; first += perTx) {
      const rows: RawRow[] = [];
      for (let n = first; n < Math.min(count, first + perTx); n++) rows.push(rawRow(n, start, ids));
      const t = performance.now();
      write(rows);
      timed += performance.now() - t;
    }
    const stored = (db.prepare('select count(*) as n from events').get() as { n: number }).n;
    db.close();
    if (stored !== count) throw new Error(`baseline stored ${stored} of ${count}`);
    return count / (timed / 1000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** PostgreSQL: one prepared 100-row INSERT per statement, `perTx` rows per transaction. */
async function postgresBaseline(count: number, perTx: number, ids: IdStyle): Promise<number> {
  const url = await recreateDatabase('tenure_bench_baseline_test');
  const h = openPostgres(url, 1);
  await migrateToLatest(h.db);
  await h.destroy();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const params = (k: number) =>
      `(${Array.from({ length: 10 }, (_, j) => `$${k * 10 + j + 1}`).join(', ')})`;
    const text = `${INSERT_COLUMNS} values ${Array.from({ length: BATCH_SIZE }, (_, k) => params(k)).join(', ')} ${ON_CONFLICT}`;
    const start = Date.now();
    let timed = 0;
    for (let first = 0; first < count; first += perTx) {
      const statements: (string | number)[][] = [];
      const end = Math.min(count, first + perTx);
      for (let s = first; s < end; s += BATCH_SIZE) {
        const values: (string | number)[] = [];
        for (let n = s; n < s + BATCH_SIZE; n++) values.push(...rawRow(n, start, ids).values);
        statements.push(values);
      }
      const t = performance.now();
      await c.query('begin');
      for (const values of statements) await c.query({ name: 'raw_insert', text, values });
      await c.query('commit');
      timed += performance.now() - t;
    }
    const stored = Number(
      (await c.query<{ n: string }>('select count(*) as n from events')).rows[0]!.n,
    );
    const expected = Math.ceil(count / BATCH_SIZE) * BATCH_SIZE;
    if (stored !== expected) throw new Error(`baseline stored ${stored} of ${expected}`);
    return stored / (timed / 1000);
  } finally {
    await c.end();
    await recreateDatabase('tenure_bench_baseline_test', true);
  }
}

// ---------------------------------------------------------------------------------------
// The CPU profile of the server, summarised

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

function where(url: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  const d = /\/dist\/(src\/.+)$/.exec(url);
  if (d) return d[1]!;
  if (url.startsWith('node:')) return url;
  return url ? url.replace(/^file:\/\//, '') : '(native)';
}

function summariseProfile(dir: string): void {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!files[0]) {
    console.log(`no CPU profile in ${dir}`);
    return;
  }
  const prof = JSON.parse(readFileSync(files[0], 'utf8')) as {
    nodes: ProfileNode[];
    startTime: number;
    endTime: number;
  };
  let total = 0;
  const bySelf = new Map<string, number>();
  const byModule = new Map<string, number>();
  for (const n of prof.nodes) {
    const hits = n.hitCount ?? 0;
    total += hits;
    const name = n.callFrame.functionName || '(anonymous)';
    const mod = where(n.callFrame.url);
    const key = `${name}  ${mod}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}`;
    bySelf.set(key, (bySelf.get(key) ?? 0) + hits);
    byModule.set(mod, (byModule.get(mod) ?? 0) + hits);
  }
  const top = (m: Map<string, number>, k: number) =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, k);
  const pct = (v: number) => `${((100 * v) / Math.max(1, total)).toFixed(1).padStart(5)}%`;
  console.log(
    `\nserver CPU profile ${files[0]} (${((prof.endTime - prof.startTime) / 1e6).toFixed(0)} s):`,
  );
  console.log('  self time by module:');
  for (const [k, v] of top(byModule, 14)) console.log(`    ${pct(v)}  ${k}`);
  console.log('  self time by function:');
  for (const [k, v] of top(bySelf, 25)) console.log(`    ${pct(v)}  ${k}`);
}

/**
 * Watch the rollup backlog while load runs: how many events and how old the oldest
 * waiting group got. The intake defers rollups only while requests queue up.
 */
function watchBacklog(target: Target): () => Promise<{ maxEvents: number; maxAgeMs: number }> {
  let maxEvents = 0;
  let maxAgeMs = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const b = await target.backlog();
      maxEvents = Math.max(maxEvents, b.events);
      if (b.oldestAt) maxAgeMs = Math.max(maxAgeMs, Date.now() - Date.parse(b.oldestAt));
      await sleep(200);
    }
  })();
  return async () => {
    running = false;
    await loop;
    return { maxEvents, maxAgeMs };
  };
}

const current = (f: Facts, expected: number) =>
  f.events === expected &&
  f.userDays === expected &&
  f.eventDays === expected &&
  f.users === expected &&
  f.catalog === expected;

/** Milliseconds until every rollup counts all `expected` events (null: not within 10 s). */
async function catchUp(target: Target, expected: number): Promise<number | null> {
  const start = Date.now();
  while (Date.now() - start < 10_000) {
    if (current(await target.facts(), expected)) return Date.now() - start;
    await sleep(50);
  }
  return null;
}

// ---------------------------------------------------------------------------------------

function describeLoad(
  name: string,
  r: LoadResult,
  serverCpu: number | null,
  backendCpu: number | null,
): void {
  const full = r.perSecond.slice(0, Math.floor(r.seconds));
  const steady = full.length > 2 ? full.slice(1) : full;
  console.log(
    `${name}: ${fmt(r.accepted)} events stored in ${r.seconds.toFixed(1)} s = ${fmt(r.eventsPerSecond)} events/s` +
      ` (slowest whole second ${fmt(Math.min(...steady))}, fastest ${fmt(Math.max(...steady))})`,
  );
  console.log(
    `  acknowledgement latency p50 ${ms(r.latencyMs.p50)}, p90 ${ms(r.latencyMs.p90)}, p99 ${ms(r.latencyMs.p99)}, max ${ms(r.latencyMs.max)};` +
      ` ${fmt(r.batches)} batches, ${r.duplicates} duplicates, ${r.rejected} rejected, ${r.busy} answered 429`,
  );
  const stored = Math.max(1, r.accepted);
  console.log(
    `  CPU per event: server ${serverCpu === null ? 'n/a' : `${((serverCpu * 1e6) / stored).toFixed(0)} µs`}` +
      ` (${serverCpu === null ? 'n/a' : `${((100 * serverCpu) / r.seconds).toFixed(0)}% of a core`})` +
      (backendCpu === null
        ? ''
        : `, PostgreSQL backends ${((backendCpu * 1e6) / stored).toFixed(0)} µs (${((100 * backendCpu) / r.seconds).toFixed(0)}% of a core)`) +
      `, load generator ${((r.cpuSeconds * 1e6) / stored).toFixed(0)} µs`,
  );
}

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  if (o.root) ROOT = resolve(o.root);
  if (o.cpuProf) mkdirSync(o.cpuProf, { recursive: true });
  const sample = batchBody(0, BATCH_SIZE, new Date(), o.ids);
  const target = o.pg ? await postgresTarget() : await sqliteTarget();
  console.log(
    `Tenure ingest benchmark: ${target.label}; ${o.connections} connections from a separate process, ` +
      `batches of ${BATCH_SIZE} track events (${Math.round(sample.length / BATCH_SIZE)} B each, ${ACCOUNTS} accounts × ${USERS_PER_ACCOUNT} users, ` +
      `${o.ids === 'uuid' ? 'random UUID' : 'Segment node-next-<ms>-<uuid>'} messageIds)`,
  );
  let server: Server | null = null;
  try {
    const { stdout } = await run(
      process.execPath,
      [bin(), 'keys', 'create', '--scope', 'ingest', '--name', 'ingest benchmark', '--json'],
      { env: target.env, cwd: ROOT },
    );
    const key = (JSON.parse(stdout) as { secret: string }).secret;
    server = await startServer(target, o.cpuProf);
    const job = (seconds: number, rate: number, firstEvent: number): LoadJob => ({
      url: server!.url,
      key,
      connections: o.connections,
      seconds,
      rate,
      firstEvent,
      ids: o.ids,
    });

    let stored = 0;
    if (o.warmup > 0) {
      const w = await load(job(o.warmup, 0, 2_000_000_000));
      stored += w.accepted;
      console.log(`warm-up ${o.warmup} s: ${fmt(w.eventsPerSecond)} events/s (not counted)`);
    }
    const cpu = () => server?.cpuSeconds() ?? null;
    const pgCpu = () => (o.pg ? backendCpuSeconds('tenure_bench_test') : null);
    // PostgreSQL backends that exit take their CPU time with them: a negative difference
    // is unknown, not negative.
    const since = (now: number | null, before: number | null) =>
      before === null || now === null || now < before ? null : now - before;
    let cpuBefore = cpu();
    let pgBefore = pgCpu();
    const watch = watchBacklog(target);
    const full = await load(job(o.seconds, 0, 0));
    const lag = await watch();
    stored += full.accepted;
    describeLoad(
      `full speed, ${o.seconds} s`,
      full,
      since(cpu(), cpuBefore),
      since(pgCpu(), pgBefore),
    );
    const caughtUpFull = await catchUp(target, stored);
    console.log(
      `  rollups: at most ${fmt(lag.maxEvents)} events waiting, the oldest ${fmt(lag.maxAgeMs)} ms; ` +
        `every rollup counted every acknowledged event ${caughtUpFull === null ? 'NOT within 10 s' : `${fmt(caughtUpFull)} ms after the last acknowledgement`}`,
    );

    // Steady state at half the rate, as the full phase: the server first settles at it.
    const rate = o.pacedRate ?? Math.floor(full.eventsPerSecond / 2);
    const pacedName = o.pacedRate === null ? 'half that' : `${fmt(rate)} events/s`;
    if (o.warmup > 0) {
      const w = await load(job(o.warmup, rate, 1_500_000_000));
      stored += w.accepted;
      console.log(`warm-up at ${pacedName}, ${o.warmup} s (not counted)`);
    }
    cpuBefore = cpu();
    pgBefore = pgCpu();
    const paced = await load(job(o.pacedSeconds, rate, 1_000_000_000));
    stored += paced.accepted;
    describeLoad(
      `paced at ${pacedName} (${fmt(rate)} events/s offered), ${o.pacedSeconds} s`,
      paced,
      since(cpu(), cpuBefore),
      since(pgCpu(), pgBefore),
    );
    console.log(`  p99 in each 5 s: ${paced.p99By5s.map((v) => v.toFixed(0)).join(', ')} ms`);
    const caughtUpPaced = await catchUp(target, stored);
    const facts = await target.facts();
    await server.stop();
    server = null;
    if (o.cpuProf) summariseProfile(o.cpuProf);

    // Current: no event waits more than 2 s for its rollups, under full load or after it.
    const rollupsOk =
      caughtUpFull !== null &&
      caughtUpFull <= 2_000 &&
      lag.maxAgeMs <= 2_000 &&
      caughtUpPaced !== null &&
      current(facts, stored);
    console.log(
      `rollups after the last acknowledgement: events ${fmt(facts.events)}, Σ usage_daily_user ${fmt(facts.userDays)}, ` +
        `Σ usage_daily_event ${fmt(facts.eventDays)}, Σ product_users ${fmt(facts.users)}, Σ catalog ${fmt(facts.catalog)}` +
        ` (acknowledged ${fmt(stored)}): ${rollupsOk ? 'current' : 'NOT current'}`,
    );

    const count = full.accepted;
    const baseline = o.pg ? postgresBaseline : sqliteBaseline;
    const perBatch = await baseline(count, BATCH_SIZE, o.ids);
    const grouped = await baseline(count, 5_000, o.ids);
    const how = o.pg
      ? 'pg, one prepared 100-row INSERT per statement'
      : "better-sqlite3, one prepared INSERT per row, the server's pragmas: WAL, synchronous=FULL, 64 MiB cache";
    console.log(
      `baseline, the same ${fmt(count)} events raw into the same events table and indexes (${how}; database time only):`,
    );
    console.log(
      `  ${BATCH_SIZE} rows per transaction (one per request batch): ${fmt(perBatch)} rows/s`,
    );
    console.log(
      `  5,000 rows per transaction (the writer's largest group): ${fmt(grouped)} rows/s`,
    );
    const ratio = full.eventsPerSecond / perBatch;
    const ratioGrouped = full.eventsPerSecond / grouped;
    console.log(
      `ratio intake ÷ baseline: ${ratio.toFixed(2)} (per-batch transactions), ${ratioGrouped.toFixed(2)} (5,000-row transactions)`,
    );
    const need = o.pg ? 15_000 : 20_000;
    const check = (ok: boolean) => (ok ? 'met' : 'MISSED');
    console.log('\ntargets:');
    console.log(
      `  ≥ ${fmt(need)} events/s for ${o.seconds} s: ${fmt(full.eventsPerSecond)} — ${check(full.eventsPerSecond >= need)}`,
    );
    if (!o.pg)
      console.log(
        `  ≥ 0.3× baseline: ${ratio.toFixed(2)} / ${ratioGrouped.toFixed(2)} — ${check(Math.min(ratio, ratioGrouped) >= 0.3)}`,
      );
    console.log(
      `  p99 ≤ 50 ms at ${pacedName}: ${ms(paced.latencyMs.p99)} — ${check(paced.latencyMs.p99 <= 50)}`,
    );
    console.log(`  rollups current within 2 s: ${check(rollupsOk)}`);
    if (!rollupsOk) process.exitCode = 1;
  } finally {
    if (server) await server.stop();
    await target.cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
