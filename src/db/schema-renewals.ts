/** Renewals and expansion's tables; part of `Database` in schema.ts. */

export interface RenewalSignalsTable {
  account_id: string;
  tier: string | null;
  tier_rank: string | null;
  score_tenths: number | null;
  green_since: string | null;
  open_alerts: number;
  worst_alert: string | null;
  usage_trend_pct: number | null;
  expansion_score: number;
  expansion_ready: number;
  /** Expansion signals with points and evidence, and readiness criteria (JSON). */
  expansion: string;
  bucket: string;
  bucket_reason: string;
  computed_at: string;
}

export interface RenewalOverridesTable {
  subscription_id: string;
  renewal_date: string;
  bucket: string;
  reason: string;
  actor: string;
  at: string;
}

export interface RenewalOutcomesTable {
  id: string;
  subscription_id: string;
  account_id: string;
  renewal_date: string;
  outcome: string;
  bucket: string;
  arr_before_minor: number;
  arr_after_minor: number;
  currency: string;
  churn_reason: string | null;
  note: string | null;
  recorded_by: string;
  recorded_at: string;
}

export interface RenewalRemindersTable {
  subscription_id: string;
  renewal_date: string;
  window_days: number;
  account_id: string;
  status: string;
  at: string;
}

export interface RenewalQuotesTable {
  id: string;
  number: number;
  account_id: string;
  subscription_id: string;
  status: string;
  currency: string;
  plan: string;
  unit_minor: number;
  seats: number;
  term_months: number;
  uplift_bp: number;
  discount_bp: number;
  notes: string | null;
  subtotal_minor: number;
  discount_minor: number;
  total_minor: number;
  monthly_minor: number;
  term_start: string;
  term_end: string;
  /** The subscription as quoted (JSON). */
  based_on: string;
  lost_reason: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
  decided_at: string | null;
}

export interface RenewalQuoteEventsTable {
  id: string;
  quote_id: string;
  action: string;
  actor: string;
  note: string | null;
  data: string;
  at: string;
}

export interface ExpansionOpportunitiesTable {
  id: string;
  account_id: string;
  subscription_id: string | null;
  title: string;
  stage: string;
  amount_minor: number;
  currency: string;
  owner_id: string | null;
  signals: string;
  notes: string | null;
  lost_reason: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface RenewalTables {
  renewal_signals: RenewalSignalsTable;
  renewal_overrides: RenewalOverridesTable;
  renewal_outcomes: RenewalOutcomesTable;
  renewal_reminders: RenewalRemindersTable;
  renewal_quotes: RenewalQuotesTable;
  renewal_quote_events: RenewalQuoteEventsTable;
  expansion_opportunities: ExpansionOpportunitiesTable;
}
