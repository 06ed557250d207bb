import { sql } from 'kysely';
import type { Page } from '../core/pagination.js';
import type { Executor } from '../db/database.js';
import { keysetPage } from '../db/keyset.js';
import type { AuditRow } from '../db/schema.js';

export interface AuditFilter {
  entity?: string;
  entityId?: string;
  actorId?: string;
  actorKind?: string;
  action?: string;
  requestId?: string;
  /** Inclusive lower and exclusive upper bound on `at` (ISO instants). */
  from?: string;
  to?: string;
}

/** Newest first; (at, id) is unique so pages never skip or repeat an entry. */
export async function listAudit(
  db: Executor,
  f: AuditFilter,
  limit: number,
  cursor?: string,
): Promise<Page<AuditRow>> {
  let q = db.selectFrom('audit_log').selectAll();
  if (f.entity) q = q.where('entity', '=', f.entity);
  if (f.entityId) q = q.where('entity_id', '=', f.entityId);
  if (f.actorId) q = q.where('actor_id', '=', f.actorId);
  if (f.actorKind) q = q.where('actor_kind', '=', f.actorKind);
  if (f.action) q = q.where('action', '=', f.action);
  if (f.requestId) q = q.where('request_id', '=', f.requestId);
  if (f.from) q = q.where('at', '>=', f.from);
  if (f.to) q = q.where('at', '<', f.to);
  return keysetPage(
    q,
    { name: 'at', expr: sql.ref('at'), desc: true, value: (r: AuditRow) => r.at },
    limit,
    cursor,
  );
}
