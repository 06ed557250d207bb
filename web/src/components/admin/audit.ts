/** The audit page's filters (held in the URL) and how it shows a changed value. Pure. */

export const AUDIT_FILTERS = ['entity', 'entityId', 'actor', 'action', 'from', 'to'] as const;
export type AuditFilter = (typeof AUDIT_FILTERS)[number];

export interface AuditQuery {
  entity?: string;
  entityId?: string;
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The API's query from the page's URL. Dates are whole UTC days and `to` includes its day
 * (the API's `to` is exclusive, so it becomes the start of the next day). A malformed date
 * is left out rather than sent to be refused.
 */
export function auditQuery(params: URLSearchParams): AuditQuery {
  const q: AuditQuery = {};
  for (const k of ['entity', 'entityId', 'actor', 'action'] as const) {
    const v = params.get(k)?.trim();
    if (v) q[k] = v;
  }
  const from = params.get('from');
  if (from && DATE.test(from)) q.from = `${from}T00:00:00Z`;
  const to = params.get('to');
  if (to && DATE.test(to)) {
    const next = new Date(Date.parse(`${to}T00:00:00Z`) + 864e5);
    if (!Number.isNaN(next.getTime())) q.to = next.toISOString();
  }
  return q;
}

/** The CSV export's address with the same filters. */
export function exportHref(q: AuditQuery): string {
  const s = new URLSearchParams(
    Object.entries(q).filter((e): e is [string, string] => typeof e[1] === 'string'),
  ).toString();
  return `/api/v1/audit/export.csv${s ? `?${s}` : ''}`;
}

/** A value as text for the diff: JSON kept in strings is unfolded so it can be read. */
export function showValue(v: unknown): { text: string; block: boolean; empty: boolean } {
  if (v === null || v === undefined || v === '')
    return { text: 'empty', block: false, empty: true };
  if (typeof v === 'string') {
    const t = v.trim();
    if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
      try {
        return { text: JSON.stringify(JSON.parse(t), null, 2), block: true, empty: false };
      } catch {
        // not JSON after all: shown as written
      }
    }
    return { text: v, block: v.includes('\n'), empty: false };
  }
  if (typeof v === 'object') return { text: JSON.stringify(v, null, 2), block: true, empty: false };
  return { text: String(v), block: false, empty: false };
}

/** Entities and actions the server records, offered as suggestions (others can be typed). */
export const ENTITIES = [
  'account',
  'api_key',
  'contact',
  'dead_letter',
  'health_alert',
  'health_backtest',
  'health_model',
  'import',
  'portfolio_view',
  'session',
  'setting',
  'subscription',
  'ticket',
  'timeline_entry',
  'user',
];
export const ACTIONS = [
  'create',
  'update',
  'delete',
  'revoke',
  'login',
  'login_failed',
  'logout',
  'fix',
  'replay',
  'set_password',
  'change_password',
];
