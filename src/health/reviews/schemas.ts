import { z } from 'zod';
import { LimitSchema } from '../../core/schemas.js';
import { TIER_COLORS } from '../model/definition.js';
import { CADENCES, REVIEW_STATUSES } from './model.js';

/** The HTTP (and CLI --json) shapes of health reviews (C5). */

export const QUEUE_STATUSES = ['due', 'overdue', 'all'] as const;
export type QueueStatus = (typeof QUEUE_STATUSES)[number];

const Rating = z.number().int('expected a whole number from 1 to 10').min(1).max(10);

export const ReviewCreate = z
  .object({
    accountId: z.string().min(1).max(64),
    sentiment: Rating.describe(
      "the CSM's read of the account, 1 (about to churn) to 10 (thriving)",
    ),
    notes: z.string().trim().max(5000).optional(),
    executiveEngagement: Rating.optional().describe(
      'how engaged the executive sponsor is, 1–10; recorded as manual.executive_engagement',
    ),
  })
  .strict()
  .meta({ id: 'HealthReviewCreate' });
export type ReviewInput = z.input<typeof ReviewCreate>;

export const ReviewBody = ReviewCreate.omit({ accountId: true }).meta({ id: 'HealthReviewBody' });

export const ReviewOut = z
  .object({
    id: z.string(),
    accountId: z.string(),
    reviewerId: z.string().describe('the user (or operator, or API key) who recorded it'),
    reviewer: z.string().nullable().describe("the reviewer's name, when a user"),
    reviewedAt: z.string(),
    tier: z.string().nullable().describe('the tier the account was in when reviewed'),
    sentiment: z.number().int().nullable(),
    executiveEngagement: z.number().nullable(),
    notes: z.string().nullable(),
  })
  .meta({ id: 'HealthReview' });
export type ReviewView = z.infer<typeof ReviewOut>;

export const ReviewQueueItemOut = z
  .object({
    accountId: z.string(),
    accountName: z.string(),
    ownerId: z.string().nullable(),
    arrMinor: z.number().int(),
    currency: z.string(),
    tier: z.string().nullable().describe('from the latest health snapshot; null when not scored'),
    tierColor: z.enum(TIER_COLORS).nullable(),
    tierSince: z
      .string()
      .describe('the first day of the current run of this tier (when unscored, the day created)'),
    scoredOn: z.string().nullable().describe('the day of the latest snapshot'),
    lastReviewedAt: z.string().nullable(),
    cadence: z.enum(CADENCES),
    cadenceDays: z.number().int(),
    due: z.string().describe('the day the next health check is due'),
    status: z
      .enum(REVIEW_STATUSES)
      .describe('ok before the due day, due on it, overdue once it has passed'),
    daysOverdue: z.number().int(),
  })
  .meta({ id: 'HealthReviewQueueItem' });
export type ReviewQueueItem = z.infer<typeof ReviewQueueItemOut>;

export const ReviewQueueQuery = z
  .object({
    owner: z
      .string()
      .min(1)
      .max(320)
      .optional()
      .describe(
        'me, team (you and the people you lead), all, none (unowned), or a user id or email; ' +
          'defaults to me for CSMs and all for everyone else',
      ),
    status: z
      .enum(QUEUE_STATUSES)
      .default('all')
      .describe('due: due today or overdue; overdue: past the due day; all: every live account'),
    limit: LimitSchema,
    cursor: z.string().max(500).optional(),
  })
  .strict();

export const ReviewQueueOut = z
  .object({ items: z.array(ReviewQueueItemOut), nextCursor: z.string().nullable() })
  .meta({ id: 'HealthReviewQueue' });

export const ReviewListOut = z
  .object({
    items: z.array(ReviewOut).describe('newest first'),
    cadence: ReviewQueueItemOut.nullable().describe(
      'when the next health check is due; null for archived or churned accounts',
    ),
  })
  .meta({ id: 'HealthReviewList' });

export const ReviewRecordedOut = z
  .object({
    review: ReviewOut,
    cadence: ReviewQueueItemOut.nullable().describe('the account in the queue after the review'),
  })
  .meta({ id: 'HealthReviewRecorded' });
export type ReviewRecorded = z.infer<typeof ReviewRecordedOut>;
