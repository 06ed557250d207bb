import type { Ctx } from '../../core/context.js';
import { isIsoDate, toIsoDate, type IsoDate } from '../../core/clock.js';
import { invalid } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { inTx, type Executor } from '../../db/database.js';
import { recordAudit } from '../../audit/record.js';
import * as timeline from '../../accounts/timeline/service.js';
import { listModels, modelVersions } from '../models/service.js';
import * as figures from './figures-store.js';
import {
  ALERT_KINDS,
  lowestTier,
  scaleFrom,
  scaleKey,
  windowsAt,
  type AlertKind,
  type AlertSettings,
  type AlertWindows,
  type Finding,
  type ScaleOf,
  type TierScale,
} from './kinds.js';
import {
  championLeft,
  detractorNps,
  onboardingNoLogin,
  redNoIntervention,
  renewalRisk,
  scoreDrop,
  supportSpike,
  tierChanges,
  usageDrop,
} from './model.js';
import { readAlertSettings } from './settings.js';
import * as store from './store.js';

/**
 * Evaluating alerts for a day: every rule over every account in one set-based pass each
 * (figures-store.ts), the pure rules (model.ts), then one transaction that inserts what is
 * new — ON CONFLICT (account, kind, cause) DO NOTHING, so evaluating again, the same day or
 * the next, never duplicates an alert and never reopens one a CSM resolved — with an
 * 'alert' timeline entry for each new alert and one audit entry for the run.
 */

export interface AlertRun {
  day: IsoDate;
  /** The number of accounts asked for, or all. */
  scope: number | 'all';
  created: number;
  byKind: Record<AlertKind, number>;
}

/** Bind at most this many ids; a longer list evaluates everyone and keeps its accounts. */
const MAX_BOUND_IDS = 500;

interface Scales {
  scaleOf: ScaleOf;
  lowest: figures.LowestTier[];
}

/** The tiers of every version of every model, for the snapshots that name them. */
async function tierScales(ctx: Ctx): Promise<Scales> {
  const keys = (await listModels(ctx)).map((m) => m.key);
  const versions = (await Promise.all(keys.map((k) => modelVersions(ctx, k)))).flat();
  const scales = new Map<string, TierScale>();
  const lowest: figures.LowestTier[] = [];
  for (const v of versions) {
    const scale = scaleFrom(v.def.tiers);
    scales.set(scaleKey(v.key, v.version), scale);
    const tier = lowestTier(scale);
    if (tier) lowest.push({ modelKey: v.key, modelVersion: v.version, tier });
  }
  return { scaleOf: (key, version) => scales.get(scaleKey(key, version)), lowest };
}

/** Every finding of every rule for the accounts in scope as of the end of D. */
async function findAll(
  db: Executor,
  scope: figures.Scope,
  w: AlertWindows,
  s: AlertSettings,
  { scaleOf, lowest }: Scales,
): Promise<Finding[]> {
  const day = w.day;
  const bar = Math.round(s.scoreDropPoints * 10);
  const [
    series,
    lastDrops,
    coveredTiers,
    usage,
    champions,
    tickets,
    nps,
    onboarding,
    renewals,
    reds,
  ] = await Promise.all([
    figures.scoreSeries(db, scope, w, bar),
    store.recentScoreDrops(db, scope, w.seriesFrom, day),
    store.coveredTierChanges(db, scope, w.seriesFrom, day),
    figures.usageFigures(db, scope, w, s.usageDropMinUsers),
    figures.championExits(db, scope, w),
    figures.ticketFigures(db, scope, w, s.supportSpikeMinTickets),
    figures.detractorAnswers(db, scope, w),
    figures.onboardingFigures(db, scope, w, s),
    figures.renewalFigures(db, scope, w),
    figures.redRuns(db, scope, w, lowest),
  ]);
  const out: (Finding | null)[] = [];
  for (const [accountId, points] of series) {
    out.push(scoreDrop(accountId, points, s, day, lastDrops.get(accountId) ?? null));
    out.push(...tierChanges(accountId, points, s, day, scaleOf, coveredTiers.get(accountId)));
  }
  out.push(...usage.map((f) => usageDrop(f, s, w)));
  out.push(...champions.map((c) => championLeft(c, w)));
  out.push(...tickets.map((f) => supportSpike(f, s, w)));
  out.push(...nps.map((a) => detractorNps(a, w)));
  out.push(...onboarding.map((a) => onboardingNoLogin(a, s, day)));
  out.push(...renewals.map((r) => renewalRisk(r, s, day, scaleOf)));
  out.push(...reds.map((r) => redNoIntervention(r, s, day)));
  return out.filter((f): f is Finding => f !== null);
}

function checkDay(ctx: Ctx, day: IsoDate): void {
  if (!isIsoDate(day)) throw invalid('day', 'expected a date YYYY-MM-DD');
  const today = toIsoDate(ctx.now());
  if (day > today) throw invalid('day', `must not be after today (${today})`);
}

/**
 * Evaluate every rule for a day (all live accounts, or the given ones) and raise the alerts
 * that are new. Returns how many were raised, by kind; the run is audited.
 */
export async function evaluateAlerts(
  ctx: Ctx,
  day: IsoDate,
  accountIds?: readonly string[],
): Promise<AlertRun> {
  ctx.can('write', 'health_model');
  checkDay(ctx, day);
  const ids = accountIds ? [...new Set(accountIds)] : undefined;
  const s = await readAlertSettings(ctx.db);
  const w = windowsAt(day, s);
  let found: Finding[] = [];
  if (ids?.length !== 0) {
    const scope = ids && ids.length <= MAX_BOUND_IDS ? ids : 'all';
    found = await findAll(ctx.db, scope, w, s, await tierScales(ctx));
    if (ids && scope === 'all') {
      const wanted = new Set(ids);
      found = found.filter((f) => wanted.has(f.accountId));
    }
  }
  const now = ctx.now();
  const at = now.toISOString();
  // A past day's alerts sit on the timeline at the end of that day, not among today's.
  const occurredAt = day < toIsoDate(now) ? `${day}T23:59:59.999Z` : at;
  const rows: store.AlertRow[] = found.map((f) => ({
    id: newId('alr', now.getTime()),
    account_id: f.accountId,
    kind: f.kind,
    cause_key: f.causeKey,
    severity: f.severity,
    status: 'open',
    title: f.title,
    reason: f.reason,
    evidence: JSON.stringify(f.evidence),
    day,
    created_at: at,
    updated_at: at,
    snoozed_until: null,
    resolved_at: null,
    // Who last changed its status: nobody yet.
    updated_by: null,
  }));
  return inTx(ctx.db, async (trx) => {
    const created = await store.insertAlerts(trx, rows);
    const byAccount = new Map<string, store.AlertRow[]>();
    for (const r of created)
      byAccount.set(r.account_id, [...(byAccount.get(r.account_id) ?? []), r]);
    // One statement per account with new alerts (the timeline service writes one account's).
    for (const [accountId, list] of byAccount)
      await timeline.record(
        ctx,
        trx,
        accountId,
        list.map((r) => ({
          kind: 'alert' as const,
          title: r.title,
          body: r.reason,
          occurredAt,
          data: { alertId: r.id, kind: r.kind, severity: r.severity, causeKey: r.cause_key },
        })),
      );
    const byKind = Object.fromEntries(ALERT_KINDS.map((k) => [k, 0])) as Record<AlertKind, number>;
    for (const r of created) byKind[r.kind as AlertKind] += 1;
    const run: AlertRun = { day, scope: ids ? ids.length : 'all', created: created.length, byKind };
    await recordAudit(ctx, trx, {
      entity: 'health_alert_run',
      entityId: day,
      action: 'evaluate',
      changes: { scope: [null, run.scope], created: [null, run.created] },
    });
    return run;
  });
}
