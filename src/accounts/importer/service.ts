import { actorLabel, type Ctx } from '../../core/context.js';
import { AppError, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { inTx } from '../../db/database.js';
import { mapped } from '../../db/errors.js';
import { recordAudit } from '../../audit/record.js';
import { parseJsonObject } from '../account/model.js';
import { accountsHandler } from './accounts.js';
import { analyze, type Analysis } from './analyze.js';
import { contactsHandler } from './contacts.js';
import { fileSource, textSource, type CsvSource } from './csv.js';
import { runPass, SpeculationFailed, type HandlerFactory } from './engine.js';
import type { ImportKind } from './fields.js';
import {
  blockingReason,
  emptyReport,
  statusOf,
  type ImportOptions,
  type ImportReport,
  type ImportStatus,
} from './model.js';
import * as store from './store.js';
import { subscriptionsHandler } from './subscriptions.js';
import { surveysHandler } from './surveys.js';
import { ticketsHandler } from './tickets.js';

const HANDLERS: Record<ImportKind, HandlerFactory> = {
  accounts: accountsHandler,
  contacts: contactsHandler,
  subscriptions: subscriptionsHandler,
  tickets: ticketsHandler,
  surveys: surveysHandler,
};

export type ImportPhase = 'reading' | 'checking' | 'applying';

export interface RunOptions extends ImportOptions {
  /** Keep at most this many row issues in the report (all are counted). */
  maxErrors?: number;
  /** Rows the first pass profiles before the row pass confirms its decisions (default 2,000). */
  sampleRows?: number;
  onProgress?: (phase: ImportPhase, done: number, total: number) => void;
}

export interface ImportView {
  id: string;
  kind: ImportKind;
  status: ImportStatus;
  fileName: string | null;
  createdAt: string;
  appliedAt: string | null;
  options: ImportOptions;
  report: ImportReport;
}

/** An apply that found bad rows: the transaction is rolled back and the report kept. */
class ImportRejected extends Error {
  constructor(readonly report: ImportReport) {
    super('import rejected');
  }
}

function progress(opts: RunOptions, phase: ImportPhase, source: CsvSource) {
  const cb = opts.onProgress;
  return cb ? (done: number) => cb(phase, done, source.size) : undefined;
}

/** A report for a file that cannot be checked row by row yet (mapping problems, a date order to choose). */
function analysisReport(a: Analysis): ImportReport {
  return {
    ...emptyReport(a.kind, a.fileName),
    delimiter: a.delimiter,
    encoding: a.encoding,
    rows: a.rows,
    columns: a.report,
    traits: a.columns.flatMap((c) => (c.target.kind === 'trait' ? [c.target.key] : [])),
    needsInput: a.needsInput,
    problems: a.problems,
    warnings: a.warnings,
  };
}

/** Rows the first pass profiles before the row pass takes over (and confirms on every row). */
const SAMPLE_ROWS = 2_000;

/**
 * Analyse the file and run `pass` with it. The analysis first looks at a sample only and
 * the row pass confirms its decisions on every row, so a clean file is read once; when a
 * later value changes a decision (a trait column turns out to be text, a date proves the
 * other day/month order) the pass throws, is rolled back, and runs again after a full
 * profiling pass. `result` is null when the file cannot be checked row by row yet.
 */
async function withAnalysis<T>(
  kind: ImportKind,
  source: CsvSource,
  opts: RunOptions,
  speculate: boolean,
  pass: (a: Analysis) => Promise<T>,
): Promise<{ analysis: Analysis; result: T | null }> {
  const onProgress = progress(opts, 'reading', source);
  if (speculate) {
    const sample = await analyze(kind, source, opts, {
      sampleRows: opts.sampleRows ?? SAMPLE_ROWS,
      onProgress,
    });
    if (sample.problems.length) return { analysis: sample, result: null };
    if (!sample.needsInput.length) {
      try {
        return { analysis: sample, result: await pass(sample) };
      } catch (err) {
        if (!(err instanceof SpeculationFailed)) throw err;
      }
    }
  }
  const full = await analyze(kind, source, opts, { onProgress });
  if (full.problems.length || full.needsInput.length) return { analysis: full, result: null };
  return { analysis: full, result: await pass(full) };
}

/** Check every row against the database without writing. */
async function check(
  ctx: Ctx,
  kind: ImportKind,
  source: CsvSource,
  opts: RunOptions,
): Promise<ImportReport> {
  const { analysis, result } = await withAnalysis(kind, source, opts, true, (a) =>
    mapped(() =>
      runPass(ctx, ctx.db, source, a, HANDLERS[kind], {
        mode: 'check',
        importId: 'dry-run',
        maxErrors: opts.maxErrors,
        onProgress: progress(opts, 'checking', source),
      }),
    ),
  );
  if (!result) return analysisReport(analysis);
  result.warnings = [...new Set(result.warnings)];
  return result;
}

/**
 * Apply in one transaction. `before` runs first inside it (to record or lock the import
 * row); any bad row rolls everything back and surfaces as ImportRejected.
 */
async function applyInTx(
  ctx: Ctx,
  source: CsvSource,
  analysis: Analysis,
  importId: string,
  opts: RunOptions,
  before: (trx: Ctx['db']) => Promise<void>,
  after: (trx: Ctx['db'], report: ImportReport) => Promise<void>,
): Promise<ImportReport> {
  return mapped(() =>
    inTx(ctx.db, async (trx) => {
      await before(trx);
      const report = await runPass(
        { ...ctx, db: trx },
        trx,
        source,
        analysis,
        HANDLERS[analysis.kind],
        {
          mode: 'apply',
          importId,
          maxErrors: opts.maxErrors,
          onProgress: progress(opts, 'applying', source),
        },
      );
      report.warnings = [...new Set(report.warnings)];
      if (report.errorCount > 0) throw new ImportRejected(report);
      await after(trx, report);
      // One audit entry per import: the rows themselves are on each account's timeline,
      // tagged with this import's id.
      await recordAudit(ctx, trx, {
        entity: 'import',
        entityId: importId,
        action: 'apply',
        changes: {
          kind: [null, analysis.kind],
          fileName: [null, source.name],
          created: [null, report.created],
          updated: [null, report.updated],
          unchanged: [null, report.unchanged],
        },
      });
      return report;
    }),
  );
}

export interface FileImportResult {
  /** Set once the import was applied. */
  id: string | null;
  status: ImportStatus;
  report: ImportReport;
}

/**
 * The CLI's import. With `dryRun`, check every row and report. Otherwise check and write
 * in one transaction that commits only when no row is bad: the same report and the same
 * all-or-nothing outcome as a dry run followed by an apply, with one read of the file
 * fewer. Files are streamed (twice: profile, then rows), never held in memory.
 */
export async function importFile(
  ctx: Ctx,
  kind: ImportKind,
  path: string,
  opts: RunOptions & { dryRun?: boolean } = {},
): Promise<FileImportResult> {
  ctx.can('write', 'import');
  const source = await fileSource(path);
  if (opts.dryRun) {
    const report = await check(ctx, kind, source, opts);
    return { id: null, status: statusOf(report), report };
  }
  const id = newId('imp', ctx.now().getTime());
  const options: ImportOptions = {
    mapping: opts.mapping,
    dateFormat: opts.dateFormat,
    delimiter: opts.delimiter,
  };
  try {
    // The apply checks every row exactly as a dry run does and rolls back on any bad one,
    // so checking first would only read a large file one more time.
    const { analysis, result } = await withAnalysis(
      kind,
      source,
      opts,
      !ctx.db.isTransaction,
      (a) =>
        applyInTx(
          ctx,
          source,
          a,
          id,
          opts,
          (trx) =>
            store.insertImport(trx, {
              id,
              kind,
              status: 'applied',
              filename: source.name,
              // Files imported from disk are not copied into the database.
              content: '',
              options: JSON.stringify(options),
              report: '{}',
              actor: actorLabel(ctx.actor),
              created_at: ctx.now().toISOString(),
              applied_at: null,
            }),
          (trx, r) =>
            store.updateImport(trx, id, {
              report: JSON.stringify(r),
              applied_at: ctx.now().toISOString(),
            }),
        ),
    );
    if (!result) {
      const report = analysisReport(analysis);
      return { id: null, status: statusOf(report), report };
    }
    return { id, status: 'applied', report: result };
  } catch (err) {
    if (err instanceof ImportRejected) return { id: null, status: 'invalid', report: err.report };
    throw err;
  }
}

function toView(row: store.ImportMeta): ImportView {
  return {
    id: row.id,
    kind: row.kind as ImportKind,
    status: row.status as ImportStatus,
    fileName: row.filename,
    createdAt: row.created_at,
    appliedAt: row.applied_at,
    options: parseJsonObject(row.options) as ImportOptions,
    report: parseJsonObject(row.report) as unknown as ImportReport,
  };
}

/** An upload (HTTP): store the CSV, dry-run it, and keep the report with it. */
export async function createImport(
  ctx: Ctx,
  input: { kind: ImportKind; content: string; fileName?: string | null; options?: ImportOptions },
): Promise<ImportView> {
  ctx.can('write', 'import');
  const options = input.options ?? {};
  const report = await check(
    ctx,
    input.kind,
    textSource(input.content, input.fileName ?? null),
    options,
  );
  const row = {
    id: newId('imp', ctx.now().getTime()),
    kind: input.kind,
    status: statusOf(report),
    filename: input.fileName ?? null,
    content: input.content,
    options: JSON.stringify(options),
    report: JSON.stringify(report),
    actor: actorLabel(ctx.actor),
    created_at: ctx.now().toISOString(),
    applied_at: null,
  };
  await mapped(() =>
    inTx(ctx.db, async (trx) => {
      await store.insertImport(trx, row);
      await recordAudit(ctx, trx, {
        entity: 'import',
        entityId: row.id,
        action: 'upload',
        changes: {
          kind: [null, row.kind],
          fileName: [null, row.filename],
          status: [null, row.status],
        },
      });
    }),
  );
  return toView(row);
}

export async function getImport(ctx: Ctx, id: string): Promise<ImportView> {
  ctx.can('read', 'import');
  const row = await mapped(() => store.getImportMeta(ctx.db, id));
  if (!row) throw notFound('import', id);
  return toView(row);
}

export async function listImports(ctx: Ctx, limit = 50): Promise<ImportView[]> {
  ctx.can('read', 'import');
  return (await mapped(() => store.listImports(ctx.db, limit))).map(toView);
}

function rejection(id: string, report: ImportReport): AppError {
  return new AppError('validation', blockingReason(report) ?? 'the import cannot be applied', {
    importId: id,
    badRows: report.badRows,
    errorCount: report.errorCount,
    needsInput: report.needsInput,
    problems: report.problems,
    errors: report.errors.slice(0, 100),
  });
}

/**
 * Apply a stored upload, all or nothing. `overrides` replace the stored mapping or date
 * format (e.g. after a needs_input dry run). Applying twice is a conflict.
 */
export async function applyImport(
  ctx: Ctx,
  id: string,
  overrides: ImportOptions = {},
  opts: RunOptions = {},
): Promise<ImportView> {
  ctx.can('write', 'import');
  const stored = await mapped(() => store.getImportForApply(ctx.db, ctx.dialect, id));
  if (!stored) throw notFound('import', id);
  if (stored.status === 'applied')
    throw new AppError('conflict', `import ${id} was already applied at ${stored.applied_at}`, {
      importId: id,
    });
  const options: ImportOptions = {
    ...(parseJsonObject(stored.options) as ImportOptions),
    ...stripUndefined(overrides),
  };
  const source = textSource(stored.content, stored.filename);
  const kind = stored.kind as ImportKind;
  const save = (status: ImportStatus, report: ImportReport) =>
    mapped(() =>
      inTx(ctx.db, async (trx) => {
        await store.updateImport(trx, id, {
          status,
          report: JSON.stringify(report),
          options: JSON.stringify(options),
        });
        await recordAudit(ctx, trx, {
          entity: 'import',
          entityId: id,
          action: 'check',
          changes: { status: [stored.status, status], badRows: [null, report.badRows] },
        });
      }),
    );
  const appliedAt = ctx.now().toISOString();
  try {
    const { analysis, result } = await withAnalysis(
      kind,
      source,
      { ...opts, ...options },
      !ctx.db.isTransaction,
      (a) =>
        applyInTx(
          ctx,
          source,
          a,
          id,
          opts,
          async (trx) => {
            // Re-read under the transaction (locked on PostgreSQL) so two applies cannot both run.
            const current = await store.getImportForApply(trx, ctx.dialect, id);
            if (current?.status === 'applied')
              throw new AppError(
                'conflict',
                `import ${id} was already applied at ${current.applied_at}`,
                { importId: id },
              );
          },
          (trx, r) =>
            store.updateImport(trx, id, {
              status: 'applied',
              report: JSON.stringify(r),
              options: JSON.stringify(options),
              applied_at: appliedAt,
            }),
        ),
    );
    if (!result) {
      const report = analysisReport(analysis);
      await save(statusOf(report), report);
      throw rejection(id, report);
    }
    return { ...toView(stored), status: 'applied', appliedAt, options, report: result };
  } catch (err) {
    if (!(err instanceof ImportRejected)) throw err;
    await save('invalid', err.report);
    throw rejection(id, err.report);
  }
}

function stripUndefined(o: ImportOptions): ImportOptions {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as ImportOptions;
}
