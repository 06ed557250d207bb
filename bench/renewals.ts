/**
 * Renewal pipeline and forecast (F1) over 100,000 subscriptions on the embedded default
 * (SQLite), through the real server's API, against baselines measured in the same run:
 * the equivalent single SQL query on the same file (better-sqlite3, read-only connection).
 *
 *   1. A page of the pipeline (100 rows; the next 120 days, one window, one bucket, a deep
 *      page by cursor): API p50/p99. Target p99 ≤ 200 ms.
 *   2. The whole 120-day listing, every page through the API (500 a page), against one SQL
 *      query returning the same rows. Target ≤ 2× the baseline.
 *   3. The quarter forecast through the API against one GROUP BY query. Target ≤ 2×.
 * Both sides must agree (same rows, same sums), or the bench fails.
 *
 *   npm run bench:renewals                            # 100,000 subscriptions
 *   npm run bench:renewals -- --subscriptions 20000
 *   npm run bench:renewals -- --cpu-prof DIR          # CPU profile of the server
 *   npm run bench:renewals -- --no-compression        # ask for uncompressed answers (loopback)
 *   npm run bench:renewals -- --keep                  # keep the database to look into
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import { addDays } from '../src/core/clock.js';
import { makeCtx } from '../src/core/context.js';
import { migrateToLatest, openSqlite } from '../src/db/database.js';
import { listModels } from '../src/health/models/service.js';
import { createUser } from '../src/identity/service.js';
import { quarterOf, quarterRange } from '../src/renewals/model.js';
import { refreshSignals } from '../src/renewals/signals.js';
import { freePort, mix, option } from './common.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const BIN = resolve(HERE, '..', '..', 'bin', 'tenure.js');
const TODAY = new Date().toISOString().slice(0, 10);
const EMAIL = 'bench.admin@example.com';
const PASSWORD = 'renewals-bench-password-1';
const TIERS = ['Green', 'Yellow', 'Red'];
const CURRENCIES = ['USD', 'USD', 'USD', 'USD', 'EUR', 'EUR', 'GBP'];

/** One account per subscription, renewing over the next year (some overdue), scored today. */
function seed(file: string, n: number, modelId: string, owners: string[]): void {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const at = `${addDays(TODAY, -400)}T00:00:00.000Z`;
  const account = db.prepare(
    `insert into accounts (id, name, segment, owner_id, stage, stage_changed_at, traits, currency,
       mrr_minor, renewal_date, created_at, updated_at, search_text)
     values (?, ?, 'mid_market', ?, 'active', ?, '{}', ?, ?, ?, ?, ?, ?)`,
  );
  const sub = db.prepare(
    `insert into subscriptions (id, account_id, plan, seats, mrr_minor, currency, billing_frequency,
       start_date, end_date, auto_renew, status, created_at, updated_at)
     values (?, ?, 'Business', ?, ?, ?, 'annual', ?, ?, 1, ?, ?, ?)`,
  );
  const snap = db.prepare(
    `insert into health_snapshots (account_id, day, model_id, model_key, model_version, composite_tenths,
       tier, coverage, detail, computed_at) values (?, ?, ?, 'three-pillars', 1, ?, ?, 1, '{}', ?)`,
  );
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const h = mix(i, 0x9e3779b9);
      const id = `acc_bench${String(i).padStart(8, '0')}`;
      const currency = CURRENCIES[h % CURRENCIES.length]!;
      const mrr = 20_000 + ((h >>> 5) % 900) * 1_000;
      const end = addDays(TODAY, ((h >>> 12) % 395) - 30);
      const live = h % 20 !== 0;
      account.run(
        id,
        `Account ${i}`,
        owners[i % owners.length],
        at,
        currency,
        live ? mrr : 0,
        end,
        at,
        at,
        `account ${i}`,
      );
      sub.run(
        `sub_bench${String(i).padStart(8, '0')}`,
        id,
        10 + (h % 90),
        mrr,
        currency,
        addDays(end, -365),
        end,
        live ? 'active' : 'canceled',
        at,
        at,
      );
      const score = (mix(i, 0x85ebca6b) % 1000) + 1;
      snap.run(id, TODAY, modelId, score, TIERS[score > 500 ? 0 : score > 250 ? 1 : 2], at);
    }
  });
  for (let i = 0; i < n; i += 5000) {
    batch(i, Math.min(n, i + 5000));
    process.stderr.write(`\rseeding ${Math.min(n, i + 5000).toLocaleString()} subscriptions…`);
  }
  process.stderr.write('\n');
  db.exec('analyze');
  db.close();
}

async function startServer(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, TENURE_DATA_DIR: dir };
  delete env.DATABASE_URL;
  const i = process.argv.indexOf('--cpu-prof');
  const prof =
    i >= 0
      ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.argv[i + 1] ?? 'renewals-profile')}`]
      : [];
  const child = spawn(
    process.execPath,
    [...prof, BIN, 'serve', '--port', String(port), '--no-jobs'],
    {
      env,
      stdio: 'ignore',
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { url, child };
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start');
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;

/** Time `fn` `runs` times after `warm` unmeasured runs; returns each duration in ms. */
async function timed<T>(
  runs: number,
  warm: number,
  fn: () => Promise<T> | T,
): Promise<{ times: number[]; last: T }> {
  let last!: T;
  for (let i = 0; i < warm; i++) last = await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    last = await fn();
    times.push(performance.now() - t);
  }
  return { times, last };
}

/**
 * Alternate the API and its baseline round by round, so both see the same machine (it is
 * shared and noisy); the ratio is the median of the rounds' ratios.
 */
async function paired<A, B>(rounds: number, a: () => Promise<A>, b: () => B) {
  await a();
  b();
  const at: number[] = [];
  const bt: number[] = [];
  let lastA!: A;
  let lastB!: B;
  for (let i = 0; i < rounds; i++) {
    let t = performance.now();
    lastA = await a();
    at.push(performance.now() - t);
    t = performance.now();
    lastB = b();
    bt.push(performance.now() - t);
  }
  const ratio = pct(
    at.map((x, i) => x / bt[i]!),
    0.5,
  );
  return { api: { times: at, last: lastA }, base: { times: bt, last: lastB }, ratio };
}

interface Item {
  subscriptionId: string;
  arrMinor: number;
  bucket: string;
  override: object | null;
}

/** Every column the API's items are made of, no more. */
const PIPELINE_SQL = `select s.id as subscription_id, s.account_id, a.name as account_name, a.owner_id,
    s.plan, s.end_date as renewal_date, s.mrr_minor, s.currency, s.seats,
    coalesce(o.bucket, g.bucket, 'on_track') as bucket, g.bucket as auto_bucket, g.bucket_reason,
    o.reason as override_reason, o.actor as override_actor, o.at as override_at, g.tier,
    g.expansion_score
  from subscriptions s
  join accounts a on a.id = s.account_id
  left join renewal_signals g on g.account_id = s.account_id
  left join renewal_overrides o on o.subscription_id = s.id and o.renewal_date = s.end_date
  where s.status in ('active', 'past_due') and s.end_date is not null and s.end_date <= ?
    and a.archived_at is null
  order by s.end_date, s.id`;

const FORECAST_SQL = `select s.currency, coalesce(o.bucket, g.bucket, 'on_track') as bucket,
    count(*) as n, sum(s.mrr_minor) * 12 as arr
  from subscriptions s
  join accounts a on a.id = s.account_id
  left join renewal_signals g on g.account_id = s.account_id
  left join renewal_overrides o on o.subscription_id = s.id and o.renewal_date = s.end_date
  where s.status in ('active', 'past_due') and s.end_date is not null
    and s.end_date >= ? and s.end_date <= ? and a.archived_at is null
  group by 1, 2`;

async function main(): Promise<void> {
  const n = option(process.argv, '--subscriptions', 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'tenure-bench-renewals-'));
  const file = join(dir, 'tenure.db');
  let server: { url: string; child: ChildProcess } | null = null;
  try {
    const h = openSqlite(file);
    await migrateToLatest(h.db);
    const ctx = makeCtx(h.db, h.dialect, { now: () => new Date(`${TODAY}T12:00:00.000Z`) });
    const model = (await listModels(ctx)).find((m) => m.key === 'three-pillars');
    if (!model) throw new Error('the three-pillars preset is missing');
    const admin = await createUser(ctx, {
      email: EMAIL,
      name: 'Bench Admin',
      role: 'admin',
      password: PASSWORD,
    });
    const owners = [admin.id];
    for (let i = 0; i < 19; i++)
      owners.push(
        (await createUser(ctx, { email: `csm${i}@example.com`, name: `CSM ${i}`, role: 'csm' })).id,
      );
    await h.destroy();
    seed(file, n, model.id, owners);

    const h2 = openSqlite(file);
    const ctx2 = makeCtx(h2.db, h2.dialect, { now: () => new Date(`${TODAY}T12:00:00.000Z`) });
    const t = performance.now();
    const refreshed = await refreshSignals(ctx2);
    const refreshMs = performance.now() - t;
    // A few CSM overrides, as on a real board.
    await h2.db
      .insertInto('renewal_overrides')
      .columns(['subscription_id', 'renewal_date', 'bucket', 'reason', 'actor', 'at'])
      .expression((eb) =>
        eb
          .selectFrom('subscriptions')
          .select([
            'id',
            'end_date',
            eb.val('churning').as('bucket'),
            eb.val('bench override').as('reason'),
            eb.val('user:bench').as('actor'),
            eb.val(`${TODAY}T00:00:00.000Z`).as('at'),
          ])
          .where('end_date', 'is not', null)
          .where('id', 'like', '%7'),
      )
      .execute();
    await h2.destroy();
    process.stderr.write(
      `buckets worked out for ${refreshed.accounts.toLocaleString()} accounts in ${ms(refreshMs)} (the 5-minute job)\n`,
    );

    server = await startServer(dir);
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
    });
    if (!login.ok) throw new Error(`sign-in failed: ${login.status}`);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const get = async <T>(path: string): Promise<T> => {
      const headers: Record<string, string> = { cookie };
      if (process.argv.includes('--no-compression')) headers['accept-encoding'] = 'identity';
      const r = await fetch(`${server!.url}${path}`, { headers });
      if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
      return (await r.json()) as T;
    };

    // 1. Pages.
    type Page = { items: Item[]; nextCursor: string | null };
    const first = await get<Page>('/api/v1/renewals?limit=100');
    // A cursor 50 pages in (or the last one, on a small book).
    let deep = first.nextCursor!;
    for (let i = 0; i < 50; i++) {
      const next = (await get<Page>(`/api/v1/renewals?limit=100&cursor=${deep}`)).nextCursor;
      if (!next) break;
      deep = next;
    }
    const pages = [
      '/api/v1/renewals?limit=100',
      '/api/v1/renewals?limit=100&window=60',
      '/api/v1/renewals?limit=100&bucket=at_risk',
      '/api/v1/renewals?limit=100&bucket=churning&window=90',
      `/api/v1/renewals?limit=100&cursor=${deep}`,
    ];
    const pageTimes: number[] = [];
    for (const p of pages) pageTimes.push(...(await timed(60, 5, () => get<Page>(p))).times);

    // 2. The whole 120-day listing: every page through the API, and one SQL query.
    const to = addDays(TODAY, 120);
    const walk = async () => {
      const all: Item[] = [];
      let cursor: string | null = null;
      do {
        const page: Page = await get<Page>(
          `/api/v1/renewals?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
        );
        all.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return all;
    };
    const ro = new SQLite(file, { readonly: true });
    ro.pragma('cache_size = -65536');
    const listing = ro.prepare(PIPELINE_SQL);
    const listed = await paired(
      9,
      walk,
      () =>
        listing.all(to) as {
          subscription_id: string;
          bucket: string;
          mrr_minor: number;
          override_reason: string | null;
        }[],
    );
    const { api, base } = listed;
    const apiIds = api.last
      .map((i) => `${i.subscriptionId}:${i.bucket}:${i.arrMinor}:${i.override !== null}`)
      .join();
    const baseIds = base.last
      .map(
        (r) => `${r.subscription_id}:${r.bucket}:${r.mrr_minor * 12}:${r.override_reason !== null}`,
      )
      .join();
    if (apiIds !== baseIds) throw new Error('the API listing and the SQL baseline disagree');

    // 3. The quarter forecast.
    const quarter = quarterOf(TODAY);
    const range = quarterRange(quarter)!;
    type Forecast = { currencies: { currency: string; upMinor: number; renewals: number }[] };
    const grouped = ro.prepare(FORECAST_SQL);
    const forecasted = await paired(
      30,
      () => get<Forecast>(`/api/v1/renewals/forecast?quarter=${quarter}`),
      () => grouped.all(range.from, range.to) as { currency: string; arr: number }[],
    );
    const { api: fApi, base: fBase } = forecasted;
    ro.close();
    for (const c of fApi.last.currencies) {
      const sum = fBase.last
        .filter((r) => r.currency === c.currency)
        .reduce((s, r) => s + Number(r.arr), 0);
      if (sum !== c.upMinor)
        throw new Error(`forecast ${c.currency}: API ${c.upMinor} vs SQL ${sum}`);
    }

    const p99 = pct(pageTimes, 0.99);
    const listRatio = listed.ratio;
    const fRatio = forecasted.ratio;
    const out = process.stdout;
    out.write(
      `\n${n.toLocaleString()} subscriptions, ${api.last.length.toLocaleString()} renewing in the next 120 days or overdue\n`,
    );
    out.write(
      `pipeline page (100 rows, 5 kinds × 60 requests): p50 ${ms(pct(pageTimes, 0.5))}, p99 ${ms(p99)}\n`,
    );
    out.write(
      `whole 120-day listing: API ${ms(pct(api.times, 0.5))} (median of 9, ${Math.ceil(api.last.length / 500)} pages) vs one SQL query ${ms(pct(base.times, 0.5))}: ${listRatio.toFixed(2)}×\n`,
    );
    out.write(
      `quarter forecast ${quarter}: API ${ms(pct(fApi.times, 0.5))} (p99 ${ms(pct(fApi.times, 0.99))}) vs one GROUP BY ${ms(pct(fBase.times, 0.5))}: ${fRatio.toFixed(2)}×\n`,
    );
    out.write(`buckets job over every account: ${ms(refreshMs)}\n\ntargets:\n`);
    const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
    out.write(`  page p99 ≤ 200 ms: ${ms(p99)} — ${verdict(p99 <= 200)}\n`);
    out.write(`  listing ≤ 2× baseline: ${listRatio.toFixed(2)}× — ${verdict(listRatio <= 2)}\n`);
    out.write(`  forecast ≤ 2× baseline: ${fRatio.toFixed(2)}× — ${verdict(fRatio <= 2)}\n`);
  } finally {
    if (server) {
      const exited = new Promise((r) => server!.child.once('exit', r));
      server.child.kill('SIGTERM');
      await exited;
    }
    if (process.argv.includes('--keep')) process.stderr.write(`kept ${file}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
