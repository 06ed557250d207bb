import { addDays, daysBetween, toIsoDate, type IsoDate } from '../core/clock.js';
import type { Ctx } from '../core/context.js';
import type { RenewalSignalsTable } from '../db/schema-renewals.js';
import { readFeatureMap } from '../usage/settings.js';
import {
  expansionSignals,
  readiness,
  scoreOf,
  type Criterion,
  type SignalHit,
} from './expansion-model.js';
import { bucketOf, type AlertSeverity } from './model.js';
import { readRenewalSettings } from './settings.js';
import * as q from './signals-store.js';

/**
 * Work out every account's renewal signals (health tier, alerts, usage trend, expansion
 * signals and readiness) and its bucket, and store them: the pipeline then reads buckets
 * with one join. Runs for the whole book from a job, and for single accounts on demand.
 */

const SEVERITY: AlertSeverity[] = ['critical', 'high', 'medium', 'low'];

export interface ExpansionDetail {
  signals: SignalHit[];
  readiness: Criterion[];
  activeUsers30d: number;
  licensedSeats: number | null;
}

function departmentOf(traits: string): string | null {
  try {
    const t = JSON.parse(traits) as Record<string, unknown>;
    const d = t.department ?? t.dept;
    return typeof d === 'string' && d.trim() ? d.trim() : null;
  } catch {
    return null;
  }
}

/** Departments whose first user arrived in the last 30 days, per account. */
function newDepartments(
  rows: { account_id: string | null; first_seen_at: string; traits: string }[],
  since: string,
): Map<string, string[]> {
  const byAccount = new Map<string, { old: Set<string>; fresh: Set<string> }>();
  for (const r of rows) {
    const d = departmentOf(r.traits);
    if (!r.account_id || !d) continue;
    const e = byAccount.get(r.account_id) ?? { old: new Set(), fresh: new Set() };
    (r.first_seen_at >= since ? e.fresh : e.old).add(d);
    byAccount.set(r.account_id, e);
  }
  const out = new Map<string, string[]>();
  for (const [id, e] of byAccount) {
    // An account's first users are not a new department: there was none to compare with.
    if (e.old.size === 0) continue;
    const fresh = [...e.fresh].filter((d) => !e.old.has(d)).sort();
    if (fresh.length > 0) out.set(id, fresh);
  }
  return out;
}

/** Compute and store signals; `ids` limits it to some accounts. Returns how many. */
export async function refreshSignals(
  ctx: Ctx,
  ids?: readonly string[],
): Promise<{ accounts: number }> {
  const db = ctx.db;
  const today = toIsoDate(ctx.now());
  const settings = await readRenewalSettings(db);
  const features = await readFeatureMap(db);
  const ranks = await q.tierRanks(db);
  const accounts = await q.accountIds(db, ids);
  const scope = ids ? accounts : undefined;
  const [health, green, alerts, users, subs, events, traits, execs, tickets] = await Promise.all([
    q.latestHealth(db, scope),
    q.greenSince(db, scope, ranks),
    q.openAlerts(db, scope),
    q.activeUsers(db, scope, today),
    q.liveSubscriptions(db, scope),
    q.eventDays(db, scope, today),
    q.recentUserTraits(db, scope, today),
    q.execTouches(db, scope, today),
    q.urgentTickets(db, scope),
  ]);
  const by = <T extends { account_id: string | null }>(rows: T[]) =>
    new Map(rows.flatMap((r) => (r.account_id ? [[r.account_id, r] as const] : [])));
  const healthOf = by(health);
  const greenOf = by(green);
  const alertsOf = by(alerts);
  const usersOf = by(users);
  const subsOf = by(subs);
  const execOf = by(execs);
  const ticketsOf = by(tickets);
  const d30 = addDays(today, -29);
  const limit = new Set(settings.expansion.limitEvents);
  const premium = new Set(settings.expansion.premiumEvents);
  const ev = new Map<string, { limit: number; premium: number; first: Map<string, string> }>();
  for (const e of events) {
    const cur = ev.get(e.account_id) ?? { limit: 0, premium: 0, first: new Map() };
    if (limit.has(e.event)) cur.limit += Number(e.recent);
    if (premium.has(e.event)) cur.premium += Number(e.recent);
    const feature = features[e.event];
    if (feature) {
      const seen = cur.first.get(feature);
      if (!seen || e.first < seen) cur.first.set(feature, e.first);
    }
    ev.set(e.account_id, cur);
  }
  // A module is new when its events, in use now, were first seen in the last 30 days and
  // none of its other events was used before then either.
  const candidates = new Map<string, Set<string>>();
  for (const [id, e] of ev) {
    const fresh = [...e.first].filter(([, first]) => first >= d30).map(([f]) => f);
    if (fresh.length > 0) candidates.set(id, new Set(fresh));
  }
  const moduleEvents = Object.keys(features).filter((name) =>
    [...candidates.values()].some((set) => set.has(features[name]!)),
  );
  for (const r of await q.eventsUsedBefore(db, [...candidates.keys()], d30, moduleEvents)) {
    candidates.get(r.account_id)?.delete(features[r.event] ?? '');
  }
  const departments = newDepartments(traits, `${d30}T00:00:00.000Z`);
  const at = ctx.now().toISOString();
  const rows: RenewalSignalsTable[] = accounts.map((id) => {
    const h = healthOf.get(id);
    const tierRank = h ? ranks.rankOf(h.model_key, Number(h.model_version), h.tier) : null;
    const a = alertsOf.get(id);
    const worst = a ? (SEVERITY[Number(a.worst) - 1] ?? null) : null;
    const u = usersOf.get(id);
    const recent = u ? Number(u.recent) : 0;
    const prior = u ? Number(u.prior) : 0;
    const trend = prior > 0 ? Math.round(((recent - prior) / prior) * 1000) / 10 : null;
    const s = subsOf.get(id);
    const e = ev.get(id);
    const x = execOf.get(id);
    const newModules = [...(candidates.get(id) ?? [])];
    const seats = s?.seats === null || s?.seats === undefined ? null : Number(s.seats);
    const hits = expansionSignals({
      activeUsers30d: recent,
      licensedSeats: seats,
      newDepartments: departments.get(id) ?? [],
      limitEvents30d: e?.limit ?? 0,
      premiumEvents30d: e?.premium ?? 0,
      execTouches30d: x ? Number(x.recent) : 0,
      execTouchesPrior30d: x ? Number(x.prior) : 0,
      daysToRenewal: s?.renews ? daysBetween(today, s.renews as IsoDate) : null,
      tierRank,
      newModules: newModules.sort(),
    });
    const score = scoreOf(hits);
    const criteria = readiness(
      {
        greenSince: tierRank === 'top' ? ((greenOf.get(id)?.since as IsoDate) ?? null) : null,
        openUrgentTickets: Number(ticketsOf.get(id)?.n ?? 0),
        severeAlerts: worst === 'critical' || worst === 'high' ? 1 : 0,
      },
      today,
    );
    const { bucket, reason } = bucketOf(
      { tierRank, worstAlert: worst, usageTrendPct: trend, expansionScore: score },
      settings.rules,
    );
    const detail: ExpansionDetail = {
      signals: hits,
      readiness: criteria,
      activeUsers30d: recent,
      licensedSeats: seats,
    };
    return {
      account_id: id,
      tier: h?.tier ?? null,
      tier_rank: tierRank,
      score_tenths: h?.composite_tenths === null || !h ? null : Number(h.composite_tenths),
      green_since: tierRank === 'top' ? (greenOf.get(id)?.since ?? null) : null,
      open_alerts: a ? Number(a.n) : 0,
      worst_alert: worst,
      usage_trend_pct: trend,
      expansion_score: score,
      expansion_ready: criteria.every((c) => c.ok) ? 1 : 0,
      expansion: JSON.stringify(detail),
      bucket,
      bucket_reason: reason,
      computed_at: at,
    };
  });
  await q.writeSignals(db, rows);
  return { accounts: rows.length };
}
