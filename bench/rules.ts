/**
 * Rule evaluation (D4): 20 rules over 100,000 accounts on the embedded default (SQLite). One
 * evaluation pass — every active rule's causes, conditions and what has fired, against the
 * whole book loaded once — against a baseline measured in the same run: the same conditions
 * as one SQL query per rule over the same accounts and latest health. Both must find the same
 * accounts; the target is ≤ 10 s and ≤ 3× the baseline.
 *
 *   npm run bench:rules                       # 100,000 accounts
 *   npm run bench:rules -- --accounts 20000
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import { addDays } from '../src/core/clock.js';
import { makeCtx } from '../src/core/context.js';
import { migrateToLatest, openSqlite } from '../src/db/database.js';
import { listModels } from '../src/health/models/service.js';
import type { Condition, RuleInput } from '../src/rules/model.js';
import { planRules, saveRule, setRuleActive } from '../src/rules/service.js';
import { mix, option } from './common.js';

const TODAY = '2026-11-30';
const SEGMENTS = ['smb', 'mid_market', 'enterprise'];
const STAGES = ['onboarding', 'active', 'renewal', 'expanding', 'at_risk'];
const REGIONS = ['EMEA', 'NA', 'APAC', 'LATAM'];
const TIERS = ['Green', 'Yellow', 'Red'];

/** Accounts with every field a condition reads, and two days of health snapshots each. */
function seed(file: string, accounts: number, modelId: string): void {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const at = `${addDays(TODAY, -400)}T00:00:00.000Z`;
  const account = db.prepare(
    `insert into accounts (id, name, segment, industry, region, owner_id, stage, stage_changed_at, traits,
       currency, mrr_minor, renewal_date, created_at, updated_at, search_text)
     values (?, ?, ?, ?, ?, null, ?, ?, '{}', 'USD', ?, ?, ?, ?, ?)`,
  );
  const snap = db.prepare(
    `insert into health_snapshots (account_id, day, model_id, model_key, model_version, composite_tenths,
       tier, coverage, detail, computed_at) values (?, ?, ?, 'three-pillars', 1, ?, ?, 1, '{}', ?)`,
  );
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const h = mix(i, 0x9e3779b9);
      const id = `acc_bench${String(i).padStart(8, '0')}`;
      account.run(
        id,
        `Account ${i}`,
        SEGMENTS[h % 3],
        h % 7 === 0 ? null : i % 2 ? 'Software' : 'Retail',
        REGIONS[(h >>> 3) % 4],
        STAGES[(h >>> 6) % 5],
        at,
        5_000 + ((h >>> 9) % 500) * 1_000,
        h % 11 === 0 ? null : addDays(TODAY, ((h >>> 12) % 400) - 30),
        at,
        at,
        `account ${i}`,
      );
      // Yesterday and today: the rules read the latest.
      for (const [d, day] of [addDays(TODAY, -1), TODAY].entries()) {
        if (h % 13 === 0 && d === 1) continue; // some were not scored today
        const score = (mix(i * 7 + d, 0x85ebca6b) % 1000) + 1;
        snap.run(id, day, modelId, score, TIERS[score > 800 ? 0 : score > 600 ? 1 : 2], at);
      }
    }
  });
  for (let i = 0; i < accounts; i += 5000) {
    batch(i, Math.min(accounts, i + 5000));
    process.stderr.write(`\rseeding ${Math.min(accounts, i + 5000).toLocaleString()} accounts…`);
  }
  process.stderr.write('\n');
  db.exec('analyze');
  db.close();
}

/** Twenty rules over every field and operator, each checked on a schedule for every account. */
function rules(): RuleInput[] {
  const c = (
    field: Condition['field'],
    op: Condition['op'],
    value?: Condition['value'],
  ): Condition =>
    value === undefined ? ({ field, op } as Condition) : ({ field, op, value } as Condition);
  const sets: Condition[][] = [
    [c('healthTier', 'eq', 'Red')],
    [c('healthTier', 'eq', 'Red'), c('segment', 'eq', 'enterprise')],
    [c('healthScore', 'lt', 40), c('arrMinor', 'gte', 3_000_000)],
    [c('renewalInDays', 'lte', 90), c('renewalInDays', 'gte', 0)],
    [c('renewalInDays', 'lte', 90), c('healthTier', 'ne', 'Green')],
    [c('stage', 'eq', 'onboarding'), c('healthScore', 'lt', 60)],
    [c('stage', 'in', ['renewal', 'at_risk'])],
    [c('segment', 'in', ['smb', 'mid_market']), c('healthScore', 'gte', 85)],
    [c('region', 'eq', 'EMEA'), c('healthTier', 'eq', 'Yellow')],
    [c('industry', 'missing')],
    [c('industry', 'exists'), c('arrMinor', 'gt', 5_000_000)],
    [c('renewalInDays', 'missing')],
    [c('renewalInDays', 'lt', 0)],
    [c('arrMinor', 'lt', 600_000)],
    [c('healthScore', 'missing')],
    [c('segment', 'nin', ['enterprise']), c('region', 'nin', ['NA', 'APAC'])],
    [c('stage', 'ne', 'active'), c('healthScore', 'lte', 30)],
    [c('healthScore', 'gt', 50), c('healthScore', 'lt', 70), c('segment', 'eq', 'mid_market')],
    [c('region', 'in', ['LATAM']), c('renewalInDays', 'lte', 30)],
    [c('ownerId', 'missing'), c('healthTier', 'eq', 'Red'), c('arrMinor', 'gte', 1_000_000)],
  ];
  return sets.map((conditions, i) => ({
    key: `bench-${i + 1}`,
    name: `Bench rule ${i + 1}`,
    when: { type: 'schedule' },
    conditions,
    then: [{ type: 'create_task', title: 'Look at this account' }],
  }));
}

const COLUMN: Record<Condition['field'], string> = {
  segment: 'a.segment',
  stage: 'a.stage',
  industry: 'a.industry',
  region: 'a.region',
  ownerId: 'a.owner_id',
  arrMinor: '(a.mrr_minor * 12)',
  healthScore: '(s.composite_tenths / 10.0)',
  healthTier: 's.tier',
  renewalInDays: `(julianday(a.renewal_date) - julianday('${TODAY}'))`,
};

/** A condition as SQL, by hand: what a reviewer would write for the same rule. */
function sqlOf(c: Condition, params: (string | number)[]): string {
  const col = COLUMN[c.field];
  const text =
    typeof c.value === 'string' || (Array.isArray(c.value) && typeof c.value[0] === 'string');
  const lhs = text ? `lower(${col})` : col;
  const v = (x: string | number) => {
    params.push(typeof x === 'string' ? x.toLowerCase() : x);
    return '?';
  };
  switch (c.op) {
    case 'exists':
      return `${col} is not null`;
    case 'missing':
      return `${col} is null`;
    case 'eq':
      return `${lhs} = ${v(c.value as string | number)}`;
    case 'ne':
      return `(${col} is null or ${lhs} <> ${v(c.value as string | number)})`;
    case 'in':
      return `${lhs} in (${(c.value as (string | number)[]).map(v).join(', ')})`;
    case 'nin':
      return `(${col} is null or ${lhs} not in (${(c.value as (string | number)[]).map(v).join(', ')}))`;
    default: {
      const op = { lt: '<', lte: '<=', gt: '>', gte: '>=' }[c.op];
      return `${col} ${op} ${v(c.value as number)}`;
    }
  }
}

function baseline(file: string, list: RuleInput[]): { seconds: number; counts: number[] } {
  const db = new SQLite(file, { readonly: true });
  db.pragma('cache_size = -65536');
  const t = performance.now();
  const counts = list.map((r) => {
    const params: (string | number)[] = [];
    const where = (r.conditions ?? []).map((c) => sqlOf(c as Condition, params)).join(' and ');
    const q = `select a.id from accounts a
      left join health_snapshots s on s.account_id = a.id
        and s.day = (select max(x.day) from health_snapshots x where x.account_id = a.id)
      where a.archived_at is null${where ? ` and ${where}` : ''}`;
    return db.prepare(q).all(...params).length;
  });
  const seconds = (performance.now() - t) / 1000;
  db.close();
  return { seconds, counts };
}

async function main(): Promise<void> {
  const accounts = option(process.argv, '--accounts', 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'tenure-bench-rules-'));
  const file = join(dir, 'tenure.db');
  try {
    const h = openSqlite(file);
    await migrateToLatest(h.db);
    const ctx = makeCtx(h.db, h.dialect, { now: () => new Date(`${TODAY}T12:00:00.000Z`) });
    const [model] = await listModels(ctx);
    const list = rules();
    for (const r of list) {
      await saveRule(ctx, r);
      await setRuleActive(ctx, r.key, true);
    }
    await h.destroy();
    seed(file, accounts, model!.id);

    const base = baseline(file, list);
    const h2 = openSqlite(file);
    const ctx2 = makeCtx(h2.db, h2.dialect, { now: () => new Date(`${TODAY}T12:00:00.000Z`) });
    const t = performance.now();
    const plans = await planRules(ctx2);
    const seconds = (performance.now() - t) / 1000;
    await h2.destroy();

    const ours = list.map((r) => plans.find((p) => p.rule.key === r.key)!.due.length);
    const mismatch = ours.flatMap((n, i) =>
      n === base.counts[i] ? [] : [`${list[i]!.key}: ${n} vs ${base.counts[i]}`],
    );
    const ratio = seconds / base.seconds;
    const matched = ours.reduce((s, n) => s + n, 0);
    process.stdout.write(
      `${list.length} rules over ${accounts.toLocaleString()} accounts (${matched.toLocaleString()} account matches)\n` +
        `evaluation pass ${seconds.toFixed(2)} s · baseline (one SQL query per rule) ${base.seconds.toFixed(2)} s · ratio ${ratio.toFixed(2)}×\n` +
        `targets: ≤ 10 s ${seconds <= 10 ? 'met' : 'MISSED'} · ≤ 3× ${ratio <= 3 ? 'met' : 'MISSED'} · same accounts ${mismatch.length === 0 ? 'yes' : `NO (${mismatch.join('; ')})`}\n`,
    );
    if (mismatch.length > 0) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
