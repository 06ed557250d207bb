import { z } from 'zod';
import { IsoDateSchema, QueryBool } from '../core/schemas.js';
import { ScopeSchema } from '../portfolio/schemas.js';
import { SCOPES } from '../portfolio/model.js';
import { TASK_PRIORITIES, TASK_SOURCES, TASK_STATUSES } from './model.js';

const Title = z.string().trim().min(1, 'must not be blank').max(200);
const Description = z.string().max(10_000);
const Ref = z.object({ id: z.string(), name: z.string() });

export const TaskOut = z
  .object({
    id: z.string(),
    account: Ref.nullable(),
    title: z.string(),
    description: z.string().nullable(),
    assignee: Ref.nullable(),
    dueOn: z.string().nullable(),
    priority: z.enum(TASK_PRIORITIES),
    status: z.enum(TASK_STATUSES),
    source: z.enum(TASK_SOURCES),
    sourceRef: z.string().nullable().describe('the playbook run, rule or alert that made it'),
    playbookRunId: z.string().nullable(),
    stepIndex: z.number().int().nullable(),
    rank: z
      .number()
      .int()
      .describe('0–100 from ARR, health risk and due date (docs/tasks.md); open tasks sort by it'),
    overdue: z.boolean(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    completedAt: z.string().nullable(),
    completedBy: z.string().nullable(),
  })
  .meta({ id: 'Task' });

export const TaskCommentOut = z
  .object({
    id: z.string(),
    author: z.string(),
    authorName: z.string(),
    body: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'TaskComment' });

export const TaskDetailOut = TaskOut.extend({ comments: z.array(TaskCommentOut) }).meta({
  id: 'TaskDetail',
});

export const TaskListQuery = z
  .object({
    scope: ScopeSchema.optional(),
    status: z.enum(['open', 'done', 'cancelled', 'any']).optional().describe('default open'),
    overdue: QueryBool.optional().describe('open tasks due before today'),
    accountId: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

export const TaskListOut = z
  .object({
    scope: z.enum(SCOPES),
    items: z.array(TaskOut),
    total: z.number().int().describe('tasks matching, before the limit'),
  })
  .meta({ id: 'TaskList' });

export const TaskCreateBody = z
  .object({
    accountId: z.string().max(64).nullable().optional(),
    alertId: z
      .string()
      .max(64)
      .optional()
      .describe("a task to act on a health alert: the alert's account, source alert"),
    title: Title,
    description: Description.nullable().optional(),
    assigneeId: z
      .string()
      .max(64)
      .nullable()
      .optional()
      .describe("default: the account's owner, else you"),
    dueOn: IsoDateSchema.nullable().optional(),
    priority: z.enum(TASK_PRIORITIES).optional(),
  })
  .strict()
  .meta({ id: 'TaskCreate' });

export const TaskPatchBody = z
  .object({
    title: Title.optional(),
    description: Description.nullable().optional(),
    assigneeId: z.string().max(64).nullable().optional(),
    dueOn: IsoDateSchema.nullable().optional(),
    priority: z.enum(TASK_PRIORITIES).optional(),
    status: z.enum(TASK_STATUSES).optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'change at least one field')
  .meta({ id: 'TaskPatch' });

export const CommentBody = z
  .object({ body: z.string().trim().min(1, 'must not be blank').max(10_000) })
  .strict();
