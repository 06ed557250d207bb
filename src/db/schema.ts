import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { HealthTables } from './schema-health.js';
import type { RenewalTables } from './schema-renewals.js';
import type { WorkTables } from './schema-work.js';

/** Row types as stored. Booleans are 0/1 integers, JSON is text, money is integer minor units. */
export interface UsersTable {
  id: string;
  email: string;
  name: string;
  role: string;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
  password_hash: string | null;
  /** The manager who leads this user: their accounts are that manager's team's. */
  manager_id: string | null;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  last_login_at: string | null;
}

export interface SessionsTable {
  id: string;
  /** SHA-256 of the opaque cookie token; the token itself is never stored. */
  token_hash: string;
  user_id: string;
  method: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
  revoked_at: string | null;
  revoked_reason: string | null;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  prefix: string;
  secret_hash: string;
  scope: string;
  created_by: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  last_used_ip: string | null;
}

export interface LoginFailuresTable {
  id: string;
  email: string;
  ip: string;
  at: string;
}

export interface OidcFlowsTable {
  state_hash: string;
  nonce: string;
  code_verifier: string;
  return_to: string;
  created_at: string;
  expires_at: string;
}

export interface AuditLogTable {
  id: string;
  at: string;
  actor_kind: string;
  actor_id: string;
  actor_name: string;
  entity: string;
  entity_id: string;
  action: string;
  /** JSON: { field: [before, after] }. */
  changes: string;
  request_id: string | null;
  ip: string | null;
}

export interface AccountsTable {
  id: string;
  name: string;
  domain: string | null;
  crm_id: string | null;
  billing_id: string | null;
  segment: string;
  industry: string | null;
  region: string | null;
  owner_id: string | null;
  parent_id: string | null;
  stage: string;
  stage_changed_at: string;
  traits: string;
  currency: string;
  mrr_minor: number;
  renewal_date: string | null;
  churned_on: string | null;
  churn_reason: string | null;
  churn_note: string | null;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
  /** Name and domain folded (lower case, no accents) for search; derived, never shown. */
  search_text: string;
  /** The id the product uses for this account (Segment's groupId). */
  product_id: string | null;
}

export interface StageHistoryTable {
  id: string;
  account_id: string;
  from_stage: string | null;
  to_stage: string;
  changed_at: string;
  actor: string;
  reason: string | null;
}

export interface ContactsTable {
  id: string;
  account_id: string;
  external_id: string | null;
  name: string;
  email: string | null;
  title: string | null;
  phone: string | null;
  is_champion: number;
  is_economic_buyer: number;
  is_executive_sponsor: number;
  is_technical_lead: number;
  is_power_user: number;
  is_detractor: number;
  last_seen_at: string | null;
  latest_nps: number | null;
  left_on: string | null;
  left_reason: string | null;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface SubscriptionsTable {
  id: string;
  account_id: string;
  external_id: string | null;
  plan: string;
  product: string | null;
  seats: number | null;
  mrr_minor: number;
  currency: string;
  billing_frequency: string;
  start_date: string;
  end_date: string | null;
  auto_renew: number;
  status: string;
  canceled_on: string | null;
  created_at: string;
  updated_at: string;
}

export interface RevenueMovementsTable {
  id: string;
  account_id: string;
  subscription_id: string;
  kind: string;
  effective_date: string;
  mrr_delta_minor: number;
  account_mrr_before_minor: number;
  account_mrr_after_minor: number;
  currency: string;
  recorded_at: string;
  source: string;
}

export interface TimelineTable {
  id: string;
  account_id: string;
  kind: string;
  occurred_at: string;
  title: string;
  body: string | null;
  contact_id: string | null;
  actor: string;
  data: string;
  created_at: string;
}

export interface IdempotencyTable {
  scope: string;
  key: string;
  request_hash: string;
  status_code: number | null;
  response_body: string | null;
  created_at: string;
}

export interface ImportsTable {
  id: string;
  kind: string;
  status: string;
  filename: string | null;
  content: string;
  options: string;
  report: string;
  actor: string;
  created_at: string;
  applied_at: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface EventsTable {
  seq: Generated<number>;
  source_id: string;
  /** The sender's own event time (epoch ms, 0 when absent): part of the de-duplication key. */
  client_ms: Generated<number>;
  message_id: string;
  type: string;
  event: string | null;
  user_key: string | null;
  account_id: string | null;
  ts: string;
  received_at: string;
  /** The event as received (JSON). */
  payload: string;
}

export interface UsageDailyUserTable {
  account_id: string;
  day: string;
  user_key: string;
  events: number;
  session_seconds: number;
  first_at: string;
  last_at: string;
}

export interface UsageDailyEventTable {
  account_id: string;
  day: string;
  event: string;
  events: number;
  users: number;
}

export interface UsageDailyUserEventTable {
  account_id: string;
  day: string;
  event: string;
  user_key: string;
}

export interface ProductUsersTable {
  user_key: string;
  user_id: string | null;
  account_id: string | null;
  /** The time of the event that named account_id (the latest that named one). */
  account_at: string | null;
  email: string | null;
  name: string | null;
  traits: string;
  first_seen_at: string;
  last_seen_at: string;
  events: number;
}

export interface EventCatalogTable {
  key: string;
  type: string;
  name: string;
  first_seen_at: string;
  last_seen_at: string;
  volume: number;
}

export interface EventPropertiesTable {
  event_key: string;
  property: string;
  value_type: string;
  first_seen_at: string;
  last_seen_at: string;
  volume: number;
}

export interface DeadLettersTable {
  id: string;
  received_at: string;
  source_id: string;
  batch_index: number | null;
  message_id: string | null;
  reason: string;
  payload: string;
  status: string;
  replayed_at: string | null;
  replay_result: string | null;
}

/** Stored events not rolled up yet (see the 2026-12-06T10 migration). */
export interface IntakeRollupBacklogTable {
  id: Generated<number>;
  seqs: string;
  events: number;
  created_at: string;
  /** 'all' (a whole group) or the one rollup part this slice writes. */
  part: Generated<'all' | 'account' | 'users' | 'catalog'>;
  /** Which slice of the batch (0-based) and how many: see sliceOf. */
  slice: Generated<number>;
  slices: Generated<number>;
}

export interface TicketsTable {
  id: string;
  account_id: string;
  external_id: string | null;
  subject: string;
  priority: string;
  status: string;
  opened_at: string;
  first_response_at: string | null;
  resolved_at: string | null;
  csat: number | null;
  escalated: number;
  contact_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface SurveyResponsesTable {
  id: string;
  account_id: string;
  contact_id: string | null;
  external_id: string | null;
  kind: string;
  score: number;
  comment: string | null;
  responded_at: string;
  created_at: string;
}

/** Every table: the core ones here, health's and the work process's in their own files. */
export interface Database extends HealthTables, WorkTables, RenewalTables {
  users: UsersTable;
  accounts: AccountsTable;
  account_stage_history: StageHistoryTable;
  contacts: ContactsTable;
  subscriptions: SubscriptionsTable;
  revenue_movements: RevenueMovementsTable;
  timeline_entries: TimelineTable;
  idempotency_keys: IdempotencyTable;
  imports: ImportsTable;
  settings: SettingsTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  login_failures: LoginFailuresTable;
  oidc_flows: OidcFlowsTable;
  audit_log: AuditLogTable;
  events: EventsTable;
  usage_daily_user: UsageDailyUserTable;
  usage_daily_event: UsageDailyEventTable;
  usage_daily_user_event: UsageDailyUserEventTable;
  product_users: ProductUsersTable;
  event_catalog: EventCatalogTable;
  event_properties: EventPropertiesTable;
  dead_letters: DeadLettersTable;
  intake_rollup_backlog: IntakeRollupBacklogTable;
  tickets: TicketsTable;
  survey_responses: SurveyResponsesTable;
}

export type AccountRow = Selectable<AccountsTable>;
export type NewAccountRow = Insertable<AccountsTable>;
export type AccountPatchRow = Updateable<AccountsTable>;
export type ContactRow = Selectable<ContactsTable>;
export type SubscriptionRow = Selectable<SubscriptionsTable>;
export type MovementRow = Selectable<RevenueMovementsTable>;
export type TimelineRow = Selectable<TimelineTable>;
export type UserRow = Selectable<UsersTable>;
export type ImportRow = Selectable<ImportsTable>;
export type SessionRow = Selectable<SessionsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type TicketRow = Selectable<TicketsTable>;
export type SurveyResponseRow = Selectable<SurveyResponsesTable>;
export type DeadLetterRow = Selectable<DeadLettersTable>;
export type { Generated };
export type * from './schema-health.js';
export type * from './schema-work.js';
