import type { Ctx } from '../../core/context.js';
import { invalid } from '../../core/errors.js';
import { isIsoDate, type IsoDate } from '../../core/clock.js';
import type { Executor } from '../../db/database.js';
import { configuredFeatures, type FeatureMap } from '../../usage/measures.js';
import { readFeatureMap } from '../../usage/settings.js';
import {
  deriveMeasures,
  emptyRaw,
  pointKey,
  windowsAt,
  type MeasureWindows,
  type RawMeasures,
} from './model.js';
import type { MeasureValues } from './registry.js';
import * as store from './store.js';

/**
 * Every registry measure for many accounts as of the end of a day (see model.ts for what
 * each one is and when it is null). Statements per call, whatever the number of accounts:
 * - no ids: 11 — the feature map, the accounts, and nine aggregates (usage users, usage
 *   features, tickets, NPS answers, contacts, timeline, subscriptions, revenue movements,
 *   manual measures), 10 when no feature is configured;
 * - up to 500 ids: 11 — the feature map, their product links, the nine aggregates;
 * - ids that are at least a quarter of all accounts: 12 — one count, then the same single
 *   pass over all accounts as without ids;
 * - other lists over 500: the links and nine aggregates per chunk of 500 ids.
 */

const CHUNK = 500;
/** Scan every account when the request names at least this share of them. */
const SCAN_SHARE = 0.25;

function checkDay(field: string, day: string): void {
  if (!isIsoDate(day)) throw invalid(field, 'expected a calendar date YYYY-MM-DD');
}

/** Run every aggregate over the scope and fold the rows into the accounts `out` holds. */
async function collect(
  db: Executor,
  scope: store.Scope,
  w: MeasureWindows,
  map: FeatureMap,
  out: Map<string, RawMeasures>,
): Promise<void> {
  const [usage, features, tickets, nps, contacts, timeline, subs, revenue, manual] =
    await Promise.all([
      store.usageActivity(db, scope, w),
      store.featuresUsed(db, scope, w, map),
      store.ticketFigures(db, scope, w),
      store.npsFigures(db, scope, w),
      store.contactFigures(db, scope, w),
      store.timelineFigures(db, scope, w),
      store.subscriptionFigures(db, scope, w),
      store.revenueFigures(db, scope, w),
      store.manualFigures(db, scope, w),
    ]);
  // In a scan of all accounts for given ids, rows of accounts not asked for are skipped.
  for (const [id, v] of usage) if (out.has(id)) out.get(id)!.usage = v;
  for (const [id, used] of features) if (out.has(id)) out.get(id)!.usage.featuresUsed = used;
  for (const [id, v] of tickets) if (out.has(id)) out.get(id)!.tickets = v;
  for (const [id, v] of nps) if (out.has(id)) out.get(id)!.nps = v;
  for (const [id, v] of contacts) if (out.has(id)) out.get(id)!.contacts = v;
  for (const [id, v] of timeline) if (out.has(id)) out.get(id)!.timeline = v;
  for (const [id, v] of subs) if (out.has(id)) out.get(id)!.subscriptions = v;
  for (const [id, v] of revenue) if (out.has(id)) out.get(id)!.revenue = v;
  for (const [id, measure, value] of manual) if (out.has(id)) out.get(id)!.manual[measure] = value;
}

async function rawAt(
  db: Executor,
  asOf: IsoDate,
  accountIds: readonly string[] | undefined,
  map: FeatureMap,
): Promise<Map<string, RawMeasures>> {
  const w = windowsAt(asOf);
  const out = new Map<string, RawMeasures>();
  if (accountIds === undefined) {
    for (const a of await store.accountsToScore(db)) out.set(a.id, emptyRaw(a.linked));
    if (out.size > 0) await collect(db, 'active', w, map, out);
    return out;
  }
  const ids = [...new Set(accountIds)];
  for (const id of ids) out.set(id, emptyRaw());
  if (ids.length === 0) return out;
  const scan = ids.length > CHUNK && ids.length >= SCAN_SHARE * (await store.countAccounts(db));
  const chunks: store.Scope[] = scan ? ['all'] : chunksOf(ids, CHUNK);
  for (const chunk of chunks) {
    for (const id of await store.linkedAccounts(db, chunk)) {
      const raw = out.get(id);
      if (raw) raw.linked = true;
    }
    await collect(db, chunk, w, map, out);
  }
  return out;
}

function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function derive(
  raws: Map<string, RawMeasures>,
  asOf: IsoDate,
  configured: number,
): Map<string, MeasureValues> {
  const out = new Map<string, MeasureValues>();
  for (const [id, raw] of raws) out.set(id, deriveMeasures(raw, asOf, configured));
  return out;
}

/**
 * Every measure of each account as of the end of `asOf` (UTC), using only records dated by
 * then. Without ids: every account that is not archived. Given ids (duplicates ignored) each
 * get an entry, all null or zero when nothing is recorded for them.
 */
export async function measuresAt(
  ctx: Ctx,
  asOf: IsoDate,
  accountIds?: readonly string[],
): Promise<Map<string, MeasureValues>> {
  ctx.can('read', 'account');
  checkDay('asOf', asOf);
  const map = await readFeatureMap(ctx.db);
  const raws = await rawAt(ctx.db, asOf, accountIds, map);
  return derive(raws, asOf, configuredFeatures(map).length);
}

/**
 * The measures of many (account, day) points, for backtests: one set-based pass per distinct
 * day. Keyed `${accountId}|${asOf}`.
 */
export async function measuresAtMany(
  ctx: Ctx,
  points: readonly { accountId: string; asOf: IsoDate }[],
): Promise<Map<string, MeasureValues>> {
  ctx.can('read', 'account');
  const byDay = new Map<IsoDate, string[]>();
  for (const p of points) {
    checkDay('asOf', p.asOf);
    const ids = byDay.get(p.asOf) ?? [];
    ids.push(p.accountId);
    byDay.set(p.asOf, ids);
  }
  const out = new Map<string, MeasureValues>();
  if (byDay.size === 0) return out;
  const map = await readFeatureMap(ctx.db);
  const configured = configuredFeatures(map).length;
  for (const day of [...byDay.keys()].sort()) {
    const values = derive(await rawAt(ctx.db, day, byDay.get(day)!, map), day, configured);
    for (const [id, v] of values) out.set(pointKey(id, day), v);
  }
  return out;
}
