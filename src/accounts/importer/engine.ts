import { actorLabel, type Ctx } from '../../core/context.js';
import type { TimelineRow } from '../../db/schema.js';
import type { Executor } from '../../db/database.js';
import { listUsers } from '../../identity/service.js';
import { segments } from '../../settings/service.js';
import {
  decide,
  decisionKey,
  profileRecord,
  profilesFor,
  traitKeys,
  type Analysis,
} from './analyze.js';
import type { CsvSource } from './csv.js';
import { claimAll, type Claim, type KeySet } from './keyset.js';
import { batchesOf } from './parallel.js';
import { idFactory } from './ids.js';
import { emptyReport, IssueSink, sortIssues, type ImportReport, type RowIssue } from './model.js';
import { columnOf, convertRecord, type ConvertedRow, type Lookups } from './rows.js';

/** What a kind's handler gets: where to read and write, and how to report. */
export interface PassEnv {
  ctx: Ctx;
  /** ctx.db for a dry run; the open transaction when applying. */
  db: Executor;
  mode: 'check' | 'apply';
  importId: string;
  analysis: Analysis;
  lookups: Lookups;
  now: Date;
  newId: ReturnType<typeof idFactory>;
  /** Report a problem with a row; once any is reported an apply writes nothing more. */
  issue(issue: RowIssue): void;
  /** True while an apply may still write (no issue so far). */
  writing(): boolean;
}

export interface PassCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/** One kind's check/apply logic, fed rows in batches in file order. */
export interface KindHandler {
  batch(rows: ConvertedRow[]): Promise<void>;
  finish(): Promise<void>;
  counts: PassCounts;
}

export type HandlerFactory = (env: PassEnv) => Promise<KindHandler>;

/** The first rows contradicted what the sample decided: run again with a full analysis. */
export class SpeculationFailed extends Error {
  constructor() {
    super('column decisions from the sample did not hold for the whole file');
  }
}

export async function loadLookups(ctx: Ctx, db: Executor): Promise<Lookups> {
  const users = new Map<string, string>();
  for (const u of await listUsers({ ...ctx, db })) {
    users.set(u.id, u.id);
    users.set(u.email.toLowerCase(), u.id);
  }
  return { users, segments: await segments(db) };
}

export interface PassOptions {
  mode: 'check' | 'apply';
  importId: string;
  maxErrors?: number;
  onProgress?: (done: number) => void;
}

/**
 * Pass two (dry run) or three (apply): read every record, convert it, and hand batches to
 * the kind's handler. Both modes run the same checks, so a clean dry run means the apply
 * finds nothing new unless the database changed in between.
 */
export async function runPass(
  ctx: Ctx,
  db: Executor,
  source: CsvSource,
  analysis: Analysis,
  factory: HandlerFactory,
  opts: PassOptions,
): Promise<ImportReport> {
  const sink = new IssueSink(opts.maxErrors);
  let badLine = -1;
  let badRows = 0;
  const issue = (i: RowIssue) => {
    sink.add(i);
    if (i.line !== badLine) {
      badLine = i.line;
      badRows++;
    }
  };
  const now = ctx.now();
  const env: PassEnv = {
    ctx,
    db,
    mode: opts.mode,
    importId: opts.importId,
    analysis,
    lookups: await loadLookups(ctx, db),
    now,
    newId: idFactory(now.getTime()),
    issue,
    writing: () => opts.mode === 'apply' && sink.count === 0,
  };
  const handler = await factory(env);
  let rows = 0;
  let header = true;
  // A sampled analysis is confirmed on every row here, instead of in a pass of its own.
  const confirm = analysis.sampled && analysis.profiled.some(Boolean);
  const profiles = profilesFor(analysis);
  for await (const records of batchesOf(source, {
    delimiter: analysis.delimiter,
    encoding: analysis.encoding,
    onSkip: (s) => issue({ line: s.line, column: '', value: '', reason: s.reason }),
    onProgress: opts.onProgress,
  })) {
    const batch: ConvertedRow[] = [];
    for (const rec of records) {
      if (header) {
        header = false;
        continue;
      }
      rows++;
      if (confirm) profileRecord(analysis, profiles, rec);
      const row = convertRecord(analysis, rec, env.lookups, issue);
      if (row) batch.push(row);
    }
    if (batch.length) await handler.batch(batch);
  }
  if (analysis.sampled) {
    const before = decisionKey(analysis);
    analysis.sampled = false;
    decide(analysis, profiles, rows);
    if (decisionKey(analysis) !== before) throw new SpeculationFailed();
  }
  await handler.finish();
  return {
    ...emptyReport(analysis.kind, analysis.fileName),
    mode: opts.mode === 'apply' ? 'apply' : 'dry_run',
    delimiter: analysis.delimiter,
    encoding: analysis.encoding,
    rows,
    ...handler.counts,
    badRows,
    columns: analysis.report,
    traits: traitKeys(analysis),
    needsInput: analysis.needsInput,
    problems: analysis.problems,
    warnings: analysis.warnings,
    errorCount: sink.count,
    errors: sortIssues(sink.errors),
    errorsTruncated: sink.truncated,
  };
}

/** Timeline rows an import writes: stamped with the import's time and actor. */
export function timelineEntries(env: PassEnv) {
  const at = env.now.toISOString();
  const actor = actorLabel(env.ctx.actor);
  return (
    accountId: string,
    kind: string,
    title: string,
    data: Record<string, unknown>,
    more: { contactId?: string | null; occurredAt?: string; body?: string | null } = {},
  ): TimelineRow => ({
    id: env.newId('tle'),
    account_id: accountId,
    kind,
    occurred_at: more.occurredAt ?? at,
    title,
    body: more.body ?? null,
    contact_id: more.contactId ?? null,
    actor,
    data: JSON.stringify(data),
    created_at: at,
  });
}

/**
 * Take a row's keys (CRM id, external id, …) in the file's key set; when an earlier row
 * used one, report it on this row and answer false. `what` names the clashing key.
 */
export function rowClaimer(
  env: PassEnv,
  claims: KeySet,
  noun: string,
  what: (clash: Claim & { line: number }, column: string) => string = () => noun,
) {
  return (row: { line: number }, keys: Claim[]): boolean => {
    const clash = claimAll(claims, keys, row.line);
    if (!clash) return true;
    const column = columnOf(env.analysis, clash.field);
    env.issue({
      line: row.line,
      column,
      value: clash.value,
      reason: `same ${what(clash, column)} as line ${clash.line}; each ${noun} may appear once per file`,
    });
    return false;
  };
}
