/**
 * The vocabulary of permissions: which actions on which resources. The matrix that says
 * who may do what lives in identity/permissions.ts; core only names the words so every
 * feature can ask `ctx.can(action, resource, target)` without depending on identity.
 */
export const RESOURCES = [
  'account',
  'task',
  'user',
  'api_key',
  'setting',
  'health_model',
  'import',
  'audit',
  'portfolio_view',
  'job',
  'playbook',
  'outbound',
  'rule',
] as const;
export type Resource = (typeof RESOURCES)[number];

export const ACTIONS = ['read', 'write', 'reassign'] as const;
export type Action = (typeof ACTIONS)[number];

/** The record acted on: whose it is (account owner, task assignee). */
export interface Target {
  ownerId?: string | null;
  /** The record is being created (an owner-less new record is within a scoped right). */
  creating?: boolean;
}

/** Answers whether the current principal may do `action` on `resource` (and this record). */
export type AccessCheck = (action: Action, resource: Resource, target?: Target) => boolean;

export const ALLOW_ALL: AccessCheck = () => true;
