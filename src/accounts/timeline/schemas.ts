import { z } from 'zod';
import { LimitSchema, pageOf } from '../../core/schemas.js';
import { MANUAL_KINDS, TIMELINE_KINDS } from './model.js';

export const TimelineEntryOut = z
  .object({
    id: z.string(),
    accountId: z.string(),
    kind: z.enum(TIMELINE_KINDS),
    occurredAt: z.string(),
    title: z.string(),
    body: z.string().nullable(),
    contactId: z.string().nullable(),
    actor: z.string(),
    data: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
  })
  .meta({ id: 'TimelineEntry' });

export const ActivityCreate = z
  .object({
    kind: z.enum(MANUAL_KINDS),
    title: z.string().trim().min(1).max(300),
    body: z.string().max(20_000).nullish(),
    occurredAt: z.iso.datetime({ offset: true }).optional().describe('defaults to now'),
    contactId: z.string().max(64).nullish(),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .meta({ id: 'ActivityCreate' });

export const TimelineQuery = z
  .object({
    limit: LimitSchema,
    cursor: z.string().optional(),
    kind: z
      .string()
      .optional()
      .describe('comma-separated kinds')
      .refine(
        (s) => !s || s.split(',').every((k) => (TIMELINE_KINDS as readonly string[]).includes(k)),
        {
          message: `each kind must be one of ${TIMELINE_KINDS.join(', ')}`,
        },
      ),
    before: z.iso.datetime({ offset: true }).optional(),
    after: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export const TimelinePage = pageOf(TimelineEntryOut).meta({ id: 'TimelinePage' });
