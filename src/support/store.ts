import { sql } from 'kysely';
import type { Dialect, Executor } from '../db/database.js';
import type { SurveyResponseRow, TicketRow } from '../db/schema.js';
import type { Page } from '../core/pagination.js';
import { keysetPage, sortBy } from '../db/keyset.js';
import type { TicketSort } from './schemas.js';
import type { LatestNps, SummaryResponse, SummaryTicket } from './summary.js';
import { npsCategory, OPEN_STATUSES } from './model.js';

export async function getTicket(db: Executor, id: string): Promise<TicketRow | undefined> {
  return db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findTicketByExternalId(
  db: Executor,
  externalId: string,
): Promise<TicketRow | undefined> {
  return db
    .selectFrom('tickets')
    .selectAll()
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

export async function insertTicket(db: Executor, row: TicketRow): Promise<void> {
  await db.insertInto('tickets').values(row).execute();
}

export async function updateTicket(
  db: Executor,
  id: string,
  patch: Partial<TicketRow>,
): Promise<void> {
  await db.updateTable('tickets').set(patch).where('id', '=', id).execute();
}

export interface TicketFilter {
  accountId?: string;
  status?: string;
  priority?: string;
  escalated?: boolean;
  openedAfter?: string;
  openedBefore?: string;
}

export async function listTickets(
  db: Executor,
  dialect: Dialect,
  f: TicketFilter,
  sort: TicketSort,
  limit: number,
  cursor?: string,
): Promise<Page<TicketRow>> {
  let q = db.selectFrom('tickets').selectAll();
  if (f.accountId) q = q.where('account_id', '=', f.accountId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.priority) q = q.where('priority', '=', f.priority);
  if (f.escalated !== undefined) q = q.where('escalated', '=', f.escalated ? 1 : 0);
  if (f.openedAfter) q = q.where('opened_at', '>=', f.openedAfter);
  if (f.openedBefore) q = q.where('opened_at', '<', f.openedBefore);
  return keysetPage(q, sortBy<TicketRow>(sort, { openedAt: 'opened_at' }, dialect), limit, cursor);
}

export async function getSurveyResponse(
  db: Executor,
  id: string,
): Promise<SurveyResponseRow | undefined> {
  return db.selectFrom('survey_responses').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findSurveyByExternalId(
  db: Executor,
  externalId: string,
): Promise<SurveyResponseRow | undefined> {
  return db
    .selectFrom('survey_responses')
    .selectAll()
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

export async function insertSurveyResponse(db: Executor, row: SurveyResponseRow): Promise<void> {
  await db.insertInto('survey_responses').values(row).execute();
}

export interface SurveyFilter {
  accountId?: string;
  kind?: string;
  contactId?: string;
  after?: string;
  before?: string;
}

/** Newest response first. */
export async function listSurveyResponses(
  db: Executor,
  dialect: Dialect,
  f: SurveyFilter,
  limit: number,
  cursor?: string,
): Promise<Page<SurveyResponseRow>> {
  let q = db.selectFrom('survey_responses').selectAll();
  if (f.accountId) q = q.where('account_id', '=', f.accountId);
  if (f.kind) q = q.where('kind', '=', f.kind);
  if (f.contactId) q = q.where('contact_id', '=', f.contactId);
  if (f.after) q = q.where('responded_at', '>=', f.after);
  if (f.before) q = q.where('responded_at', '<', f.before);
  return keysetPage(
    q,
    sortBy<SurveyResponseRow>('-respondedAt', { respondedAt: 'responded_at' }, dialect),
    limit,
    cursor,
  );
}

/**
 * The account's tickets any figure of the summary can use: open or pending ones, those
 * resolved since `resolvedSince` and those opened since `openedSince`, none opened after asOf.
 */
export async function summaryTickets(
  db: Executor,
  accountId: string,
  asOf: string,
  openedSince: string,
  resolvedSince: string,
): Promise<SummaryTicket[]> {
  return db
    .selectFrom('tickets')
    .select([
      'opened_at',
      'first_response_at',
      'resolved_at',
      'status',
      'priority',
      'escalated',
      'csat',
    ])
    .where('account_id', '=', accountId)
    .where('opened_at', '<=', asOf)
    .where((eb) =>
      eb.or([
        eb('status', 'in', [...OPEN_STATUSES]),
        eb('resolved_at', '>', resolvedSince),
        eb('opened_at', '>', openedSince),
      ]),
    )
    .execute();
}

export async function summaryResponses(
  db: Executor,
  accountId: string,
  since: string,
  asOf: string,
): Promise<SummaryResponse[]> {
  return db
    .selectFrom('survey_responses')
    .select(['kind', 'score', 'responded_at'])
    .where('account_id', '=', accountId)
    .where('responded_at', '>', since)
    .where('responded_at', '<=', asOf)
    .execute();
}

/** The account's most recent NPS response at asOf, with the contact who gave it. */
export async function latestNps(
  db: Executor,
  accountId: string,
  asOf: string,
): Promise<LatestNps | null> {
  const row = await db
    .selectFrom('survey_responses as r')
    .leftJoin('contacts as c', 'c.id', 'r.contact_id')
    .select(['r.id', 'r.score', 'r.responded_at', 'r.contact_id', 'c.name'])
    .where('r.account_id', '=', accountId)
    .where('r.kind', '=', 'nps')
    .where('r.responded_at', '<=', asOf)
    .orderBy('r.responded_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return null;
  const score = Number(row.score);
  return {
    responseId: row.id,
    score,
    category: npsCategory(score),
    respondedAt: row.responded_at,
    contactId: row.contact_id,
    contactName: row.name ?? null,
  };
}

/** Each contact's most recent NPS score, for keeping contacts' latest NPS current. */
export async function latestNpsByContact(
  db: Executor,
  contactIds: readonly string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < contactIds.length; i += 500) {
    const chunk = contactIds.slice(i, i + 500);
    const rows = await db
      .selectFrom('survey_responses as r')
      .select(['r.contact_id', 'r.score'])
      .where('r.kind', '=', 'nps')
      .where('r.contact_id', 'in', chunk)
      // Only the newest response per contact (ties broken by id, as lists are).
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('survey_responses as n')
              .select(sql<number>`1`.as('one'))
              .where('n.kind', '=', 'nps')
              .whereRef('n.contact_id', '=', 'r.contact_id')
              .where((eb) =>
                eb.or([
                  eb('n.responded_at', '>', eb.ref('r.responded_at')),
                  eb.and([
                    eb('n.responded_at', '=', eb.ref('r.responded_at')),
                    eb('n.id', '>', eb.ref('r.id')),
                  ]),
                ]),
              ),
          ),
        ),
      )
      .execute();
    for (const r of rows) if (r.contact_id) out.set(r.contact_id, Number(r.score));
  }
  return out;
}
