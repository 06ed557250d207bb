/** Health scoring's tables (and saved portfolio views); part of `Database` in schema.ts. */

export interface HealthModelsTable {
  id: string;
  key: string;
  version: number;
  name: string;
  /** The model definition (JSON). */
  definition: string;
  note: string | null;
  created_at: string;
  created_by: string;
  archived_at: string | null;
}

export interface HealthSnapshotsTable {
  account_id: string;
  day: string;
  model_id: string;
  model_key: string;
  model_version: number;
  /** Composite × 10 (0–1000); null when no measure had data. */
  composite_tenths: number | null;
  tier: string | null;
  /** Share of the model's weight that had data, 0–1. */
  coverage: number;
  /** Dimensions and measures with values, scores and contributions (JSON). */
  detail: string;
  computed_at: string;
}

export interface HealthManualMeasuresTable {
  id: string;
  account_id: string;
  measure: string;
  value: number;
  note: string | null;
  recorded_at: string;
  recorded_by: string;
  stale_after: string;
}

export interface HealthAlertsTable {
  id: string;
  account_id: string;
  kind: string;
  cause_key: string;
  severity: string;
  status: string;
  title: string;
  reason: string;
  /** The values and dates behind the alert (JSON). */
  evidence: string;
  day: string;
  created_at: string;
  updated_at: string;
  snoozed_until: string | null;
  resolved_at: string | null;
  updated_by: string | null;
}

export interface HealthReviewsTable {
  id: string;
  account_id: string;
  reviewer_id: string;
  reviewed_at: string;
  tier: string | null;
  sentiment: number | null;
  executive_engagement: number | null;
  notes: string | null;
}

export interface HealthDirtyTable {
  account_id: string;
  marked_at: string;
}

export interface HealthBacktestsTable {
  id: string;
  model_id: string;
  params: string;
  report: string;
  created_at: string;
  created_by: string;
}

export interface PortfolioViewsTable {
  id: string;
  owner_id: string;
  name: string;
  /** 0/1: whether every signed-in user sees the view. */
  shared: number;
  /** The view's query: scope, search, filters, sort, grouping, columns (JSON). */
  query: string;
  created_at: string;
  updated_at: string;
}

export interface HealthTables {
  health_models: HealthModelsTable;
  health_snapshots: HealthSnapshotsTable;
  health_manual_measures: HealthManualMeasuresTable;
  health_alerts: HealthAlertsTable;
  health_reviews: HealthReviewsTable;
  health_dirty: HealthDirtyTable;
  health_backtests: HealthBacktestsTable;
  portfolio_views: PortfolioViewsTable;
}
