import type { Dialect, Executor } from '../../db/database.js';
import type { ContactRow, SurveyResponseRow, TicketRow } from '../../db/schema.js';
import { latestNpsByContact } from '../../support/store.js';

/** The importer's SQL for tickets and survey responses: batched lookups and contact upkeep. */

export const TICKET_UPDATE_COLUMNS = [
  'external_id',
  'subject',
  'priority',
  'status',
  'opened_at',
  'first_response_at',
  'resolved_at',
  'csat',
  'escalated',
  'contact_id',
  'updated_at',
] as const satisfies readonly (keyof TicketRow)[];

export const SURVEY_UPDATE_COLUMNS = [
  'external_id',
  'kind',
  'score',
  'comment',
  'responded_at',
  'contact_id',
] as const satisfies readonly (keyof SurveyResponseRow)[];

const unique = (xs: readonly string[]) => [...new Set(xs)];

export async function findTickets(
  db: Executor,
  dialect: Dialect,
  k: { ids: string[]; externalIds: string[] },
  lock: boolean,
): Promise<TicketRow[]> {
  if (!k.ids.length && !k.externalIds.length) return [];
  let q = db
    .selectFrom('tickets')
    .selectAll()
    .where((eb) =>
      eb.or([
        ...(k.ids.length ? [eb('id', 'in', unique(k.ids))] : []),
        ...(k.externalIds.length ? [eb('external_id', 'in', unique(k.externalIds))] : []),
      ]),
    );
  // Rows read to be rewritten are locked on PostgreSQL; SQLite has one writer anyway.
  if (lock && dialect === 'postgres') q = q.forUpdate();
  return q.execute();
}

export async function findSurveyResponses(
  db: Executor,
  dialect: Dialect,
  k: { ids: string[]; externalIds: string[] },
  lock: boolean,
): Promise<SurveyResponseRow[]> {
  if (!k.ids.length && !k.externalIds.length) return [];
  let q = db
    .selectFrom('survey_responses')
    .selectAll()
    .where((eb) =>
      eb.or([
        ...(k.ids.length ? [eb('id', 'in', unique(k.ids))] : []),
        ...(k.externalIds.length ? [eb('external_id', 'in', unique(k.externalIds))] : []),
      ]),
    );
  if (lock && dialect === 'postgres') q = q.forUpdate();
  return q.execute();
}

export interface ContactKeys {
  ids: string[];
  accountIds: string[];
  emails: string[];
  /** Compared with external ids and names. */
  texts: string[];
}

export type ContactMatch = Pick<ContactRow, 'id' | 'account_id' | 'name' | 'email' | 'external_id'>;

/** Contacts with these ids, and contacts of these accounts with these emails, external ids or names. */
export async function findContactsOn(db: Executor, k: ContactKeys): Promise<ContactMatch[]> {
  const ids = unique(k.ids);
  const accounts = unique(k.accountIds);
  const emails = unique(k.emails);
  const texts = unique(k.texts);
  if (!ids.length && (!accounts.length || (!emails.length && !texts.length))) return [];
  return db
    .selectFrom('contacts')
    .select(['id', 'account_id', 'name', 'email', 'external_id'])
    .where((eb) =>
      eb.or([
        ...(ids.length ? [eb('id', 'in', ids)] : []),
        ...(accounts.length && (emails.length || texts.length)
          ? [
              eb.and([
                eb('account_id', 'in', accounts),
                eb.or([
                  ...(emails.length ? [eb('email', 'in', emails)] : []),
                  ...(texts.length
                    ? [eb('external_id', 'in', texts), eb('name', 'in', texts)]
                    : []),
                ]),
              ]),
            ]
          : []),
      ]),
    )
    .execute();
}

/**
 * Set each contact's latest NPS to their newest NPS response, as recording a response
 * over the API does. Returns how many contacts changed.
 */
export async function refreshLatestNps(
  db: Executor,
  contactIds: readonly string[],
  at: string,
): Promise<number> {
  const ids = unique(contactIds);
  const latest = await latestNpsByContact(db, ids);
  let changed = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('contacts')
      .select(['id', 'latest_nps'])
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) {
      const score = latest.get(r.id);
      if (score === undefined || (r.latest_nps !== null && Number(r.latest_nps) === score))
        continue;
      await db
        .updateTable('contacts')
        .set({ latest_nps: score, updated_at: at })
        .where('id', '=', r.id)
        .execute();
      changed++;
    }
  }
  return changed;
}
