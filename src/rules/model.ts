import { z } from 'zod';
import { STAGES } from '../accounts/account/model.js';
import { PlaybookKey } from '../playbooks/model.js';
import { TASK_PRIORITIES } from '../tasks/model.js';

/**
 * Rules (D4): when something happens to an account (an alert, a stage change, a product
 * event, or a check on a schedule) and its fields meet the conditions, then act. Pure: the
 * rule's shape, condition matching, and which (account, cause) pairs fire.
 */

export const FIELDS = [
  'segment',
  'stage',
  'industry',
  'region',
  'ownerId',
  'arrMinor',
  'healthScore',
  'healthTier',
  'renewalInDays',
] as const;
export type Field = (typeof FIELDS)[number];

export const OPS = [
  'eq',
  'ne',
  'in',
  'nin',
  'lt',
  'lte',
  'gt',
  'gte',
  'exists',
  'missing',
] as const;
export type Op = (typeof OPS)[number];

const Scalar = z.union([z.string(), z.number()]);

export const ConditionSchema = z
  .strictObject({
    field: z.enum(FIELDS),
    op: z.enum(OPS),
    value: z.union([Scalar, z.array(Scalar)]).optional(),
  })
  .superRefine((c, ctx) => {
    const list = c.op === 'in' || c.op === 'nin';
    const none = c.op === 'exists' || c.op === 'missing';
    if (none && c.value !== undefined)
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${c.op} takes no value` });
    if (!none && c.value === undefined)
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'give a value' });
    if (list && !Array.isArray(c.value))
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${c.op} takes a list` });
    if (!list && Array.isArray(c.value))
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${c.op} takes one value` });
    if (['lt', 'lte', 'gt', 'gte'].includes(c.op) && typeof c.value !== 'number')
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${c.op} compares numbers` });
  });
export type Condition = z.output<typeof ConditionSchema>;

/** Account fields whose changes a rule can fire on, and the audit-log column of each. */
export const CHANGE_FIELDS = ['segment', 'stage', 'industry', 'region', 'ownerId'] as const;
export const CHANGE_COLUMN: Record<(typeof CHANGE_FIELDS)[number], string> = {
  segment: 'segment',
  stage: 'stage',
  industry: 'industry',
  region: 'region',
  ownerId: 'owner_id',
};

/** Fields a rule may set. */
export const SET_FIELDS = ['segment', 'industry', 'region'] as const;

export const TriggerSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('alert'),
    /** Alert kinds (default any). */
    kinds: z.array(z.string().min(1)).min(1).optional(),
    /** For tier changes: the tier moved into, e.g. Red. */
    toTier: z.string().min(1).optional(),
  }),
  z.strictObject({ type: z.literal('stage_changed'), to: z.enum(STAGES) }),
  z.strictObject({
    type: z.literal('field_changed'),
    field: z.enum(CHANGE_FIELDS),
    /** Only changes to this value (text compares without case); any change when left out. */
    to: z.string().min(1).max(200).optional(),
  }),
  z.strictObject({ type: z.literal('event'), event: z.string().min(1).max(200) }),
  z.strictObject({
    type: z.literal('schedule'),
    /** Fire again for the same account each day, week or month the conditions hold; or once. */
    once: z.enum(['ever', 'day', 'week', 'month']).default('ever'),
  }),
]);
export type Trigger = z.output<typeof TriggerSchema>;

const Text = (max: number) => z.string().trim().min(1, 'must not be blank').max(max);

export const ActionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('start_playbook'), playbook: PlaybookKey }),
  z.strictObject({
    type: z.literal('create_task'),
    title: Text(200),
    dueAfterDays: z.number().int().min(0).max(365).default(0),
    priority: z.enum(TASK_PRIORITIES).default('normal'),
  }),
  z.strictObject({
    type: z.literal('send_email'),
    /** owner, manager (the owner's), or an address. */
    to: z.union([z.enum(['owner', 'manager']), z.email()]),
    subject: Text(200),
    body: Text(20_000),
  }),
  z.strictObject({
    type: z.literal('notify_slack'),
    endpoint: z.string().min(1),
    text: Text(3000),
  }),
  z.strictObject({ type: z.literal('call_webhook'), endpoint: z.string().min(1) }),
  z.strictObject({ type: z.literal('set_stage'), stage: z.enum(STAGES) }),
  z.strictObject({ type: z.literal('set_field'), field: z.enum(SET_FIELDS), value: Text(200) }),
]);
export type Action = z.output<typeof ActionSchema>;

export const RuleKey = z
  .string()
  .max(64)
  .regex(/^[a-z0-9]+(?:[-_][a-z0-9]+)*$/, 'use lower-case letters, digits, - and _');

export const RuleDefSchema = z.strictObject({
  key: RuleKey,
  name: Text(120),
  description: z.string().max(2000).default(''),
  when: TriggerSchema,
  conditions: z.array(ConditionSchema).max(20).default([]),
  then: z.array(ActionSchema).min(1, 'add at least one action').max(10),
});
export type RuleDef = z.output<typeof RuleDefSchema>;
export type RuleInput = z.input<typeof RuleDefSchema>;

/** What conditions read about an account. */
export type Facts = Record<Field, string | number | null> & { accountId: string };

function cmp(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

/** Text compares without case ("Red" = "red"); numbers as numbers. */
function same(a: string | number, b: string | number): boolean {
  return typeof a === 'string' && typeof b === 'string'
    ? a.toLowerCase() === b.toLowerCase()
    : a === b;
}

export function conditionHolds(f: Facts, c: Condition): boolean {
  const v = f[c.field];
  if (c.op === 'exists') return v !== null;
  if (c.op === 'missing') return v === null;
  if (v === null) return c.op === 'ne' || c.op === 'nin';
  const want = c.value!;
  switch (c.op) {
    case 'eq':
      return same(v, want as string | number);
    case 'ne':
      return !same(v, want as string | number);
    case 'in':
      return (want as (string | number)[]).some((w) => same(v, w));
    case 'nin':
      return !(want as (string | number)[]).some((w) => same(v, w));
    case 'lt':
      return typeof v === 'number' && cmp(v, want as number) < 0;
    case 'lte':
      return typeof v === 'number' && cmp(v, want as number) <= 0;
    case 'gt':
      return typeof v === 'number' && cmp(v, want as number) > 0;
    case 'gte':
      return typeof v === 'number' && cmp(v, want as number) >= 0;
  }
}

export const matches = (f: Facts, conditions: readonly Condition[]): boolean =>
  conditions.every((c) => conditionHolds(f, c));

/** Something that happened to an account, named so it fires a rule at most once. */
export interface Cause {
  accountId: string;
  key: string;
  /** Why, in words, for the run log. */
  reason: string;
}

/** The cause a schedule check names for an account on a day. */
export function scheduleCause(
  accountId: string,
  once: 'ever' | 'day' | 'week' | 'month',
  day: string,
): Cause {
  const t = Date.parse(`${day}T00:00:00Z`);
  // Weeks start on Monday: the period is named by that Monday.
  const monday = new Date(t - ((new Date(t).getUTCDay() + 6) % 7) * 86_400_000)
    .toISOString()
    .slice(0, 10);
  const period =
    once === 'ever'
      ? 'ever'
      : once === 'day'
        ? day
        : once === 'week'
          ? `week-of-${monday}`
          : day.slice(0, 7);
  return { accountId, key: `schedule:${period}`, reason: `conditions hold on ${day}` };
}

/** The pairs to fire: causes whose account meets the conditions and that have not fired. */
export function toFire(
  conditions: readonly Condition[],
  causes: readonly Cause[],
  facts: ReadonlyMap<string, Facts>,
  fired: ReadonlySet<string>,
): Cause[] {
  const out: Cause[] = [];
  const seen = new Set<string>();
  for (const c of causes) {
    // Conditions first: they are cheap, and most causes fail them before a key is built.
    const f = facts.get(c.accountId);
    if (!f || !matches(f, conditions)) continue;
    const id = `${c.accountId}\0${c.key}`;
    if (fired.has(id) || seen.has(id)) continue;
    seen.add(id);
    out.push(c);
  }
  return out;
}

export const firedKey = (accountId: string, causeKey: string): string =>
  `${accountId}\0${causeKey}`;
