import type { Db } from '../db/database.js';
import type { Dialect } from '../db/database.js';
import { AppError } from './errors.js';
import { ALLOW_ALL, type AccessCheck, type Action, type Resource, type Target } from './access.js';

/** Who is acting. Recorded on every timeline entry, history row and audit entry. */
export interface Actor {
  kind: 'operator' | 'user' | 'system' | 'api_key';
  id: string;
  name: string;
}

/** The local installation's operator: CLI verbs run on the machine act as it. */
export const OPERATOR: Actor = { kind: 'operator', id: 'operator', name: 'operator' };
/** Scheduled jobs and internal bookkeeping. */
export const SYSTEM: Actor = { kind: 'system', id: 'system', name: 'system' };

/** Where a request came from, for the audit log. */
export interface RequestInfo {
  id: string | null;
  ip: string | null;
}

/** What every use case receives: the database, who acts, the clock and the permission check. */
export interface Ctx {
  db: Db;
  dialect: Dialect;
  actor: Actor;
  request: RequestInfo;
  now(): Date;
  /** Whether the actor may do this; for filtering and for hiding what may not be read. */
  may(action: Action, resource: Resource, target?: Target): boolean;
  /** Throws AppError('forbidden') when the actor may not do this. */
  can(action: Action, resource: Resource, target?: Target): void;
}

export function actorLabel(actor: Actor): string {
  return `${actor.kind}:${actor.id}`;
}

export interface CtxOptions {
  actor?: Actor;
  now?: () => Date;
  access?: AccessCheck;
  request?: RequestInfo;
}

export function makeCtx(db: Db, dialect: Dialect, opts: CtxOptions = {}): Ctx {
  const access = opts.access ?? ALLOW_ALL;
  return {
    db,
    dialect,
    actor: opts.actor ?? OPERATOR,
    request: opts.request ?? { id: null, ip: null },
    now: opts.now ?? (() => new Date()),
    may: access,
    can(action, resource, target) {
      if (!access(action, resource, target)) {
        throw new AppError('forbidden', `not allowed to ${action} ${resource.replace('_', ' ')}`, {
          action,
          resource,
        });
      }
    },
  };
}

/** Throws not_found when the actor may not read this kind of record, so ids cannot be probed. */
export function assertReadable(ctx: Ctx, resource: Resource, kind: string, id: string): void {
  if (!ctx.may('read', resource)) {
    throw new AppError('not_found', `${kind} ${id} not found`, { kind, id });
  }
}
