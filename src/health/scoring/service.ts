import { assertReadable, type Ctx } from '../../core/context.js';
import { AppError, invalid } from '../../core/errors.js';
import { recordAudit } from '../../audit/record.js';
import { addDays, isIsoDate, toIsoDate, type IsoDate } from '../../core/clock.js';
import { inTx } from '../../db/database.js';
import { explainChange, type Explanation, type Side } from '../model/drivers.js';
import { pickModel } from '../model/pick.js';
import { scoreWith, type HealthScore } from '../model/score.js';
import { measuresAt } from '../measures/service.js';
import { activeModels, getModelVersion } from '../models/service.js';
import { sweepTimeline } from '../dirty.js';
import { detailOf, NO_VALUES, valuesFromScore, valuesOf } from './detail.js';
import * as store from './store.js';

/**
 * Scoring (C2): a snapshot per account per day, written in sets. A snapshot stores the
 * measure values and the model version; scores, dimensions and contributions are recomputed
 * from them on read (the model is pure), so what is shown is exactly what was scored.
 */

export interface Snapshot {
  accountId: string;
  day: IsoDate;
  modelKey: string;
  modelVersion: number;
  modelId: string;
  score: HealthScore;
}

export interface ScoreRun {
  day: IsoDate;
  scored: number;
  byTier: Record<string, number>;
}

const CHUNK = 5000;

/** Refuse days after today: a score may only use what has happened. */
function checkScorableDay(ctx: Ctx, day: IsoDate): void {
  if (!isIsoDate(day)) throw invalid('day', 'expected a date YYYY-MM-DD');
  if (day > toIsoDate(ctx.now())) throw invalid('day', `${day} is in the future`);
}

/**
 * Score accounts as of a day (all live ones when ids are omitted), without storing.
 * Measures use only records dated by the end of that day, so a past day can be backfilled.
 */
async function computeSnapshots(
  ctx: Ctx,
  day: IsoDate,
  accountIds?: readonly string[],
): Promise<store.SnapshotRow[]> {
  ctx.can('read', 'account');
  checkScorableDay(ctx, day);
  const models = await activeModels(ctx);
  if (models.length === 0) throw new AppError('conflict', 'no active health model');
  const accounts = await store.accountsToScore(ctx.db, day, accountIds);
  if (accounts.length === 0) return [];
  const at = ctx.now().toISOString();
  // All accounts: one set of aggregates over everything; given ids: only theirs.
  const values = await measuresAt(ctx, day, accountIds ? accounts.map((a) => a.id) : undefined);
  const rows: store.SnapshotRow[] = [];
  for (const a of accounts) {
    const model = pickModel(models, a);
    const v = values.get(a.id);
    if (!model || !v) continue;
    const s = scoreWith(model.def, v);
    rows.push({
      account_id: a.id,
      day,
      model_id: model.id,
      model_key: model.key,
      model_version: model.version,
      composite_tenths: s.compositeTenths,
      tier: s.tier,
      coverage: s.coverage,
      detail: detailOf(model.def, v),
      computed_at: at,
    });
  }
  return rows;
}

/** Score and store one day's snapshots (bookkeeping: the caller audits a run). */
export async function scoreDay(
  ctx: Ctx,
  day: IsoDate,
  accountIds?: readonly string[],
): Promise<ScoreRun> {
  const rows = await computeSnapshots(ctx, day, accountIds);
  const byTier: Record<string, number> = {};
  for (const r of rows) byTier[r.tier ?? 'none'] = (byTier[r.tier ?? 'none'] ?? 0) + 1;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    await inTx(ctx.db, (trx) => store.upsertSnapshots(trx, part));
  }
  return { day, scored: rows.length, byTier };
}

/** Score a range of days (a backfill, or one day), with progress and one audit entry. */
export async function scoreDays(
  ctx: Ctx,
  from: IsoDate,
  to: IsoDate,
  onProgress?: (done: number, total: number, day: IsoDate) => void,
): Promise<{ days: ScoreRun[]; scored: number }> {
  ctx.can('write', 'health_model');
  checkScorableDay(ctx, from);
  checkScorableDay(ctx, to);
  if (from > to) throw invalid('from', 'must not be after to');
  const list = daysFrom(from, to);
  if (list.length > 3660) throw invalid('from', 'at most ten years at a time');
  const days: ScoreRun[] = [];
  for (const [i, day] of list.entries()) {
    days.push(await scoreDay(ctx, day));
    onProgress?.(i + 1, list.length, day);
  }
  const scored = days.reduce((s, d) => s + d.scored, 0);
  await recordAudit(ctx, ctx.db, {
    entity: 'health_score_run',
    entityId: from === to ? from : `${from}..${to}`,
    action: 'score',
    changes: { days: [null, list.length], snapshots: [null, scored] },
  });
  return { days, scored };
}

/** Rescore the accounts whose inputs changed (events, imports, manual measures), today; their ids. */
export async function rescoreDirty(ctx: Ctx, limit = 2000): Promise<string[]> {
  await sweepTimeline(ctx.db, ctx.now());
  const taken = await store.takeDirty(ctx.db, limit);
  if (taken.length === 0) return [];
  const today = ctx.now().toISOString().slice(0, 10);
  await scoreDay(
    ctx,
    today,
    taken.map((t) => t.account_id),
  );
  await store.clearDirty(ctx.db, taken);
  return taken.map((t) => t.account_id);
}

/** The daily full rescore, once per day: true when it ran. */
export async function dailyRescore(ctx: Ctx): Promise<boolean> {
  const today = ctx.now().toISOString().slice(0, 10);
  const live = await store.accountsToScore(ctx.db, today);
  if ((await store.countSnapshotsOn(ctx.db, today)) >= live.length) return false;
  await scoreDays(ctx, today, today);
  return true;
}

/**
 * Fill in the history of a fresh install or import: score the most recent day of the last
 * `days` that has no snapshot yet. Returns that day, or null when the history is complete.
 * Called repeatedly by the server in the background, one day at a time.
 */
export async function backfillOneDay(ctx: Ctx, days = 90): Promise<IsoDate | null> {
  const today = toIsoDate(ctx.now());
  for (let i = 1; i < days; i++) {
    const day = addDays(today, -i);
    if ((await store.countSnapshotsOn(ctx.db, day)) > 0) continue;
    if ((await store.accountsToScore(ctx.db, day)).length === 0) return null;
    await scoreDays(ctx, day, day);
    return day;
  }
  return null;
}

async function toSnapshot(ctx: Ctx, row: store.SnapshotRow): Promise<Snapshot> {
  const model = await getModelVersion(ctx, row.model_key, row.model_version);
  return {
    accountId: row.account_id,
    day: row.day,
    modelKey: row.model_key,
    modelVersion: row.model_version,
    modelId: row.model_id,
    score: scoreWith(model.def, valuesOf(row.detail)),
  };
}

/**
 * An account's health on a day: its snapshot, or when the day has none yet a score computed
 * now (not stored: reading never writes). Not found when the account had no score that day.
 */
export async function healthOn(ctx: Ctx, accountId: string, day: IsoDate): Promise<Snapshot> {
  assertReadable(ctx, 'account', 'account', accountId);
  const stored = await store.snapshotAtOrBefore(ctx.db, accountId, day);
  if (stored?.day === day) return toSnapshot(ctx, stored);
  const [fresh] = await computeSnapshots(ctx, day, [accountId]);
  if (fresh) return toSnapshot(ctx, fresh);
  throw new AppError('not_found', `account ${accountId} has no health score on ${day}`);
}

export interface TrendPoint {
  day: IsoDate;
  composite: number | null;
  tier: string | null;
  coverage: number;
  modelKey: string;
  modelVersion: number;
}

/** Daily history with markers where the model version changed. */
export async function healthTrend(
  ctx: Ctx,
  accountId: string,
  from: IsoDate,
  to: IsoDate,
): Promise<{ points: TrendPoint[]; versionChanges: { day: IsoDate; from: string; to: string }[] }> {
  assertReadable(ctx, 'account', 'account', accountId);
  const rows = await store.snapshotsBetween(ctx.db, accountId, from, to);
  const versionChanges: { day: IsoDate; from: string; to: string }[] = [];
  let prev: store.SnapshotRow | undefined;
  for (const r of rows) {
    if (prev && prev.model_id !== r.model_id)
      versionChanges.push({
        day: r.day,
        from: `${prev.model_key} v${prev.model_version}`,
        to: `${r.model_key} v${r.model_version}`,
      });
    prev = r;
  }
  return {
    points: rows.map((r) => ({
      day: r.day,
      composite: r.composite_tenths === null ? null : r.composite_tenths / 10,
      tier: r.tier,
      coverage: r.coverage,
      modelKey: r.model_key,
      modelVersion: r.model_version,
    })),
    versionChanges,
  };
}

/** Why the score moved between two days: contributions that add up to the change exactly. */
export async function explainHealth(
  ctx: Ctx,
  accountId: string,
  from: IsoDate,
  to: IsoDate,
): Promise<Explanation & { from: Snapshot; to: Snapshot }> {
  if (from > to) throw invalid('from', 'must not be after to');
  const b = await healthOn(ctx, accountId, to);
  const sideOf = async (snap: Snapshot): Promise<Side> => {
    const model = await getModelVersion(ctx, snap.modelKey, snap.modelVersion);
    return {
      def: model.def,
      modelId: model.key,
      version: model.version,
      values: valuesFromScore(snap.score),
    };
  };
  const toSide = await sideOf(b);
  // An account too young for `from` starts from no score (counted as 0).
  const a = await healthOn(ctx, accountId, from).catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'not_found')
      return { ...b, day: from, score: scoreWith(toSide.def, NO_VALUES) };
    throw err;
  });
  return { ...explainChange(await sideOf(a), toSide), from: a, to: b };
}

/** Days from `from` to `to`, inclusive, for backfills. */
export function daysFrom(from: IsoDate, to: IsoDate): IsoDate[] {
  const out: IsoDate[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}
