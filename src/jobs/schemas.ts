import { z } from 'zod';
import { LimitSchema, pageOf } from '../core/schemas.js';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;

export const JobOut = z
  .object({
    id: z.string(),
    kind: z.string(),
    key: z.string().nullable().describe('job@slot for a recurring run; unique when set'),
    status: z.enum(JOB_STATUSES),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    runAt: z.string().describe('due (or next retry) instant'),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    worker: z.string().nullable().describe('the process that ran (or runs) it'),
    lastError: z.string().nullable(),
    payload: z.unknown(),
    result: z.unknown().describe('what the job reported, e.g. counts'),
  })
  .meta({ id: 'Job' });

export const JobListQuery = z
  .object({
    status: z.enum(JOB_STATUSES).optional(),
    kind: z.string().max(100).optional(),
    limit: LimitSchema,
    cursor: z.string().max(500).optional(),
  })
  .strict();

export const JobListOut = pageOf(JobOut).meta({ id: 'JobPage' });

export const ScheduledJobOut = z
  .object({
    kind: z.string(),
    description: z.string(),
    schedule: z.string().describe('e.g. "every minute", "daily at 00:05 UTC"'),
    nextDueAt: z.string(),
    last: JobOut.nullable(),
    failed: z.number().int().describe('failed runs kept in the history'),
  })
  .meta({ id: 'ScheduledJob' });

export const ScheduleOut = z.object({ items: z.array(ScheduledJobOut) });

export const RunJobBody = z.object({ kind: z.string().min(1).max(100) }).strict();
