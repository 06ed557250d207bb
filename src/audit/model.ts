import type { AuditRow } from '../db/schema.js';

/** Changed fields, before → after. */
export type Changes = Record<string, [unknown, unknown]>;

/** Bookkeeping columns that change on every write and say nothing about what changed. */
const IGNORED = new Set(['updated_at', 'search_text']);
/** Secrets: the audit log says they changed, never what they are. */
const SECRET = new Set(['password_hash', 'token_hash', 'secret_hash', 'csrf_hash']);

export const REDACTED = '[redacted]';

/**
 * The fields that differ between two versions of a record. A created record has no
 * `before`, a deleted one no `after`; secrets show as redacted.
 */
export function diff(
  before: Record<string, unknown> | null | undefined,
  after: Record<string, unknown> | null | undefined,
): Changes {
  const out: Changes = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const key of keys) {
    if (IGNORED.has(key)) continue;
    const a = before ? normalise(before[key]) : null;
    const b = after ? normalise(after[key]) : null;
    if (after && !(key in after) && before) continue; // a partial `after` leaves the rest alone
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    out[key] = SECRET.has(key)
      ? [a === null ? null : REDACTED, b === null ? null : REDACTED]
      : [a, b];
  }
  return out;
}

function normalise(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  return v;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: { kind: string; id: string; name: string };
  entity: string;
  entityId: string;
  action: string;
  changes: Changes;
  requestId: string | null;
  ip: string | null;
}

export function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actor: { kind: row.actor_kind, id: row.actor_id, name: row.actor_name },
    entity: row.entity,
    entityId: row.entity_id,
    action: row.action,
    changes: JSON.parse(row.changes) as Changes,
    requestId: row.request_id,
    ip: row.ip,
  };
}
