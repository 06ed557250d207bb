import { RESOURCES, ACTIONS, type Action, type Resource, type Target } from '../core/access.js';
import type { Role } from './model.js';

export { RESOURCES, ACTIONS, type Action, type Resource, type Target };

/**
 * The permission matrix of docs/permissions.md as code. Pure: who may do what to which
 * record. Services ask it through ctx.can, so HTTP, CLI, jobs and Ask AI obey one rule.
 */

/** How far a role's right reaches: nowhere, its own records, its team's, or everything. */
export type Reach = 'none' | 'own' | 'team' | 'all';

/** Only admins see API keys, the audit log, the job queue and outbound; everyone else reads the rest. */
const ADMIN_READ: readonly Resource[] = ['api_key', 'audit', 'job', 'outbound'];

function readOnly(): Record<Resource, Record<Action, Reach>> {
  const out = {} as Record<Resource, Record<Action, Reach>>;
  for (const r of RESOURCES) {
    out[r] = { read: ADMIN_READ.includes(r) ? 'none' : 'all', write: 'none', reassign: 'none' };
  }
  return out;
}

function everything(): Record<Resource, Record<Action, Reach>> {
  const out = {} as Record<Resource, Record<Action, Reach>>;
  for (const r of RESOURCES) out[r] = { read: 'all', write: 'all', reassign: 'all' };
  return out;
}

/** Saved portfolio views: everyone but a viewer keeps their own; admins also tend shared ones. */
const OWN_VIEWS: Record<Action, Reach> = { read: 'all', write: 'own', reassign: 'none' };

export const MATRIX: Record<Role, Record<Resource, Record<Action, Reach>>> = {
  admin: everything(),
  manager: {
    ...readOnly(),
    account: { read: 'all', write: 'team', reassign: 'team' },
    task: { read: 'all', write: 'team', reassign: 'team' },
    portfolio_view: OWN_VIEWS,
  },
  csm: {
    ...readOnly(),
    account: { read: 'all', write: 'own', reassign: 'none' },
    task: { read: 'all', write: 'own', reassign: 'none' },
    portfolio_view: OWN_VIEWS,
  },
  viewer: readOnly(),
};

export const KEY_SCOPES = ['read', 'write', 'admin', 'ingest'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

function nothing(): Record<Resource, Record<Action, Reach>> {
  const out = {} as Record<Resource, Record<Action, Reach>>;
  for (const r of RESOURCES) out[r] = { read: 'none', write: 'none', reassign: 'none' };
  return out;
}

/**
 * API keys act for an integration, not a person, so their reach is all or none. Ingest keys
 * are Segment write keys: they send events to /v1 and read nothing.
 */
export const KEY_MATRIX: Record<KeyScope, Record<Resource, Record<Action, Reach>>> = {
  read: readOnly(),
  write: {
    ...readOnly(),
    account: { read: 'all', write: 'all', reassign: 'all' },
    task: { read: 'all', write: 'all', reassign: 'all' },
    import: { read: 'all', write: 'all', reassign: 'none' },
    portfolio_view: { read: 'all', write: 'all', reassign: 'none' },
  },
  admin: everything(),
  ingest: nothing(),
};

export function keyAllowed(scope: KeyScope, action: Action, resource: Resource): boolean {
  return KEY_MATRIX[scope][resource][action] === 'all';
}

export interface Subject {
  role: Role;
  userId: string;
  /** The users a manager leads (their accounts are the manager's team's). */
  team?: readonly string[];
}

export function allowed(
  subject: Subject,
  action: Action,
  resource: Resource,
  target?: Target,
): boolean {
  const reach = MATRIX[subject.role][resource][action];
  if (reach === 'all') return true;
  if (reach === 'none') return false;
  // Without a record: may this role ever do it (some records are within its reach)?
  if (!target) return true;
  const owner = target.ownerId ?? null;
  if (owner === null) {
    // A new record with no owner yet is within a scoped right, and a manager may take an
    // unowned record into the team; nobody else touches records nobody owns.
    return target.creating === true || (action === 'reassign' && reach === 'team');
  }
  if (owner === subject.userId) return true;
  return reach === 'team' && (subject.team ?? []).includes(owner);
}
