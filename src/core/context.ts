import type { Db } from '../db/database.js';
import type { Dialect } from '../db/database.js';

/** Who is acting. Recorded on every timeline entry and history row. */
export interface Actor {
  kind: 'operator' | 'user' | 'system' | 'api_key';
  id: string;
  name: string;
}

export const OPERATOR: Actor = { kind: 'operator', id: 'operator', name: 'operator' };
export const SYSTEM: Actor = { kind: 'system', id: 'system', name: 'system' };

export type Permission = 'read' | 'account.write' | 'import' | 'admin';

/** What every use case receives: the database, who acts, the clock and the permission check. */
export interface Ctx {
  db: Db;
  dialect: Dialect;
  actor: Actor;
  now(): Date;
  /** Throws AppError('forbidden') when the actor may not do this. */
  can(permission: Permission, resource?: { ownerId?: string | null }): void;
}

export function actorLabel(actor: Actor): string {
  return `${actor.kind}:${actor.id}`;
}

export function makeCtx(
  db: Db,
  dialect: Dialect,
  actor: Actor = OPERATOR,
  now: () => Date = () => new Date(),
): Ctx {
  return {
    db,
    dialect,
    actor,
    now,
    // Roles arrive with identity (J3); until then every local actor is the operator.
    can: () => undefined,
  };
}
