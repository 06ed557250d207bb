import type { Ctx } from '../../core/context.js';
import { addDays, daysBetween, toIsoDate, type IsoDate } from '../../core/clock.js';
import { explainChange, type MeasureDriver } from '../model/drivers.js';
import { scoreWith } from '../model/score.js';
import { MEASURES, type MeasureId } from '../measures/registry.js';
import { valuesOf } from './detail.js';
import { getModelVersion, type ModelVersion } from '../models/service.js';

/**
 * The at-risk report: every account whose latest score is below its model's top tier, worst
 * tier first and the most revenue first within a tier, with what pulled it down most over
 * the last 30 days. Two snapshot reads for the whole book; drivers computed in memory.
 */

export interface RiskRow {
  accountId: string;
  name: string;
  ownerId: string | null;
  segment: string;
  day: IsoDate;
  tier: string;
  composite: number | null;
  /** Change over 30 days in points (null without a snapshot then). */
  change30: number | null;
  arrMinor: number;
  currency: string;
  renewalDate: string | null;
  daysToRenewal: number | null;
  /** The measure that took the most off the score over 30 days. */
  topDriver: { measure: MeasureId; label: string; points: number } | null;
}

interface Row {
  account_id: string;
  day: string;
  model_key: string;
  model_version: number;
  composite_tenths: number | null;
  tier: string | null;
  detail: string;
}

export async function riskReport(
  ctx: Ctx,
  opts: { ownerId?: string; limit?: number } = {},
): Promise<RiskRow[]> {
  ctx.can('read', 'account');
  const today = toIsoDate(ctx.now());
  // Each account's latest snapshot: right after midnight only some have today's.
  const latest = ctx.db
    .selectFrom('health_snapshots')
    .select((e) => ['account_id', e.fn.max<string>('day').as('day')])
    .where('day', '<=', today)
    .groupBy('account_id')
    .as('l');
  let q = ctx.db
    .selectFrom('health_snapshots as s')
    .innerJoin(latest, (j) =>
      j.onRef('l.account_id', '=', 's.account_id').onRef('l.day', '=', 's.day'),
    )
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .select([
      's.account_id',
      's.day',
      's.model_key',
      's.model_version',
      's.composite_tenths',
      's.tier',
      's.detail',
      'a.name',
      'a.owner_id',
      'a.segment',
      'a.mrr_minor',
      'a.currency',
      'a.renewal_date',
    ])
    .where('a.archived_at', 'is', null)
    .where((eb) => eb.or([eb('a.churned_on', 'is', null), eb('a.churned_on', '>', today)]));
  if (opts.ownerId) q = q.where('a.owner_id', '=', opts.ownerId);
  const rows = await q.execute();
  if (rows.length === 0) return [];
  const models = new Map<string, ModelVersion>();
  const modelOf = async (r: Row) => {
    const k = `${r.model_key}@${r.model_version}`;
    if (!models.has(k)) models.set(k, await getModelVersion(ctx, r.model_key, r.model_version));
    return models.get(k)!;
  };
  const rank = new Map<string, number>();
  const atRisk: (typeof rows)[number][] = [];
  for (const r of rows) {
    const tiers = (await modelOf(r)).def.tiers;
    const at = tiers.findIndex((t) => t.name === r.tier);
    if (at === 0) continue;
    // No score at all ranks with the worst.
    rank.set(r.account_id, at < 0 ? tiers.length : at);
    atRisk.push(r);
  }
  const earlier = new Map<string, Row>();
  const target = new Map(atRisk.map((r) => [r.account_id, addDays(r.day, -30)]));
  const ids = atRisk.map((r) => r.account_id);
  const days = [...new Set(target.values())];
  for (let i = 0; i < ids.length; i += 500) {
    const part = await ctx.db
      .selectFrom('health_snapshots')
      .select([
        'account_id',
        'day',
        'model_key',
        'model_version',
        'composite_tenths',
        'tier',
        'detail',
      ])
      .where('day', 'in', days)
      .where('account_id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of part) if (target.get(r.account_id) === r.day) earlier.set(r.account_id, r);
  }
  const out: RiskRow[] = [];
  for (const r of atRisk) {
    const before = earlier.get(r.account_id);
    let topDriver: RiskRow['topDriver'] = null;
    if (before) {
      const side = async (x: Row) => {
        const m = await modelOf(x);
        return { def: m.def, modelId: m.key, version: m.version, values: valuesOf(x.detail) };
      };
      const why = explainChange(await side(before), await side(r));
      const worst = why.drivers
        .filter((d): d is MeasureDriver => d.kind === 'measure' && d.contributionTenths < 0)
        .sort((a, b) => a.contributionTenths - b.contributionTenths)[0];
      if (worst)
        topDriver = {
          measure: worst.measure,
          label: MEASURES[worst.measure].label,
          points: worst.contributionTenths / 10,
        };
    }
    const composite = scoreWith((await modelOf(r)).def, valuesOf(r.detail)).composite;
    out.push({
      accountId: r.account_id,
      name: r.name,
      ownerId: r.owner_id,
      segment: r.segment,
      day: r.day,
      tier: r.tier ?? 'unscored',
      composite,
      change30:
        before && before.composite_tenths !== null && r.composite_tenths !== null
          ? (r.composite_tenths - before.composite_tenths) / 10
          : null,
      arrMinor: r.mrr_minor * 12,
      currency: r.currency,
      renewalDate: r.renewal_date,
      daysToRenewal: r.renewal_date ? daysBetween(today, r.renewal_date) : null,
      topDriver,
    });
  }
  out.sort(
    (a, b) =>
      rank.get(b.accountId)! - rank.get(a.accountId)! ||
      b.arrMinor - a.arrMinor ||
      a.accountId.localeCompare(b.accountId),
  );
  return out.slice(0, opts.limit ?? out.length);
}
