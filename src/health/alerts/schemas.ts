import { z } from 'zod';
import { IsoDateSchema, IsoInstantSchema, LimitSchema, pageOf } from '../../core/schemas.js';
import { ALERT_KINDS, ALERT_STATUSES, SEVERITIES } from './kinds.js';

/** The HTTP (and CLI --json) shapes of alerts. */

export const AlertKindSchema = z.enum(ALERT_KINDS);
export const SeveritySchema = z.enum(SEVERITIES);
export const AlertStatusSchema = z.enum(ALERT_STATUSES);
const StatusFilter = z.enum([...ALERT_STATUSES, 'all']);
const SORTS = ['-createdAt', 'createdAt'] as const;

export const AlertOut = z
  .object({
    id: z.string(),
    accountId: z.string(),
    accountName: z.string().nullable(),
    ownerId: z.string().nullable(),
    kind: AlertKindSchema,
    severity: SeveritySchema,
    status: AlertStatusSchema.describe('a snooze that has run out reads as open'),
    title: z.string(),
    reason: z.string().describe('why, in one sentence'),
    evidence: z
      .record(z.string(), z.unknown())
      .describe('the values and dates behind the alert, by kind'),
    day: z.string().describe('the day evaluated when the alert was raised'),
    causeKey: z
      .string()
      .describe('what makes it one alert: a day, a month, a week, a contact or answer id'),
    createdAt: z.string(),
    updatedAt: z.string(),
    snoozedUntil: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    updatedBy: z.string().nullable().describe('who last changed its status'),
  })
  .meta({ id: 'HealthAlert' });

export const AlertPage = pageOf(AlertOut).meta({ id: 'HealthAlertPage' });

const listFields = {
  limit: LimitSchema,
  cursor: z.string().optional(),
  sort: z.enum(SORTS).default('-createdAt'),
  kind: AlertKindSchema.optional(),
  severity: SeveritySchema.optional(),
};

export const AlertListQuery = z
  .object({
    ...listFields,
    status: StatusFilter.default('open').describe('open (the default) includes expired snoozes'),
    owner: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('"me", "none" (accounts nobody owns), or a user id or email'),
    accountId: z.string().min(1).max(64).optional(),
  })
  .strict();
export type AlertListQueryInput = z.infer<typeof AlertListQuery>;

export const AccountAlertListQuery = z
  .object({ ...listFields, status: StatusFilter.default('all') })
  .strict();

export const SnoozeBody = z
  .object({
    until: z
      .union([IsoDateSchema, IsoInstantSchema])
      .describe('a date (its start, UTC) or an instant, in the future, at most 366 days ahead'),
  })
  .strict()
  .meta({ id: 'HealthAlertSnooze' });

export const ResolveBody = z
  .object({ note: z.string().trim().max(2000).optional().describe('kept on the timeline') })
  .strict()
  .meta({ id: 'HealthAlertResolve' });

export const EvaluateBody = z
  .object({
    day: IsoDateSchema.optional().describe('defaults to today; not after today'),
    accountIds: z
      .array(z.string().min(1).max(64))
      .max(100_000)
      .optional()
      .describe('only these accounts (default: every live account)'),
  })
  .strict()
  .meta({ id: 'HealthAlertEvaluate' });

export const EvaluateOut = z
  .object({
    day: z.string(),
    scope: z.union([z.number().int(), z.literal('all')]),
    created: z.number().int().describe('alerts raised by this run'),
    byKind: z.record(AlertKindSchema, z.number().int()),
  })
  .meta({ id: 'HealthAlertRun' });
