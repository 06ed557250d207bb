import { newId } from '../../core/ids.js';
import type { Executor } from '../../db/database.js';
import type {
  ContactsTable,
  HealthManualMeasuresTable,
  RevenueMovementsTable,
  SubscriptionsTable,
  SurveyResponsesTable,
  TicketsTable,
} from '../../db/schema.js';

/**
 * Test rows for the measure suites, written straight to the tables so every timestamp is
 * exactly what a test says. Only the fields a measure reads need giving.
 */

const AT = '2025-01-01T00:00:00.000Z';

export async function addTicket(
  db: Executor,
  accountId: string,
  t: Pick<TicketsTable, 'opened_at'> & Partial<TicketsTable>,
): Promise<string> {
  const id = t.id ?? newId('tkt');
  await db
    .insertInto('tickets')
    .values({
      id,
      account_id: accountId,
      external_id: null,
      subject: 'Ticket',
      priority: 'normal',
      status: 'open',
      first_response_at: null,
      resolved_at: null,
      csat: null,
      escalated: 0,
      contact_id: null,
      created_at: AT,
      updated_at: AT,
      ...t,
    })
    .execute();
  return id;
}

export async function addNps(
  db: Executor,
  accountId: string,
  score: number,
  respondedAt: string,
  kind: SurveyResponsesTable['kind'] = 'nps',
): Promise<void> {
  await db
    .insertInto('survey_responses')
    .values({
      id: newId('svy'),
      account_id: accountId,
      contact_id: null,
      external_id: null,
      kind,
      score,
      comment: null,
      responded_at: respondedAt,
      created_at: AT,
    })
    .execute();
}

export async function addContact(
  db: Executor,
  accountId: string,
  c: Pick<ContactsTable, 'created_at'> & Partial<ContactsTable>,
): Promise<string> {
  const id = c.id ?? newId('con');
  await db
    .insertInto('contacts')
    .values({
      id,
      account_id: accountId,
      external_id: null,
      name: 'Person',
      email: null,
      title: null,
      phone: null,
      is_champion: 0,
      is_economic_buyer: 0,
      is_executive_sponsor: 0,
      is_technical_lead: 0,
      is_power_user: 0,
      is_detractor: 0,
      last_seen_at: null,
      latest_nps: null,
      left_on: null,
      left_reason: null,
      archived_at: null,
      updated_at: c.created_at,
      ...c,
    })
    .execute();
  return id;
}

export async function addTouch(
  db: Executor,
  accountId: string,
  kind: string,
  occurredAt: string,
): Promise<void> {
  await db
    .insertInto('timeline_entries')
    .values({
      id: newId('tle'),
      account_id: accountId,
      kind,
      occurred_at: occurredAt,
      title: kind,
      body: null,
      contact_id: null,
      actor: 'operator:operator',
      data: '{}',
      created_at: occurredAt,
    })
    .execute();
}

export async function addSubscription(
  db: Executor,
  accountId: string,
  s: Pick<SubscriptionsTable, 'start_date'> & Partial<SubscriptionsTable>,
): Promise<string> {
  const id = s.id ?? newId('sub');
  await db
    .insertInto('subscriptions')
    .values({
      id,
      account_id: accountId,
      external_id: null,
      plan: 'Pro',
      product: null,
      seats: null,
      mrr_minor: 1000,
      currency: 'USD',
      billing_frequency: 'annual',
      end_date: null,
      auto_renew: 1,
      status: 'active',
      canceled_on: null,
      created_at: AT,
      updated_at: AT,
      ...s,
    })
    .execute();
  return id;
}

export async function addMovement(
  db: Executor,
  accountId: string,
  subscriptionId: string,
  m: Pick<RevenueMovementsTable, 'kind' | 'effective_date' | 'mrr_delta_minor'>,
): Promise<void> {
  await db
    .insertInto('revenue_movements')
    .values({
      id: newId('mov'),
      account_id: accountId,
      subscription_id: subscriptionId,
      account_mrr_before_minor: 0,
      account_mrr_after_minor: 0,
      currency: 'USD',
      recorded_at: AT,
      source: 'test',
      ...m,
    })
    .execute();
}

export async function addUserDays(
  db: Executor,
  accountId: string,
  rows: readonly (readonly [user: string, day: string])[],
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('usage_daily_user')
    .values(
      rows.map(([user_key, day]) => ({
        account_id: accountId,
        day,
        user_key,
        events: 1,
        session_seconds: 60,
        first_at: `${day}T08:00:00.000Z`,
        last_at: `${day}T09:00:00.000Z`,
      })),
    )
    .execute();
}

export async function addEventDay(
  db: Executor,
  accountId: string,
  day: string,
  event: string,
): Promise<void> {
  await db
    .insertInto('usage_daily_event')
    .values({ account_id: accountId, day, event, events: 1, users: 1 })
    .execute();
}

export async function addManual(
  db: Executor,
  accountId: string,
  m: Pick<HealthManualMeasuresTable, 'measure' | 'value' | 'recorded_at' | 'stale_after'>,
): Promise<void> {
  await db
    .insertInto('health_manual_measures')
    .values({
      id: newId('mms'),
      account_id: accountId,
      note: null,
      recorded_by: 'operator:operator',
      ...m,
    })
    .execute();
}

/** `users` users (u0, u1, …) active on every one of `days`. */
export async function addActiveUsers(
  db: Executor,
  accountId: string,
  days: readonly string[],
  users: number,
): Promise<void> {
  await addUserDays(
    db,
    accountId,
    days.flatMap((day) => Array.from({ length: users }, (_, u) => [`u${u}`, day] as const)),
  );
}
