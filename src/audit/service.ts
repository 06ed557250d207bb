import type { Ctx } from '../core/context.js';
import type { Page } from '../core/pagination.js';
import { csvLine, BOM } from '../accounts/export/format.js';
import { resolveUserRef } from '../identity/service.js';
import * as store from './store.js';
import { toAuditEntry, type AuditEntry } from './model.js';

export interface AuditQuery {
  entity?: string;
  entityId?: string;
  /** A user id or email, `operator`, `system`, or an API key id. */
  actor?: string;
  action?: string;
  requestId?: string;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

async function toFilter(ctx: Ctx, q: AuditQuery): Promise<store.AuditFilter> {
  let actorId: string | undefined;
  if (q.actor) {
    actorId =
      q.actor === 'operator' || q.actor === 'system' || q.actor.startsWith('key_')
        ? q.actor
        : await resolveUserRef(ctx, q.actor, 'actor');
  }
  return {
    entity: q.entity,
    entityId: q.entityId,
    actorId,
    action: q.action,
    requestId: q.requestId,
    from: q.from ? new Date(q.from).toISOString() : undefined,
    to: q.to ? new Date(q.to).toISOString() : undefined,
  };
}

export async function listAudit(ctx: Ctx, q: AuditQuery): Promise<Page<AuditEntry>> {
  ctx.can('read', 'audit');
  const page = await store.listAudit(ctx.db, await toFilter(ctx, q), q.limit ?? 50, q.cursor);
  return { items: page.items.map(toAuditEntry), nextCursor: page.nextCursor };
}

const HEADER = [
  'id',
  'at',
  'actor_kind',
  'actor_id',
  'actor_name',
  'entity',
  'entity_id',
  'action',
  'changes',
  'request_id',
  'ip',
];

/** Every matching entry as CSV, newest first, read a page at a time. */
export async function exportAuditCsv(ctx: Ctx, q: AuditQuery): Promise<AsyncGenerator<string>> {
  ctx.can('read', 'audit');
  const filter = await toFilter(ctx, q);
  const first = await store.listAudit(ctx.db, filter, 1000);
  async function* lines(): AsyncGenerator<string> {
    yield BOM + csvLine(HEADER);
    let page = first;
    for (;;) {
      for (const r of page.items) {
        yield csvLine([
          r.id,
          r.at,
          r.actor_kind,
          r.actor_id,
          r.actor_name,
          r.entity,
          r.entity_id,
          r.action,
          r.changes,
          r.request_id,
          r.ip,
        ]);
      }
      if (!page.nextCursor) return;
      page = await store.listAudit(ctx.db, filter, 1000, page.nextCursor);
    }
  }
  return lines();
}
