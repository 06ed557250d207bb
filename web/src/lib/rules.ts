import type { Schemas } from '../api/client';
import { stageLabel } from './format';

/** Rules in words (when, if, then), the editor's example, and reading its JSON. Pure. */

export type Rule = Schemas['Rule'];
export type RuleFiring = Schemas['RuleFiring'];

type Scalar = string | number;
export interface Condition {
  field: string;
  op: string;
  value?: Scalar | Scalar[];
}
export interface Trigger {
  type: string;
  kinds?: string[];
  toTier?: string;
  to?: string;
  event?: string;
  once?: string;
}
export interface Action {
  type: string;
  [k: string]: unknown;
}
export interface RuleDefinition {
  key?: string;
  name?: string;
  description?: string;
  when?: Trigger;
  conditions?: Condition[];
  then?: Action[];
}

const FIELD: Record<string, string> = {
  segment: 'segment',
  stage: 'stage',
  industry: 'industry',
  region: 'region',
  ownerId: 'owner',
  arrMinor: 'ARR (minor units)',
  healthScore: 'health score',
  healthTier: 'health tier',
  renewalInDays: 'days to renewal',
};

const OP: Record<string, string> = {
  eq: 'is',
  ne: 'is not',
  in: 'is one of',
  nin: 'is none of',
  lt: 'is below',
  lte: 'is at most',
  gt: 'is above',
  gte: 'is at least',
  exists: 'is set',
  missing: 'is not set',
};

const ONCE: Record<string, string> = {
  ever: 'once per account',
  day: 'once a day per account',
  week: 'once a week per account',
  month: 'once a month per account',
};

const words = (s: string) => s.replace(/_/g, ' ');
const str = (v: unknown): string =>
  typeof v === 'string' || typeof v === 'number' ? String(v) : '';
const quote = (v: unknown) => `“${str(v)}”`;

function valueText(v: Condition['value']): string {
  if (Array.isArray(v)) return v.map((x) => String(x)).join(', ');
  if (typeof v === 'number') return v.toLocaleString('en-US');
  return v ?? '';
}

/** "When a tier change alert moves an account into Red". */
export function whenText(t: Trigger | undefined): string {
  if (!t) return 'When nothing (no trigger)';
  switch (t.type) {
    case 'alert': {
      const kinds = t.kinds?.length ? t.kinds.map(words).join(' or ') : 'any';
      const tier = t.toTier ? ` into ${t.toTier}` : '';
      return `When a ${kinds} alert is raised${tier ? ` moving the account${tier}` : ''}`;
    }
    case 'stage_changed':
      return `When an account moves into the ${stageLabel(t.to ?? '?')} stage`;
    case 'event':
      return `When the product event ${quote(t.event)} is seen`;
    case 'schedule':
      return `On a schedule, ${ONCE[t.once ?? 'ever'] ?? t.once ?? ''}`;
    default:
      return `When ${words(t.type)}`;
  }
}

export function conditionText(c: Condition): string {
  const field = FIELD[c.field] ?? c.field;
  const op = OP[c.op] ?? c.op;
  const v = c.op === 'exists' || c.op === 'missing' ? '' : ` ${valueText(c.value)}`;
  return `${field.charAt(0).toUpperCase()}${field.slice(1)} ${op}${v}`;
}

export function actionText(a: Action): string {
  switch (a.type) {
    case 'start_playbook':
      return `Start the playbook ${str(a.playbook)}`;
    case 'create_task': {
      const days = typeof a.dueAfterDays === 'number' ? a.dueAfterDays : 0;
      const due = days === 0 ? 'due the same day' : `due after ${days} day${days === 1 ? '' : 's'}`;
      const prio = a.priority && a.priority !== 'normal' ? `, ${str(a.priority)} priority` : '';
      return `Create a task ${quote(a.title)}, ${due}${prio}`;
    }
    case 'send_email': {
      const to =
        a.to === 'owner' ? 'the owner' : a.to === 'manager' ? 'the owner’s manager' : str(a.to);
      return `Email ${to}: ${quote(a.subject)}`;
    }
    case 'notify_slack':
      return `Post to Slack: ${quote(a.text)}`;
    case 'call_webhook':
      return `Call the webhook ${str(a.endpoint)}`;
    case 'set_stage':
      return `Set the stage to ${stageLabel(str(a.stage))}`;
    default:
      return words(a.type);
  }
}

/** The whole rule as sentences: when, each condition, each action. */
export function describeRule(d: RuleDefinition): {
  when: string;
  conditions: string[];
  then: string[];
} {
  return {
    when: whenText(d.when),
    conditions: (d.conditions ?? []).map(conditionText),
    then: (d.then ?? []).map(actionText),
  };
}

/** One line for a list: "Start the playbook low-engagement; Email the owner: …". */
export const actionsSummary = (d: RuleDefinition): string =>
  (d.then ?? []).map(actionText).join('; ') || 'No action';

export const asDefinition = (v: unknown): RuleDefinition =>
  v !== null && typeof v === 'object' ? (v as RuleDefinition) : {};

export const EXAMPLE_RULE: RuleDefinition = {
  key: 'red-low-engagement',
  name: 'Health turns red → low engagement play',
  description: '',
  when: { type: 'alert', kinds: ['tier_change'], toTier: 'Red' },
  conditions: [],
  then: [{ type: 'start_playbook', playbook: 'low-engagement' }],
};

export const toJson = (d: unknown): string => JSON.stringify(d, null, 2);

/** The editor's text as an object, or where the JSON breaks. */
export function parseRule(
  text: string,
): { ok: true; definition: Record<string, unknown> } | { ok: false; message: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `This is not valid JSON: ${(e as Error).message}` };
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    return { ok: false, message: 'The rule must be one JSON object: { "key": …, "when": … }' };
  return { ok: true, definition: v as Record<string, unknown> };
}
