import type { SurveyResponseRow, TicketRow } from '../db/schema.js';
import type { TimelineKind } from '../accounts/timeline/model.js';

/** Support tickets and survey responses (B3): shapes, validation rules, timeline events. */

export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export const TICKET_STATUSES = ['open', 'pending', 'solved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
/** Statuses that still need the support team: they count as open tickets. */
export const OPEN_STATUSES: readonly TicketStatus[] = ['open', 'pending'];
export const SURVEY_KINDS = ['nps', 'csat'] as const;
export type SurveyKind = (typeof SURVEY_KINDS)[number];
export const NPS_CATEGORIES = ['promoter', 'passive', 'detractor'] as const;
export type NpsCategory = (typeof NPS_CATEGORIES)[number];

export const SCORE_RANGE: Record<SurveyKind, { min: number; max: number }> = {
  nps: { min: 0, max: 10 },
  csat: { min: 1, max: 5 },
};

export const HOUR_MS = 3_600_000;

export function isResolvedStatus(s: string): boolean {
  return s === 'solved' || s === 'closed';
}

/** Hours from one instant to another (negative when `to` is earlier). */
export function hoursBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / HOUR_MS;
}

export interface Ticket {
  id: string;
  accountId: string;
  externalId: string | null;
  subject: string;
  priority: TicketPriority;
  status: TicketStatus;
  openedAt: string;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  /** Hours from opened to first response / to resolution, when both instants are known. */
  firstResponseHours: number | null;
  resolutionHours: number | null;
  csat: number | null;
  escalated: boolean;
  contactId: string | null;
  createdAt: string;
  updatedAt: string;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function toTicket(row: TicketRow): Ticket {
  return {
    id: row.id,
    accountId: row.account_id,
    externalId: row.external_id,
    subject: row.subject,
    priority: row.priority as TicketPriority,
    status: row.status as TicketStatus,
    openedAt: row.opened_at,
    firstResponseAt: row.first_response_at,
    resolvedAt: row.resolved_at,
    firstResponseHours: row.first_response_at
      ? round2(hoursBetween(row.opened_at, row.first_response_at))
      : null,
    resolutionHours: row.resolved_at ? round2(hoursBetween(row.opened_at, row.resolved_at)) : null,
    csat: row.csat === null ? null : Number(row.csat),
    escalated: Number(row.escalated) === 1,
    contactId: row.contact_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface SurveyResponse {
  id: string;
  accountId: string;
  contactId: string | null;
  externalId: string | null;
  kind: SurveyKind;
  score: number;
  /** promoter / passive / detractor for NPS; null for CSAT. */
  category: NpsCategory | null;
  comment: string | null;
  respondedAt: string;
  createdAt: string;
}

export function toSurveyResponse(row: SurveyResponseRow): SurveyResponse {
  const score = Number(row.score);
  return {
    id: row.id,
    accountId: row.account_id,
    contactId: row.contact_id,
    externalId: row.external_id,
    kind: row.kind as SurveyKind,
    score,
    category: row.kind === 'nps' ? npsCategory(score) : null,
    comment: row.comment,
    respondedAt: row.responded_at,
    createdAt: row.created_at,
  };
}

/** A bad value, named by the API field it came from. */
export interface FieldProblem {
  field: string;
  value: string;
  reason: string;
}

/** The fields of a ticket that the rules below relate to each other. */
export type TicketFacts = Pick<
  TicketRow,
  'status' | 'opened_at' | 'first_response_at' | 'resolved_at' | 'csat'
>;

/**
 * The resolution instant after a change. Moving into solved/closed sets it (to `now` unless
 * given; `now` is null when the moment is unknown, as for a solved ticket in a file);
 * staying resolved keeps it; reopening clears it. `given` undefined means "not sent".
 */
export function resolvedAtFor(
  before: Pick<TicketRow, 'status' | 'resolved_at'> | null,
  status: string,
  given: string | null | undefined,
  now: string | null,
): string | null {
  if (given !== undefined) return given;
  if (!isResolvedStatus(status)) return null;
  if (before && isResolvedStatus(before.status)) return before.resolved_at;
  return now;
}

export function checkScore(kind: SurveyKind, score: number): FieldProblem | null {
  const { min, max } = SCORE_RANGE[kind];
  if (Number.isInteger(score) && score >= min && score <= max) return null;
  return {
    field: 'score',
    value: String(score),
    reason: `${kind === 'nps' ? 'an NPS' : 'a CSAT'} score is a whole number from ${min} to ${max}`,
  };
}

/** What createTicket/updateTicket (and the importer) refuse, first problem first. */
export function checkTicket(t: TicketFacts): FieldProblem | null {
  const opened = Date.parse(t.opened_at);
  if (t.first_response_at !== null && Date.parse(t.first_response_at) < opened)
    return {
      field: 'firstResponseAt',
      value: t.first_response_at,
      reason: `is before the ticket was opened (${t.opened_at})`,
    };
  if (t.resolved_at !== null && !isResolvedStatus(t.status))
    return {
      field: 'resolvedAt',
      value: t.resolved_at,
      reason: `only solved or closed tickets have a resolution time (status is ${t.status})`,
    };
  if (t.resolved_at !== null && Date.parse(t.resolved_at) < opened)
    return {
      field: 'resolvedAt',
      value: t.resolved_at,
      reason: `is before the ticket was opened (${t.opened_at})`,
    };
  if (t.csat !== null) {
    const p = checkScore('csat', Number(t.csat));
    if (p) return { ...p, field: 'csat', reason: 'CSAT is a whole number from 1 to 5' };
  }
  return null;
}

/** A timeline event a ticket or survey change writes on its account. */
export interface SupportEvent {
  kind: Extract<
    TimelineKind,
    'ticket_opened' | 'ticket_escalated' | 'ticket_resolved' | 'survey_response'
  >;
  title: string;
  /** Undefined: when the change is recorded. */
  occurredAt?: string;
  contactId: string | null;
  data: Record<string, unknown>;
}

function ticketLabel(t: Pick<TicketRow, 'subject' | 'external_id'>): string {
  return t.external_id ? `#${t.external_id} ${t.subject}` : t.subject;
}

/**
 * The events of a ticket change: opened (at its opening), escalated, and resolved (at its
 * resolution, when that moment is known). Field edits and reopening are in the audit log only.
 */
export function ticketEvents(before: TicketRow | null, after: TicketRow): SupportEvent[] {
  const events: SupportEvent[] = [];
  const base = {
    contactId: after.contact_id,
    data: { ticketId: after.id, priority: after.priority, status: after.status },
  };
  if (!before) {
    const label =
      after.priority === 'urgent'
        ? 'Urgent ticket'
        : after.priority === 'high'
          ? 'High-priority ticket'
          : 'Ticket';
    events.push({
      ...base,
      kind: 'ticket_opened',
      title: `${label} opened: ${ticketLabel(after)}`,
      occurredAt: after.opened_at,
    });
  }
  if (Number(after.escalated) === 1 && (!before || Number(before.escalated) !== 1)) {
    events.push({
      ...base,
      kind: 'ticket_escalated',
      title: `Ticket escalated: ${ticketLabel(after)}`,
      // A ticket that arrives escalated has no escalation moment of its own.
      occurredAt: before ? undefined : after.opened_at,
    });
  }
  const resolvedNow =
    isResolvedStatus(after.status) && !(before && isResolvedStatus(before.status));
  if (resolvedNow && after.resolved_at) {
    const hours = Math.round(hoursBetween(after.opened_at, after.resolved_at) * 10) / 10;
    events.push({
      ...base,
      kind: 'ticket_resolved',
      title: `Ticket ${after.status} after ${hours} h: ${ticketLabel(after)}`,
      occurredAt: after.resolved_at,
      data: { ...base.data, resolutionHours: hours, csat: after.csat },
    });
  }
  return events;
}

export function surveyEvent(row: SurveyResponseRow, contactName: string | null): SupportEvent {
  const score = Number(row.score);
  const what =
    row.kind === 'nps' ? `NPS ${score} (${npsCategory(score)})` : `CSAT ${score}/5 survey response`;
  return {
    kind: 'survey_response',
    title: `${what}${contactName ? ` from ${contactName}` : ''}`,
    occurredAt: row.responded_at,
    contactId: row.contact_id,
    data: { responseId: row.id, kind: row.kind, score },
  };
}

/** NPS buckets: 9–10 promoters, 7–8 passives, 0–6 detractors. */
export function npsCategory(score: number): NpsCategory {
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
}

export interface NpsResult {
  /** % promoters − % detractors, rounded half away from zero; null without responses. */
  score: number | null;
  responses: number;
  promoters: number;
  passives: number;
  detractors: number;
}

export function nps(scores: readonly number[]): NpsResult {
  let promoters = 0;
  let passives = 0;
  let detractors = 0;
  for (const s of scores) {
    const c = npsCategory(s);
    if (c === 'promoter') promoters++;
    else if (c === 'passive') passives++;
    else detractors++;
  }
  const n = scores.length;
  const exact = n ? (100 * (promoters - detractors)) / n : 0;
  // Symmetric rounding: mirroring every answer mirrors the score exactly.
  const score = n ? Math.sign(exact) * Math.round(Math.abs(exact)) : null;
  return { score: score === 0 ? 0 : score, responses: n, promoters, passives, detractors };
}

/** The exact median (mean of the two middle values for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
