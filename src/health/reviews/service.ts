import { type Ctx } from '../../core/context.js';
import { toIsoDate, type IsoDate } from '../../core/clock.js';
import { AppError, invalid } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { decodeCursor, encodeCursor, type Page } from '../../core/pagination.js';
import { inTx } from '../../db/database.js';
import { recordAudit } from '../../audit/record.js';
import { getAccount } from '../../accounts/account/service.js';
import * as timeline from '../../accounts/timeline/service.js';
import { resolveUserRef } from '../../identity/service.js';
import type { TierColor } from '../model/definition.js';
import { recordManualMeasure } from '../measures/manual.js';
import { listModels, modelVersions } from '../models/service.js';
import {
  UNSCORED_CADENCE,
  cadenceDays,
  cadenceName,
  dayNumber,
  dayOfNumber,
  daysOverdue,
  reviewStatus,
} from './model.js';
import {
  ReviewCreate,
  type QueueStatus,
  type ReviewInput,
  type ReviewQueueItem,
  type ReviewRecorded,
  type ReviewView,
} from './schemas.js';
import * as store from './store.js';

/**
 * Review cadence (C5): health checks due weekly for red accounts, every two weeks for
 * yellow, monthly for green; the queue puts overdue checks first on the CSM's list, and a
 * recorded review feeds the CSM's sentiment (and executive engagement) into the next score.
 */

export interface ReviewQueueInput {
  /** me, team, all, none, or a user id or email; all when left out. */
  owner?: string;
  status?: QueueStatus;
  limit?: number;
  cursor?: string;
}

/** The cursor of the queue's order: due day, ARR (largest first), id. */
const SORT = 'due';
const MAX_LIMIT = 500;

interface TierInfo {
  days: number;
  color: TierColor | null;
}

interface Cadences {
  rules: store.CadenceRule[];
  tiers: Map<string, TierInfo>;
}

const tierKey = (key: string, version: number, tier: string) => `${key}\n${version}\n${tier}`;

/** The cadence of every tier of every model version a snapshot may name. */
async function cadences(ctx: Ctx): Promise<Cadences> {
  const out: Cadences = { rules: [], tiers: new Map() };
  for (const latest of await listModels(ctx)) {
    for (const v of await modelVersions(ctx, latest.key)) {
      for (const t of v.def.tiers) {
        const days = cadenceDays(t.name, v.def.tiers);
        out.rules.push({ modelKey: v.key, modelVersion: v.version, tier: t.name, days });
        out.tiers.set(tierKey(v.key, v.version, t.name), { days, color: t.color ?? null });
      }
    }
  }
  return out;
}

async function ownerScope(ctx: Ctx, owner: string | undefined): Promise<store.OwnerScope> {
  if (owner === undefined || owner === 'all') return { kind: 'all' };
  if (owner === 'none') return { kind: 'none' };
  if (owner === 'me' || owner === 'team') {
    if (ctx.actor.kind !== 'user')
      throw invalid('owner', `${owner} needs a signed-in user; give a user id or email`);
    return owner === 'me'
      ? { kind: 'user', id: ctx.actor.id }
      : { kind: 'team', leadId: ctx.actor.id };
  }
  return { kind: 'user', id: await resolveUserRef(ctx, owner, 'owner') };
}

function afterCursor(text: string): { due: number; mrr: number; id: string } {
  const c = decodeCursor(text, SORT);
  const m = typeof c.v === 'string' ? /^(-?\d+):(-?\d+)$/.exec(c.v) : null;
  if (!m) throw invalid('cursor', 'not a cursor returned by this list');
  return { due: Number(m[1]), mrr: Number(m[2]), id: c.id };
}

function toItem(r: store.QueueRow, today: IsoDate, c: Cadences): ReviewQueueItem {
  const due = dayOfNumber(r.due_num);
  const tier =
    r.tier !== null && r.model_key !== null && r.model_version !== null
      ? c.tiers.get(tierKey(r.model_key, r.model_version, r.tier))
      : undefined;
  return {
    accountId: r.id,
    accountName: r.name,
    ownerId: r.owner_id,
    arrMinor: r.mrr_minor * 12,
    currency: r.currency,
    tier: r.tier,
    tierColor: tier?.color ?? null,
    tierSince: r.tier_since,
    scoredOn: r.scored_on,
    lastReviewedAt: r.last_reviewed_at,
    cadence: cadenceName(r.cadence_days),
    cadenceDays: r.cadence_days,
    due,
    status: reviewStatus(today, due),
    daysOverdue: daysOverdue(today, due),
  };
}

async function queueRows(
  ctx: Ctx,
  c: Cadences,
  q: Omit<store.QueueQuery, 'today' | 'todayNum' | 'rules' | 'defaultDays'>,
): Promise<ReviewQueueItem[]> {
  const today = toIsoDate(ctx.now());
  const rows = await store.reviewQueue(ctx.db, ctx.dialect, {
    ...q,
    today,
    todayNum: dayNumber(today),
    rules: c.rules,
    defaultDays: UNSCORED_CADENCE,
  });
  return rows.map((r) => toItem(r, today, c));
}

/**
 * Every live account in scope with its current tier, how long it has been in it, its last
 * review, cadence, due day and status: overdue first, then by due day and ARR.
 */
export async function reviewQueue(
  ctx: Ctx,
  input: ReviewQueueInput = {},
): Promise<Page<ReviewQueueItem>> {
  ctx.can('read', 'account');
  const limit = input.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw invalid('limit', `expected a whole number from 1 to ${MAX_LIMIT}`);
  const owner = await ownerScope(ctx, input.owner);
  const after = input.cursor === undefined ? undefined : afterCursor(input.cursor);
  const c = await cadences(ctx);
  const items = await queueRows(ctx, c, {
    owner,
    status: input.status ?? 'all',
    limit: limit + 1,
    after,
  });
  const page = items.slice(0, limit);
  const last = page[page.length - 1];
  const nextCursor =
    items.length > limit && last
      ? encodeCursor({
          v: `${dayNumber(last.due)}:${last.arrMinor / 12}`,
          id: last.accountId,
          s: SORT,
        })
      : null;
  return { items: page, nextCursor };
}

/** One account's place in the queue; null when it is archived or churned. */
async function queueEntry(ctx: Ctx, c: Cadences, accountId: string) {
  const [item] = await queueRows(ctx, c, {
    owner: { kind: 'all' },
    accountId,
    status: 'all',
    limit: 1,
  });
  return item ?? null;
}

function parse(input: ReviewInput) {
  // The CLI and jobs get the same validation a route would.
  const parsed = ReviewCreate.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field =
    issue.code === 'unrecognized_keys'
      ? String(issue.keys[0])
      : issue.path.map(String).join('.') || 'sentiment';
  throw invalid(field, issue.message);
}

function toReview(r: store.ReviewListRow): ReviewView {
  return {
    id: r.id,
    accountId: r.account_id,
    reviewerId: r.reviewer_id,
    reviewer: r.reviewer_name,
    reviewedAt: r.reviewed_at,
    tier: r.tier,
    sentiment: r.sentiment,
    executiveEngagement: r.executive_engagement,
    notes: r.notes,
  };
}

/**
 * Record a health check: stored with the account's current tier; the sentiment (and
 * executive engagement) recorded as manual measures so the next score uses them; a timeline
 * entry and audit entries — one transaction, one instant.
 */
export async function recordReview(ctx: Ctx, input: ReviewInput): Promise<ReviewRecorded> {
  const v = parse(input);
  const at = ctx.now();
  // Read before the transaction: the models are read (and presets seeded) on ctx.db.
  const c = await cadences(ctx);
  return inTx(ctx.db, async (trx) => {
    const tx: Ctx = { ...ctx, db: trx, now: () => new Date(at) };
    const account = await getAccount(tx, v.accountId);
    ctx.can('write', 'account', { ownerId: account.ownerId });
    if (account.archivedAt) throw new AppError('conflict', `account ${account.id} is archived`);
    const current = await store.currentSnapshot(trx, account.id, toIsoDate(at));
    const row: store.ReviewRow = {
      id: newId('rvw', at.getTime()),
      account_id: account.id,
      reviewer_id: ctx.actor.id,
      reviewed_at: at.toISOString(),
      tier: current?.tier ?? null,
      sentiment: v.sentiment,
      executive_engagement: v.executiveEngagement ?? null,
      notes: v.notes ? v.notes : null,
    };
    await store.insertReview(trx, row);
    const note = `health review ${row.id}`;
    const base = { accountId: account.id, note };
    await recordManualMeasure(tx, { ...base, measure: 'manual.csm_sentiment', value: v.sentiment });
    const engagement = v.executiveEngagement ?? null;
    if (engagement !== null)
      await recordManualMeasure(tx, {
        ...base,
        measure: 'manual.executive_engagement',
        value: engagement,
      });
    const tierText = row.tier ? ` (${row.tier})` : '';
    await timeline.record(tx, trx, account.id, {
      kind: 'health_review',
      title: `Health check${tierText}: sentiment ${v.sentiment}/10`,
      body: row.notes,
      data: {
        review: row.id,
        tier: row.tier,
        sentiment: v.sentiment,
        executiveEngagement: engagement,
      },
    });
    await recordAudit(tx, trx, {
      entity: 'health_review',
      entityId: row.id,
      action: 'create',
      after: { ...row },
    });
    const saved = await store.getReview(trx, row.id);
    return {
      review: toReview(saved!),
      cadence: await queueEntry(tx, c, account.id),
    };
  });
}

/** An account's health checks, newest first, and when the next one is due. */
export async function listReviews(
  ctx: Ctx,
  accountId: string,
): Promise<{ items: ReviewView[]; cadence: ReviewQueueItem | null }> {
  const account = await getAccount(ctx, accountId);
  const c = await cadences(ctx);
  const rows = await store.listReviews(ctx.db, account.id);
  return { items: rows.map(toReview), cadence: await queueEntry(ctx, c, account.id) };
}
