import { z } from 'zod';
import { TASK_PRIORITIES } from '../tasks/model.js';

/**
 * Playbooks: ordered steps, each a task due some days after the play starts. Pure: the
 * shape of a playbook and the tasks a start creates.
 */

export const CATEGORIES = ['risk', 'onboarding', 'renewal', 'expansion', 'win_back'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Who a step's task goes to: the account's owner, or the owner's manager (escalations). */
export const ASSIGNEES = ['owner', 'manager'] as const;

const Text = (max: number) => z.string().trim().min(1, 'must not be blank').max(max);

export const EmailTemplateSchema = z
  .strictObject({
    subject: Text(200),
    body: Text(20_000),
  })
  .describe(
    'an email the step sends or drafts; {{account.name}}, {{contact.first_name}}, {{owner.name}} are filled in',
  );

export const StepSchema = z.strictObject({
  title: Text(200),
  description: z.string().max(5000).optional(),
  /** Days after the start the task is due (0: the same day). */
  dueAfterDays: z.number().int().min(0, 'must be 0 or more').max(730, 'must be at most 730'),
  assignTo: z.enum(ASSIGNEES).default('owner'),
  priority: z.enum(TASK_PRIORITIES).default('normal'),
  email: EmailTemplateSchema.optional(),
});
export type Step = z.output<typeof StepSchema>;

export const PlaybookKey = z
  .string()
  .max(64)
  .regex(/^[a-z0-9]+(?:[-_][a-z0-9]+)*$/, 'use lower-case letters, digits, - and _');

export const PlaybookDefSchema = z.strictObject({
  key: PlaybookKey,
  name: Text(120),
  category: z.enum(CATEGORIES),
  description: z.string().max(5000).default(''),
  steps: z.array(StepSchema).min(1, 'add at least one step').max(50, 'at most 50 steps'),
});
export type PlaybookDef = z.output<typeof PlaybookDefSchema>;
export type PlaybookInput = z.input<typeof PlaybookDefSchema>;

/** A day as YYYY-MM-DD, `n` days after `day`. */
export function addDaysTo(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

export interface PlannedTask {
  stepIndex: number;
  title: string;
  description: string | null;
  dueOn: string;
  priority: Step['priority'];
  assignTo: Step['assignTo'];
}

/** The tasks starting a playbook on `startDay` creates, one per step, in order. */
export function planTasks(def: PlaybookDef, startDay: string): PlannedTask[] {
  return def.steps.map((s, i) => ({
    stepIndex: i,
    title: s.title,
    description: s.description ?? null,
    dueOn: addDaysTo(startDay, s.dueAfterDays),
    priority: s.priority,
    assignTo: s.assignTo,
  }));
}

/** A run's progress: share of its tasks closed (done or cancelled). */
export function progressOf(statuses: readonly string[]): {
  done: number;
  total: number;
  complete: boolean;
} {
  const done = statuses.filter((s) => s === 'done' || s === 'cancelled').length;
  return {
    done,
    total: statuses.length,
    complete: statuses.length > 0 && done === statuses.length,
  };
}
