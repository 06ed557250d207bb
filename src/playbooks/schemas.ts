import { z } from 'zod';
import { IsoDateSchema, QueryBool } from '../core/schemas.js';
import { CATEGORIES, PlaybookKey, StepSchema } from './model.js';

export const PlaybookKeyParams = z.object({ key: PlaybookKey }).strict();

export const PlaybookOut = z
  .object({
    key: z.string(),
    name: z.string(),
    category: z.enum(CATEGORIES),
    description: z.string(),
    steps: z.array(StepSchema),
    version: z.number().int(),
    builtIn: z.boolean().describe('shipped with Tenure (and still editable)'),
    archived: z.boolean(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Playbook' });

export const PlaybookListQuery = z
  .object({ archived: QueryBool.optional().describe('include archived playbooks') })
  .strict();

export const PlaybookListOut = z.object({ items: z.array(PlaybookOut) });

export const PlaybookSaveBody = z
  .record(z.string(), z.unknown())
  .describe(
    'a playbook: { key, name, category, description?, steps: [{ title, description?, dueAfterDays, assignTo?: owner|manager, priority?, email?: { subject, body } }] }; a known key is updated',
  )
  .meta({ id: 'PlaybookSave' });

export const StartBody = z
  .object({
    accountId: z.string().min(1).max(64),
    startOn: IsoDateSchema.optional().describe('the day step offsets count from; default today'),
  })
  .strict();

export const RunOut = z
  .object({
    id: z.string(),
    playbook: z.object({ key: z.string(), name: z.string(), version: z.number().int() }),
    accountId: z.string(),
    status: z.enum(['running', 'completed', 'cancelled']),
    source: z.enum(['manual', 'rule']),
    sourceRef: z.string().nullable(),
    startedBy: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    progress: z.object({ done: z.number().int(), total: z.number().int() }),
  })
  .meta({ id: 'PlaybookRun' });

export const RunListQuery = z
  .object({
    accountId: z.string().max(64).optional(),
    status: z.enum(['running', 'completed', 'cancelled']).optional(),
    playbook: PlaybookKey.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

export const RunListOut = z.object({ items: z.array(RunOut) });
