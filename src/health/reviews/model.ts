import { addDays, daysBetween, toIsoDate, type IsoDate } from '../../core/clock.js';
import type { ModelTier, TierColor } from '../model/definition.js';

/**
 * Review cadence (C5): health checks are due weekly for red accounts, every two weeks for
 * yellow ones and monthly for green ones. Pure: no clock, no I/O — callers pass today.
 */

export const WEEKLY = 7;
export const EVERY_TWO_WEEKS = 14;
export const MONTHLY = 30;

/** An account with no tier (not scored yet, or no measure had data) until it has one. */
export const UNSCORED_CADENCE = EVERY_TWO_WEEKS;

export const CADENCES = ['weekly', 'every_two_weeks', 'monthly'] as const;
export type CadenceName = (typeof CADENCES)[number];

export const REVIEW_STATUSES = ['overdue', 'due', 'ok'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

const BY_COLOR: Record<TierColor, number> = {
  green: MONTHLY,
  yellow: EVERY_TWO_WEEKS,
  orange: EVERY_TWO_WEEKS,
  red: WEEKLY,
};

/** A tier's own cadence: its color's, else its place (best monthly, lowest weekly). */
function ownCadence(tiers: readonly ModelTier[], i: number): number {
  const color = tiers[i]!.color;
  if (color) return BY_COLOR[color];
  if (i === 0) return MONTHLY;
  if (i === tiers.length - 1) return WEEKLY;
  return EVERY_TWO_WEEKS;
}

/**
 * Days between health checks for an account in `tier` of a model whose tiers are listed
 * best first. A tier the model does not list, or no tier, gets UNSCORED_CADENCE.
 */
export function cadenceDays(tier: string | null, tiers: readonly ModelTier[]): number {
  const at = tier === null ? -1 : tiers.findIndex((t) => t.name === tier);
  if (at < 0) return UNSCORED_CADENCE;
  // A worse tier is never checked less often than a better one, whatever the colors say.
  let days = MONTHLY;
  for (let i = 0; i <= at; i++) days = Math.min(days, ownCadence(tiers, i));
  return days;
}

export function cadenceName(days: number): CadenceName {
  if (days <= WEEKLY) return 'weekly';
  return days <= EVERY_TWO_WEEKS ? 'every_two_weeks' : 'monthly';
}

/**
 * The day the next health check is due.
 * - Reviewed: the review day plus the cadence (a review resets the clock).
 * - Never reviewed: the cadence counts from the day the account entered its tier; on the
 *   weekly (red) cadence the check is due that very day.
 * - Entering the weekly tier after the last review also makes the check due at once.
 * `lastReviewAt` is an instant or a day; only its (UTC) day counts.
 */
export function nextReviewDue(
  lastReviewAt: string | null,
  tierSince: IsoDate,
  cadence: number,
): IsoDate {
  const atOnce = cadence <= WEEKLY;
  if (lastReviewAt === null) return atOnce ? tierSince : addDays(tierSince, cadence);
  const reviewed = lastReviewAt.slice(0, 10);
  const byReview = addDays(reviewed, cadence);
  if (atOnce && reviewed < tierSince && tierSince < byReview) return tierSince;
  return byReview;
}

/** ok before the due day, due on it, overdue once it has passed. */
export function reviewStatus(now: Date | IsoDate, due: IsoDate): ReviewStatus {
  const today = typeof now === 'string' ? now.slice(0, 10) : toIsoDate(now);
  if (today < due) return 'ok';
  return today === due ? 'due' : 'overdue';
}

export function daysOverdue(today: IsoDate, due: IsoDate): number {
  return Math.max(0, daysBetween(due, today));
}

// Days as integers (days since 1970-01-01), the form the queue's SQL computes and sorts.
const EPOCH = '1970-01-01';

export function dayNumber(day: IsoDate): number {
  return daysBetween(EPOCH, day.slice(0, 10));
}

export function dayOfNumber(n: number): IsoDate {
  return addDays(EPOCH, n);
}
