import type { TimelineRow } from '../../db/schema.js';
import { parseJsonObject } from '../account/model.js';

/** Activities people log by hand. */
export const MANUAL_KINDS = ['note', 'call', 'meeting', 'email'] as const;
/** Entries services write; they cannot be posted over the API. */
export const SYSTEM_KINDS = [
  'account_created',
  'stage_changed',
  'owner_changed',
  'account_archived',
  'account_restored',
  'subscription_changed',
  'contact_added',
  'contact_left',
  'imported',
  'health_changed',
  'health_review',
  'alert',
  'task_done',
  'playbook_started',
  'email_sent',
  'renewal_reminder_sent',
  'renewal_override',
  'renewal_outcome',
  'renewal_quote',
  'expansion_opportunity',
  'handoff_completed',
  'ticket_opened',
  'ticket_escalated',
  'ticket_resolved',
  'survey_response',
] as const;
export const TIMELINE_KINDS = [...MANUAL_KINDS, ...SYSTEM_KINDS] as const;
export type ManualKind = (typeof MANUAL_KINDS)[number];
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export interface TimelineEntry {
  id: string;
  accountId: string;
  kind: TimelineKind;
  occurredAt: string;
  title: string;
  body: string | null;
  contactId: string | null;
  actor: string;
  data: Record<string, unknown>;
  createdAt: string;
}

export function toTimelineEntry(row: TimelineRow): TimelineEntry {
  return {
    id: row.id,
    accountId: row.account_id,
    kind: row.kind as TimelineKind,
    occurredAt: row.occurred_at,
    title: row.title,
    body: row.body,
    contactId: row.contact_id,
    actor: row.actor,
    data: parseJsonObject(row.data),
    createdAt: row.created_at,
  };
}
