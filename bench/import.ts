/**
 * Account import throughput on embedded SQLite, against raw prepared-statement inserts of
 * the same rows measured in the same run.
 *
 *   npm run bench:import                 # 100,000 rows
 *   npm run bench:import -- --rows 1000000
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import { makeCtx } from '../src/core/context.js';
import { migrateToLatest, openSqlite } from '../src/db/database.js';
import { importFile } from '../src/accounts/importer/service.js';
import { idFactory } from '../src/accounts/importer/ids.js';

function argRows(argv: string[]): number {
  const i = argv.indexOf('--rows');
  const raw = i >= 0 ? argv[i + 1] : undefined;
  const n = raw === undefined ? 100_000 : Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--rows: expected a positive whole number, got ${raw}`);
  return n;
}

const SEGMENTS = ['enterprise', 'mid_market', 'smb', 'self_serve'];
const STAGES = ['onboarding', 'active', 'renewal', 'expanding', 'at_risk'];
const INDUSTRIES = ['Software', 'Retail', 'Manufacturing', 'Healthcare', 'Finance'];
const REGIONS = ['EMEA', 'NA', 'APAC', 'LATAM'];

interface BenchRow {
  name: string;
  domain: string;
  crmId: string;
  billingId: string;
  segment: string;
  stage: string;
  industry: string;
  region: string;
  employees: number;
}

function rowAt(i: number): BenchRow {
  return {
    name: `Company ${i}, Ltd`,
    domain: `company-${i}.example.com`,
    crmId: `A-${i.toString(16)}e${i % 97}`,
    billingId: `cus_${i.toString(36).padStart(8, '0')}`,
    segment: SEGMENTS[i % SEGMENTS.length]!,
    stage: STAGES[i % STAGES.length]!,
    industry: INDUSTRIES[i % INDUSTRIES.length]!,
    region: REGIONS[i % REGIONS.length]!,
    employees: 10 + (i % 5000),
  };
}

async function writeCsv(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  out.write(
    '\ufeffAccount Name,Website,Salesforce ID,Stripe Customer ID,Tier,Lifecycle Stage,Industry,Region,Employees\r\n',
  );
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const r = rowAt(i);
    chunk += `"${r.name}",${r.domain},${r.crmId},${r.billingId},${r.segment},${r.stage},${r.industry},${r.region},${r.employees}\r\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

/** The baseline: the same account rows through one prepared INSERT in one transaction. */
async function rawInsert(file: string, rows: number): Promise<number> {
  const h = openSqlite(file);
  await migrateToLatest(h.db);
  await h.destroy();
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  const insert = db.prepare(
    `insert into accounts (id, name, domain, crm_id, billing_id, segment, industry, region, owner_id, parent_id, stage,
      stage_changed_at, traits, currency, mrr_minor, renewal_date, churned_on, churn_reason, churn_note, archived_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, null, null, ?, ?, ?, 'USD', 0, null, null, null, null, null, ?, ?)`,
  );
  const at = new Date().toISOString();
  // The importer's own id generator, so both sides write the same shape of keys in the same order.
  const newId = idFactory(Date.now());
  const started = performance.now();
  db.transaction(() => {
    for (let i = 0; i < rows; i++) {
      const r = rowAt(i);
      insert.run(
        newId('acc'),
        r.name,
        r.domain,
        r.crmId,
        r.billingId,
        r.segment,
        r.industry,
        r.region,
        r.stage,
        at,
        JSON.stringify({ employees: r.employees }),
        at,
        at,
      );
    }
  })();
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return seconds;
}

async function main(): Promise<void> {
  const rows = argRows(process.argv);
  const dir = mkdtempSync(join(tmpdir(), 'tenure-bench-'));
  try {
    const csv = join(dir, 'accounts.csv');
    await writeCsv(csv, rows);
    (globalThis as { gc?: () => void }).gc?.();

    const handle = openSqlite(join(dir, 'import.db'));
    await migrateToLatest(handle.db);
    const ctx = makeCtx(handle.db, handle.dialect);
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
    const started = performance.now();
    const result = await importFile(ctx, 'accounts', csv);
    const importSeconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
    await handle.destroy();
    if (result.status !== 'applied' || result.report.created !== rows) {
      throw new Error(
        `import did not apply cleanly: ${result.status}, ${result.report.created} created, ${result.report.errorCount} errors`,
      );
    }

    const rawSeconds = await rawInsert(join(dir, 'raw.db'), rows);
    const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
    const importRate = rows / importSeconds;
    const rawRate = rows / rawSeconds;
    console.log(
      `rows ${fmt(rows)}: import ${importSeconds.toFixed(2)} s (every row checked, then written in one transaction), raw insert ${rawSeconds.toFixed(2)} s`,
    );
    console.log(
      `import ${fmt(importRate)} rows/s; raw insert ${fmt(rawRate)} rows/s; ratio ${(importRate / rawRate).toFixed(2)}`,
    );
    console.log(`peak RSS ${(peak / 1048576).toFixed(0)} MB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
