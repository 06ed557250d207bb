import type { TicketRow } from '../../db/schema.js';
import {
  HOUR_MS,
  isResolvedStatus,
  resolvedAtFor,
  type FieldProblem,
  type TicketPriority,
  type TicketStatus,
} from '../../support/model.js';
import { contactRef, type ContactRef } from './contact-refs.js';
import { accountRef, type AccountRef } from './refs.js';
import { read, type ConvertedRow } from './rows.js';

/** Pure rules for imported tickets: the same rules createTicket and updateTicket apply. */

export interface TicketInput extends AccountRef, ContactRef {
  line: number;
  id?: string;
  externalId?: string;
  subject?: string;
  priority?: TicketPriority;
  status?: TicketStatus;
  openedAt?: string;
  firstResponseAt?: string;
  firstReplyMinutes?: number;
  resolvedAt?: string;
  csat?: number;
  escalated?: boolean;
}

export function ticketInput(r: ConvertedRow): TicketInput {
  return {
    ...accountRef(r),
    ...contactRef(r),
    line: r.line,
    id: read.str(r, 'id'),
    externalId: read.str(r, 'externalId'),
    subject: read.str(r, 'subject'),
    priority: read.str(r, 'priority') as TicketPriority | undefined,
    status: read.str(r, 'status') as TicketStatus | undefined,
    openedAt: read.str(r, 'openedAt'),
    firstResponseAt: read.str(r, 'firstResponseAt'),
    firstReplyMinutes: read.num(r, 'firstReplyMinutes'),
    resolvedAt: read.str(r, 'resolvedAt'),
    csat: read.num(r, 'csat'),
    escalated: read.bool(r, 'escalated'),
  };
}

/** Problems of the row's own cells, before it is matched to a ticket. */
export function checkTicketInput(i: TicketInput): FieldProblem | null {
  if (i.firstReplyMinutes !== undefined && i.firstReplyMinutes < 0)
    return {
      field: 'firstReplyMinutes',
      value: String(i.firstReplyMinutes),
      reason: 'minutes to the first reply cannot be negative',
    };
  return null;
}

/** The first response: its time, or the opening plus the minutes a Zendesk export gives. */
function firstResponseOf(i: TicketInput, openedAt: string): string | undefined {
  if (i.firstResponseAt !== undefined || i.firstReplyMinutes === undefined)
    return i.firstResponseAt;
  return new Date(Date.parse(openedAt) + (i.firstReplyMinutes * HOUR_MS) / 60).toISOString();
}

/** A file with a resolution time but no status means the ticket is solved. */
function statusOf(i: TicketInput, before: TicketRow | null): string {
  if (i.status) return i.status;
  const current = before?.status ?? 'open';
  return i.resolvedAt && !isResolvedStatus(current) ? 'solved' : current;
}

export function newTicketRow(
  i: TicketInput,
  id: string,
  accountId: string,
  contactId: string | null,
  at: string,
): TicketRow {
  const status = statusOf(i, null);
  return {
    id,
    account_id: accountId,
    external_id: i.externalId ?? null,
    subject: i.subject ?? `Ticket ${i.externalId}`,
    priority: i.priority ?? 'normal',
    status,
    opened_at: i.openedAt!,
    first_response_at: firstResponseOf(i, i.openedAt!) ?? null,
    // A solved ticket in a file without its resolution time keeps none: `at` would be a guess.
    resolved_at: resolvedAtFor(null, status, i.resolvedAt, null),
    csat: i.csat ?? null,
    escalated: i.escalated ? 1 : 0,
    contact_id: contactId,
    created_at: at,
    updated_at: at,
  };
}

/**
 * The ticket after the row's non-empty cells, as updateTicket would make it: moving to
 * solved or closed without a time is resolved at `at`; reopening clears the time.
 */
export function mergeTicket(
  before: TicketRow,
  i: TicketInput,
  contactId: string | null,
  at: string,
): { row: TicketRow; changed: string[] } {
  const row: TicketRow = {
    ...before,
    csat: before.csat === null ? null : Number(before.csat),
    escalated: Number(before.escalated),
  };
  const changed: string[] = [];
  const set = <K extends keyof TicketRow>(field: string, col: K, v: TicketRow[K] | undefined) => {
    if (v !== undefined && row[col] !== v) {
      row[col] = v;
      changed.push(field);
    }
  };
  const status = statusOf(i, before);
  set('externalId', 'external_id', i.externalId);
  set('subject', 'subject', i.subject);
  set('priority', 'priority', i.priority);
  set('status', 'status', status);
  set('openedAt', 'opened_at', i.openedAt);
  set('firstResponseAt', 'first_response_at', firstResponseOf(i, row.opened_at));
  set('resolvedAt', 'resolved_at', resolvedAtFor(before, status, i.resolvedAt, at));
  set('csat', 'csat', i.csat);
  set('escalated', 'escalated', i.escalated === undefined ? undefined : i.escalated ? 1 : 0);
  set('contact', 'contact_id', contactId ?? undefined);
  if (changed.length) row.updated_at = at;
  return { row, changed };
}
