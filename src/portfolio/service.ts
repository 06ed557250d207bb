import type { Ctx } from '../core/context.js';
import { toIsoDate, type IsoDate } from '../core/clock.js';
import type { Subject } from '../identity/permissions.js';
import { effectiveStatus } from '../health/alerts/kinds.js';
import { scoreWith } from '../health/model/score.js';
import { getModelVersion, type ModelVersion } from '../health/models/service.js';
import { valuesOf } from '../health/scoring/detail.js';
import {
  displayName,
  ownerFilter,
  scopeFor,
  trendOf,
  trendWindow,
  type Scope,
  type TrendWindow,
} from './model.js';
import * as store from './store.js';
import { openTaskCounts } from '../tasks/store.js';

/**
 * The portfolio: every live account in a scope with what the portfolio page shows of it —
 * revenue, renewal, owner, health with its 30-day trend, open alerts and the last touch —
 * in one answer, from a fixed number of queries however large the book.
 */

export interface PortfolioHealth {
  /** The composite, 0–100 with one decimal; null when no measure had data that day. */
  score: number | null;
  tier: string | null;
  /** The day of the latest snapshot (on or before today). */
  date: IsoDate;
  /** The daily composite of the 30 days ending at `date`, oldest first; null for missing days. */
  trend: (number | null)[];
}

export interface PortfolioRow {
  id: string;
  name: string;
  segment: string;
  stage: string;
  industry: string | null;
  region: string | null;
  currency: string;
  arrMinor: number;
  renewalDate: string | null;
  owner: { id: string; name: string } | null;
  /** Null when the account has never been scored. */
  health: PortfolioHealth | null;
  openAlerts: number;
  /** Open and in-progress tasks on the account, whoever they are assigned to. */
  openTasks: number;
  lastTouchAt: string | null;
}

export interface Portfolio {
  asOf: string;
  /** The scope applied: the one asked for, or the caller's default; always all for an API key. */
  scope: Scope;
  rows: PortfolioRow[];
}

export interface PortfolioInput {
  scope?: Scope;
}

/**
 * `viewer` is the signed-in user as the permission check sees them (role and team), which
 * "mine" and "team" are relative to; null for an API key or the operator (everything).
 */
export async function portfolio(
  ctx: Ctx,
  input: PortfolioInput,
  viewer: Subject | null,
): Promise<Portfolio> {
  ctx.can('read', 'account');
  const now = ctx.now();
  const asOf = now.toISOString();
  const scope = scopeFor(input.scope, viewer);
  const filter = ownerFilter(scope, viewer);
  const [accounts, snapshots, alerts, tasks] = await Promise.all([
    store.portfolioAccounts(ctx.db, ctx.dialect, filter, asOf),
    store.latestSnapshots(ctx.db, ctx.dialect, filter, toIsoDate(now)),
    store.openableAlerts(ctx.db, filter),
    openTaskCounts(ctx.db),
  ]);

  const health = await healthByAccount(ctx, snapshots);
  const openAlerts = new Map<string, number>();
  for (const a of alerts)
    if (effectiveStatus(a.status, a.snoozed_until, asOf) === 'open')
      openAlerts.set(a.account_id, (openAlerts.get(a.account_id) ?? 0) + 1);

  const rows = accounts.map((a): PortfolioRow => ({
    id: a.id,
    name: a.name,
    segment: a.segment,
    stage: a.stage,
    industry: a.industry,
    region: a.region,
    currency: a.currency,
    arrMinor: a.mrr_minor * 12,
    renewalDate: a.renewal_date,
    owner: a.owner_id
      ? {
          id: a.owner_id,
          name: displayName({ name: a.owner_name ?? '', email: a.owner_email ?? '' }),
        }
      : null,
    health: health.get(a.id) ?? null,
    openAlerts: openAlerts.get(a.id) ?? 0,
    openTasks: tasks.get(a.id) ?? 0,
    lastTouchAt: a.last_touch_at,
  }));
  return { asOf, scope, rows };
}

/**
 * Each scored account's health: its latest snapshot scored with its own model version, as
 * every health read does (each version loaded once), and the trend of the days before it.
 */
async function healthByAccount(
  ctx: Ctx,
  snapshots: readonly store.LatestSnapshotRow[],
): Promise<Map<string, PortfolioHealth>> {
  const models = new Map<string, Promise<ModelVersion>>();
  const modelOf = (key: string, version: number): Promise<ModelVersion> => {
    const k = `${key}@${version}`;
    let m = models.get(k);
    if (!m) models.set(k, (m = getModelVersion(ctx, key, version)));
    return m;
  };
  // Most accounts share their latest day (today): compute each window once.
  const windows = new Map<string, TrendWindow>();
  const out = new Map<string, PortfolioHealth>();
  for (const s of snapshots) {
    const model = await modelOf(s.model_key, s.model_version);
    const score = scoreWith(model.def, valuesOf(s.detail));
    let window = windows.get(s.day);
    if (!window) windows.set(s.day, (window = trendWindow(s.day)));
    out.set(s.account_id, {
      score: score.composite,
      tier: score.tier,
      date: s.day,
      trend: trendOf(window, s.trend),
    });
  }
  return out;
}
