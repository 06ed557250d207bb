import { addDays, daysBetween, toIsoDate, type IsoDate } from '../core/clock.js';
import { actorLabel, type Ctx } from '../core/context.js';
import { invalid, notFound } from '../core/errors.js';
import { formatMinor } from '../core/money.js';
import { inTx } from '../db/database.js';
import { recordAudit } from '../audit/record.js';
import * as accountStore from '../accounts/account/store.js';
import * as subscriptionStore from '../accounts/subscription/store.js';
import * as timeline from '../accounts/timeline/service.js';
import { csvLine } from '../accounts/export/format.js';
import {
  BUCKET_LABELS,
  BUCKETS,
  HORIZON_DAYS,
  calibrate,
  forecastOf,
  quarterOf,
  quarterRange,
  windowOf,
  windowRange,
  type Bucket,
  type Calibrated,
  type OutcomeCounts,
  type Probabilities,
  type WindowKey,
} from './model.js';
import { readRenewalSettings } from './settings.js';
import * as store from './store.js';

export interface PipelineQuery {
  window?: WindowKey;
  days?: number;
  bucket?: Bucket;
  ownerId?: string;
  accountId?: string;
  currency?: string;
  limit?: number;
  cursor?: string;
}

function filterOf(q: PipelineQuery, today: IsoDate): store.PipelineFilter {
  const range = q.window
    ? windowRange(q.window, today)
    : { from: null, to: addDays(today, q.days ?? HORIZON_DAYS) };
  return {
    ...range,
    bucket: q.bucket,
    ownerId: q.ownerId,
    accountId: q.accountId,
    currency: q.currency,
  };
}

function decodeCursor(cursor: string | undefined): { date: string; id: string } | null {
  if (!cursor) return null;
  const [date, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!date || !id) throw invalid('cursor', 'not a cursor from this list');
  return { date, id };
}

export type PipelineItem = ReturnType<typeof toItem>;

/** Day arithmetic once per distinct renewal date: a page shares few dates among many rows. */
function dayMath(today: IsoDate) {
  const memo = new Map<string, { days: number; window: WindowKey }>();
  return (date: string) => {
    let m = memo.get(date);
    if (!m) {
      m = { days: daysBetween(today, date), window: windowOf(date, today) ?? '120' };
      memo.set(date, m);
    }
    return m;
  };
}

function toItem(r: store.PipelineRow, days: ReturnType<typeof dayMath>) {
  const arr = Number(r.mrr_minor) * 12;
  const d = days(r.renewal_date);
  return {
    subscriptionId: r.subscription_id,
    accountId: r.account_id,
    accountName: r.account_name,
    ownerId: r.owner_id,
    plan: r.plan,
    renewalDate: r.renewal_date,
    daysToRenewal: d.days,
    window: d.window,
    arrMinor: arr,
    currency: r.currency,
    seats: r.seats === null ? null : Number(r.seats),
    bucket: r.bucket as Bucket,
    bucketReason: r.bucket_reason ?? 'not worked out yet',
    override:
      r.override_reason !== null
        ? {
            automatic: (r.auto_bucket ?? 'on_track') as Bucket,
            reason: r.override_reason,
            by: r.override_actor ?? '',
            at: r.override_at ?? '',
          }
        : null,
    tier: r.tier,
    expansionScore: Number(r.expansion_score ?? 0),
  };
}

/** A page of the pipeline, nearest renewal first. */
export async function pipeline(ctx: Ctx, q: PipelineQuery) {
  ctx.can('read', 'account');
  const today = toIsoDate(ctx.now());
  const limit = q.limit ?? 100;
  const rows = await store.pipelinePage(
    ctx.db,
    filterOf(q, today),
    limit + 1,
    decodeCursor(q.cursor),
  );
  const page = rows.slice(0, limit);
  const days = dayMath(today);
  const last = page[page.length - 1];
  return {
    asOf: today,
    items: page.map((r) => toItem(r, days)),
    nextCursor:
      rows.length > limit && last
        ? Buffer.from(`${last.renewal_date}|${last.subscription_id}`).toString('base64url')
        : null,
  };
}

/** Renewals and ARR per window × bucket × currency: the board's columns and lanes. */
export async function pipelineSummary(ctx: Ctx, q: PipelineQuery) {
  ctx.can('read', 'account');
  const today = toIsoDate(ctx.now());
  const rows = await store.pipelineSummary(
    ctx.db,
    filterOf({ ...q, bucket: undefined }, today),
    today,
  );
  return {
    asOf: today,
    cells: rows.map((r) => ({
      window: r.window as WindowKey,
      bucket: r.bucket as Bucket,
      currency: r.currency,
      count: Number(r.count),
      arrMinor: Number(r.arr),
    })),
  };
}

/** Every pipeline row of a query as CSV lines, streamed page by page. */
export async function* pipelineCsv(ctx: Ctx, q: PipelineQuery): AsyncGenerator<string> {
  yield csvLine([
    'Account',
    'Plan',
    'Renewal date',
    'Days',
    'Window',
    'Bucket',
    'Why',
    'Override reason',
    'ARR',
    'Currency',
    'Seats',
    'Health tier',
    'Expansion score',
  ]);
  let cursor: string | undefined;
  do {
    const page = await pipeline(ctx, { ...q, limit: 500, cursor });
    for (const i of page.items) {
      yield csvLine([
        i.accountName,
        i.plan,
        i.renewalDate,
        i.daysToRenewal,
        i.window === 'overdue' ? 'overdue' : `${i.window} days`,
        BUCKET_LABELS[i.bucket],
        i.bucketReason,
        i.override?.reason ?? '',
        formatMinor(i.arrMinor, i.currency),
        i.currency,
        i.seats,
        i.tier ?? '',
        i.expansionScore,
      ]);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/** The probabilities in use: configured, or calibrated from recorded outcomes. */
export async function probabilities(
  ctx: Ctx,
): Promise<{ used: Probabilities; detail: Calibrated[] }> {
  const settings = await readRenewalSettings(ctx.db);
  const counts = Object.fromEntries(
    BUCKETS.map((b) => [b, { renewed: 0, total: 0 }]),
  ) as OutcomeCounts;
  if (settings.calibrate) {
    for (const r of await store.outcomeCounts(ctx.db)) {
      if ((BUCKETS as readonly string[]).includes(r.bucket))
        counts[r.bucket as Bucket] = { renewed: Number(r.renewed), total: Number(r.total) };
    }
  }
  const detail = calibrate(settings.probabilities, counts);
  return {
    used: Object.fromEntries(detail.map((d) => [d.bucket, d.bp])) as Probabilities,
    detail,
  };
}

/** The forecast for a quarter (default: this one) or any period. */
export async function forecast(ctx: Ctx, q: { quarter?: string; from?: string; to?: string }) {
  ctx.can('read', 'account');
  const today = toIsoDate(ctx.now());
  let period: { from: IsoDate; to: IsoDate };
  if (q.from || q.to) {
    if (!q.from || !q.to) throw invalid(q.from ? 'to' : 'from', 'give both from and to');
    if (q.from > q.to) throw invalid('to', 'is before from');
    if (daysBetween(q.from, q.to) > 800) throw invalid('to', 'a period is at most two years');
    period = { from: q.from, to: q.to };
  } else {
    const r = quarterRange(q.quarter ?? quarterOf(today));
    if (!r) throw invalid('quarter', 'expected a quarter such as 2027Q1');
    period = r;
  }
  const p = await probabilities(ctx);
  const [rows, closed] = await Promise.all([
    store.arrByBucket(ctx.db, period.from, period.to),
    store.closedOutcomes(ctx.db, period.from, period.to),
  ]);
  const open = forecastOf(rows, p.used);
  const currencies = new Set([...open.map((c) => c.currency), ...closed.map((c) => c.currency)]);
  return {
    period: {
      ...period,
      label: q.from ? `${period.from} to ${period.to}` : quarterOf(period.from),
    },
    asOf: today,
    probabilities: p.detail,
    currencies: [...currencies].sort().map((currency) => {
      const f = open.find((c) => c.currency === currency) ?? forecastOf([], p.used)[0];
      const mine = closed.filter((c) => c.currency === currency);
      const kept = mine.filter((c) => c.outcome !== 'churned');
      const closedOut = {
        renewals: mine.reduce((t, c) => t + c.count, 0),
        upMinor: mine.reduce((t, c) => t + c.beforeMinor, 0),
        renewedMinor: kept.reduce((t, c) => t + c.afterMinor, 0),
        churnedMinor: mine
          .filter((c) => c.outcome === 'churned')
          .reduce((t, c) => t + c.beforeMinor, 0),
      };
      const o = f ?? {
        currency,
        renewals: 0,
        upMinor: 0,
        expectedMinor: 0,
        atRiskMinor: 0,
        bestMinor: 0,
        worstMinor: 0,
        byBucket: [],
      };
      return {
        ...o,
        currency,
        open: o.renewals,
        closed: closedOut,
        // The quarter's number: what closed renewed plus what is still open, weighted.
        outlookMinor: closedOut.renewedMinor + o.expectedMinor,
      };
    }),
  };
}

/** A CSM's own call on a renewal's bucket, with the reason, until the renewal date moves. */
export async function overrideBucket(
  ctx: Ctx,
  subscriptionId: string,
  input: { bucket: Bucket | null; reason: string },
) {
  const reason = input.reason.trim();
  if (reason.length < 3) throw invalid('reason', 'say why, in a few words');
  return inTx(ctx.db, async (trx) => {
    const sub = await subscriptionStore.getSubscription(trx, subscriptionId);
    if (!sub) throw notFound('subscription', subscriptionId);
    const account = await accountStore.getAccount(trx, sub.account_id);
    if (!account) throw notFound('account', sub.account_id);
    ctx.can('write', 'account', { ownerId: account.owner_id });
    if (!sub.end_date) throw invalid('subscriptionId', 'the subscription has no renewal date');
    const { override: before, auto, bucket: from } = await store.bucketsOf(trx, sub, sub.end_date);
    const at = ctx.now().toISOString();
    const actor = actorLabel(ctx.actor);
    if (input.bucket === null) {
      await store.deleteOverride(trx, sub.id, sub.end_date);
    } else {
      await store.upsertOverride(trx, {
        subscription_id: sub.id,
        renewal_date: sub.end_date,
        bucket: input.bucket,
        reason,
        actor,
        at,
      });
    }
    const to = input.bucket ?? auto;
    await recordAudit(ctx, trx, {
      entity: 'subscription',
      entityId: sub.id,
      action: 'renewal_override',
      before: before ? { ...before } : null,
      after: { bucket: input.bucket, reason, renewalDate: sub.end_date },
    });
    await timeline.record(ctx, trx, sub.account_id, {
      kind: 'renewal_override',
      title:
        input.bucket === null
          ? `Renewal bucket back to ${BUCKET_LABELS[auto]} (automatic): ${reason}`
          : `Renewal moved from ${BUCKET_LABELS[from]} to ${BUCKET_LABELS[to]}: ${reason}`,
      data: { subscriptionId: sub.id, renewalDate: sub.end_date, from, to, reason },
    });
    return {
      subscriptionId: sub.id,
      renewalDate: sub.end_date,
      bucket: to,
      automatic: auto,
      reason,
    };
  });
}
