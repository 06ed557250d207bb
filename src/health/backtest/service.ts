import type { Ctx } from '../../core/context.js';
import { AppError, invalid } from '../../core/errors.js';
import { addDays, isIsoDate, toIsoDate, type IsoDate } from '../../core/clock.js';
import { newId } from '../../core/ids.js';
import { inTx } from '../../db/database.js';
import { recordAudit } from '../../audit/record.js';
import type { HealthModelDef, ModelDimension } from '../model/definition.js';
import { scoreWith } from '../model/score.js';
import { measuresAtMany } from '../measures/service.js';
import type { MeasureId } from '../measures/registry.js';
import {
  activeModels,
  getModelVersion,
  saveModel,
  DEFAULT_MODEL_KEY,
  type ModelVersion,
} from '../models/service.js';
import { findOutcomes, firstUsageDay, matchedAsOfDates } from './outcomes.js';
import { buildReport, type BacktestReport, type Sample } from './report.js';

/**
 * The backtest (C4) end to end: outcomes from history, each account scored as of the
 * horizon before its outcome with only the data of that day, the report, and adopting the
 * fitted weights as a new model version.
 */

export interface BacktestParams {
  modelKey?: string;
  version?: number;
  /** Days between the score and the outcome it should predict (default 90). */
  horizonDays?: number;
  from?: IsoDate;
  to?: IsoDate;
  /** Fit on outcomes up to this day, judge on the later ones (default: 60% of the span). */
  trainUntil?: IsoDate;
}

export interface Backtest {
  id: string;
  createdAt: string;
  model: { key: string; version: number; name: string };
  params: Required<Omit<BacktestParams, 'modelKey' | 'version'>>;
  report: BacktestReport;
}

/**
 * Measures the backtest treats as missing. Days to renewal is fixed by how outcomes are
 * sampled, not by the account's health: a renewal is scored exactly the horizon before its
 * term end, a churn at the horizon before whenever it left. Left in, it "predicts" churn
 * almost perfectly from the sampling alone (held-out AUC 0.99 on the demo at 60 days).
 */
export const ANCHORED = { 'commercial.days_to_renewal': null } as const;

function checkDate(field: string, v: IsoDate | undefined): void {
  if (v !== undefined && !isIsoDate(v)) throw invalid(field, 'expected a date YYYY-MM-DD');
}

/** The day splitting the outcomes 60/40 in time: fit on the earlier, test on the later. */
function splitDay(dates: readonly IsoDate[], from: IsoDate): IsoDate {
  if (dates.length === 0) return from;
  const sorted = [...dates].sort();
  return sorted[Math.floor(sorted.length * 0.6)]!;
}

export async function runBacktest(ctx: Ctx, params: BacktestParams = {}): Promise<Backtest> {
  ctx.can('read', 'health_model');
  const horizon = params.horizonDays ?? 90;
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > 730)
    throw invalid('horizonDays', 'expected a whole number of days from 1 to 730');
  checkDate('from', params.from);
  checkDate('to', params.to);
  checkDate('trainUntil', params.trainUntil);
  const today = toIsoDate(ctx.now());
  const to = params.to ?? today;
  // By default from where usage is recorded plus the horizon: an outcome scored before any
  // usage existed tests a different model (one without its usage measures).
  const usageFrom = await firstUsageDay(ctx.db);
  const from =
    params.from ??
    [addDays(to, -3 * 365), usageFrom ? addDays(usageFrom, horizon) : ''].sort().pop()!;
  if (to > today) throw invalid('to', 'an outcome cannot be judged before it happens');
  if (from > to) throw invalid('from', `must not be after to (${to})`);
  const model = params.modelKey
    ? await getModelVersion(ctx, params.modelKey, params.version)
    : ((await activeModels(ctx)).find((m) => m.key === DEFAULT_MODEL_KEY) ??
      (await activeModels(ctx))[0]);
  if (!model) throw new AppError('conflict', 'no active health model to backtest');

  const outcomes = await findOutcomes(ctx.db, { from, to, today });
  const { matched } = matchedAsOfDates(outcomes, horizon);
  const values = await measuresAtMany(
    ctx,
    matched.map((o) => ({ accountId: o.accountId, asOf: o.asOf })),
  );
  const samples: Sample[] = matched.map((o) => {
    const raw = values.get(`${o.accountId}|${o.asOf}`);
    const v = raw ? { ...raw, ...ANCHORED } : undefined;
    const s = v ? scoreWith(model.def, v) : null;
    const measureScores: Partial<Record<MeasureId, number | null>> = {};
    for (const m of s?.measures ?? []) measureScores[m.measure] = m.score;
    return {
      accountId: o.accountId,
      asOf: o.asOf,
      outcomeDate: o.date,
      churned: o.kind === 'churned',
      arrMinor: o.arrMinor,
      currency: o.currency,
      compositeTenths: s?.compositeTenths ?? null,
      tier: s?.tier ?? null,
      measureScores,
    };
  });
  const trainUntil =
    params.trainUntil ??
    splitDay(
      matched.map((o) => o.date),
      from,
    );
  const report = buildReport({ samples, tiers: model.def.tiers, trainUntil });
  const id = newId('btr', ctx.now().getTime());
  const createdAt = ctx.now().toISOString();
  const used = { horizonDays: horizon, from, to, trainUntil };
  await inTx(ctx.db, async (trx) => {
    await trx
      .insertInto('health_backtests')
      .values({
        id,
        model_id: model.id,
        params: JSON.stringify(used),
        report: JSON.stringify(report),
        created_at: createdAt,
        created_by: `${ctx.actor.kind}:${ctx.actor.id}`,
      })
      .execute();
    await recordAudit(ctx, trx, {
      entity: 'health_backtest',
      entityId: id,
      action: 'run',
      after: { model: model.key, version: model.version, ...used, verdict: report.verdict.kind },
    });
  });
  return {
    id,
    createdAt,
    model: { key: model.key, version: model.version, name: model.name },
    params: used,
    report,
  };
}

export async function getBacktest(ctx: Ctx, id: string): Promise<Backtest> {
  ctx.can('read', 'health_model');
  const row = await ctx.db
    .selectFrom('health_backtests as b')
    .innerJoin('health_models as m', 'm.id', 'b.model_id')
    .select(['b.id', 'b.created_at', 'b.params', 'b.report', 'm.key', 'm.version', 'm.name'])
    .where('b.id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', `backtest ${id} not found`);
  return {
    id: row.id,
    createdAt: row.created_at,
    model: { key: row.key, version: row.version, name: row.name },
    params: JSON.parse(row.params) as Backtest['params'],
    report: JSON.parse(row.report) as BacktestReport,
  };
}

export interface BacktestSummary {
  id: string;
  createdAt: string;
  model: Backtest['model'];
  params: Backtest['params'];
  verdict: BacktestReport['verdict'];
  auc: number | null;
  fittedStatus: BacktestReport['fitted']['status'];
}

/** The latest backtests, newest first. */
export async function listBacktests(ctx: Ctx, limit = 50): Promise<BacktestSummary[]> {
  ctx.can('read', 'health_model');
  const rows = await ctx.db
    .selectFrom('health_backtests as b')
    .innerJoin('health_models as m', 'm.id', 'b.model_id')
    .select(['b.id', 'b.created_at', 'b.params', 'b.report', 'm.key', 'm.version', 'm.name'])
    .orderBy('b.created_at', 'desc')
    .orderBy('b.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => {
    const report = JSON.parse(r.report) as BacktestReport;
    return {
      id: r.id,
      createdAt: r.created_at,
      model: { key: r.key, version: r.version, name: r.name },
      params: JSON.parse(r.params) as Backtest['params'],
      verdict: report.verdict,
      auc: report.auc?.auc ?? null,
      fittedStatus: report.fitted.status,
    };
  });
}

/**
 * The model with the fitted weights: each measure keeps its bands and dimension, weighted by
 * its fitted weight; a dimension weighs the sum of its measures'. Measures fitted at 0 (and
 * dimensions left empty) drop out, so the composite is the fitted weighted mean.
 */
export function withFittedWeights(
  def: HealthModelDef,
  weights: readonly { measure: MeasureId; weight: number }[],
): HealthModelDef {
  const w = new Map(weights.map((x) => [x.measure, x.weight]));
  const dimensions: ModelDimension[] = [];
  for (const d of def.dimensions) {
    const measures = d.measures
      .filter((m) => (w.get(m.measure) ?? 0) > 0)
      .map((m) => ({ ...m, weight: w.get(m.measure)! }));
    const total = measures.reduce((s, m) => s + m.weight, 0);
    if (total > 0) dimensions.push({ ...d, weight: total, measures });
  }
  const sum = dimensions.reduce((s, d) => s + d.weight, 0);
  if (dimensions.length === 0 || sum !== 100)
    throw new AppError('conflict', 'the fitted weights do not cover the model; nothing to adopt');
  return { ...def, dimensions };
}

/** Adopt a backtest's fitted weights as the next version of the model it tested. */
export async function adoptFittedWeights(
  ctx: Ctx,
  backtestId: string,
): Promise<{ model: ModelVersion; created: boolean }> {
  ctx.can('write', 'health_model');
  const bt = await getBacktest(ctx, backtestId);
  if (bt.report.fitted.status !== 'fitted')
    throw new AppError(
      'conflict',
      `backtest ${backtestId} has no tested fitted weights to adopt: ${bt.report.fitted.text}`,
    );
  const current = await getModelVersion(ctx, bt.model.key);
  // The weights were fitted to the tested version's measures and bands.
  if (current.version !== bt.model.version)
    throw new AppError(
      'conflict',
      `${bt.model.key} has changed since backtest ${backtestId} tested v${bt.model.version} ` +
        `(it is at v${current.version}); run the backtest again`,
    );
  const def = withFittedWeights(current.def, bt.report.fitted.weights);
  return inTx(ctx.db, async (trx) => {
    const saved = await saveModel({ ...ctx, db: trx }, def, {
      note: `fitted weights from backtest ${backtestId}`,
    });
    await recordAudit(ctx, trx, {
      entity: 'health_backtest',
      entityId: backtestId,
      action: 'adopt',
      after: { model: saved.model.key, version: saved.model.version },
    });
    return saved;
  });
}
