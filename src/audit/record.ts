import type { Ctx } from '../core/context.js';
import { newId } from '../core/ids.js';
import type { Executor } from '../db/database.js';
import { diff, type Changes } from './model.js';

export interface AuditWrite {
  entity: string;
  entityId: string;
  action: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  /** Given directly when the change is not a row diff (an import's counts, a key's scope). */
  changes?: Changes;
}

/**
 * Append audit entries inside the caller's transaction, so a write and its record commit
 * or roll back together. Who, when, request id and IP come from the context.
 */
export async function recordAudit(
  ctx: Ctx,
  db: Executor,
  writes: AuditWrite | AuditWrite[],
): Promise<void> {
  const list = Array.isArray(writes) ? writes : [writes];
  if (list.length === 0) return;
  const now = ctx.now();
  const at = now.toISOString();
  const rows = list.map((w) => ({
    id: newId('aud', now.getTime()),
    at,
    actor_kind: ctx.actor.kind,
    actor_id: ctx.actor.id,
    actor_name: ctx.actor.name,
    entity: w.entity,
    entity_id: w.entityId,
    action: w.action,
    changes: JSON.stringify({ ...diff(w.before, w.after), ...(w.changes ?? {}) }),
    request_id: ctx.request.id,
    ip: ctx.request.ip,
  }));
  // Bounded statements: SQLite allows 32,766 bound parameters per statement.
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('audit_log')
      .values(rows.slice(i, i + 500))
      .execute();
  }
}
