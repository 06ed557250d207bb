import type { FastifyInstance } from 'fastify';
import type { Insertable } from 'kysely';
import type { Executor } from '../db/database.js';
import type {
  AccountsTable,
  HealthAlertsTable,
  HealthSnapshotsTable,
  TimelineTable,
} from '../db/schema.js';
import { detailOf, NO_VALUES } from '../health/scoring/detail.js';
import { scoreWith } from '../health/model/score.js';
import { THREE_PILLARS } from '../health/model/presets.js';
import { portfolioRoutes } from './routes.js';

/**
 * Test rows for the portfolio suites, written straight to the tables (thousands of accounts
 * in seconds, every timestamp exactly as a test says).
 */

/** Adds the portfolio routes to a built server unless the server already has them. */
export async function withPortfolioRoutes(app: FastifyInstance): Promise<FastifyInstance> {
  if (!app.hasRoute({ method: 'GET', url: '/api/v1/portfolio' }))
    await app.register(portfolioRoutes);
  return app;
}

const AT = '2025-01-01T00:00:00.000Z';

/** Rows in statements of a few hundred (SQLite binds at most 32,766 parameters). */
function chunks<T>(rows: readonly T[], size = 400): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

export type AccountSpec = Pick<AccountsTable, 'id' | 'name'> & Partial<AccountsTable>;

export async function insertAccounts(db: Executor, specs: readonly AccountSpec[]): Promise<void> {
  const rows = specs.map((s): Insertable<AccountsTable> => ({
    domain: null,
    crm_id: null,
    billing_id: null,
    segment: 'smb',
    industry: null,
    region: null,
    owner_id: null,
    parent_id: null,
    stage: 'active',
    stage_changed_at: AT,
    traits: '{}',
    currency: 'USD',
    mrr_minor: 0,
    renewal_date: null,
    churned_on: null,
    churn_reason: null,
    churn_note: null,
    archived_at: null,
    created_at: AT,
    updated_at: AT,
    search_text: s.name.toLowerCase(),
    product_id: null,
    ...s,
  }));
  for (const part of chunks(rows)) await db.insertInto('accounts').values(part).execute();
}

/**
 * A three-pillars snapshot whose only value is CSM sentiment `sentiment` (1–10): its
 * composite is 10 × sentiment (Green from 80, Yellow from 60, else Red); null means no data.
 */
export function sentimentSnapshot(
  accountId: string,
  day: string,
  sentiment: number | null,
): Insertable<HealthSnapshotsTable> {
  const values = { ...NO_VALUES, 'manual.csm_sentiment': sentiment };
  const s = scoreWith(THREE_PILLARS, values);
  return {
    account_id: accountId,
    day,
    model_id: 'hmd_test',
    model_key: THREE_PILLARS.key,
    model_version: 1,
    composite_tenths: s.compositeTenths,
    tier: s.tier,
    coverage: s.coverage,
    detail: detailOf(THREE_PILLARS, values),
    computed_at: `${day}T23:00:00.000Z`,
  };
}

export async function insertSnapshots(
  db: Executor,
  rows: readonly Insertable<HealthSnapshotsTable>[],
): Promise<void> {
  for (const part of chunks(rows)) await db.insertInto('health_snapshots').values(part).execute();
}

export type AlertSpec = Pick<HealthAlertsTable, 'id' | 'account_id' | 'status'> &
  Partial<HealthAlertsTable>;

export async function insertAlerts(db: Executor, specs: readonly AlertSpec[]): Promise<void> {
  const rows = specs.map((s): Insertable<HealthAlertsTable> => ({
    kind: 'score_drop',
    cause_key: s.id,
    severity: 'high',
    title: 'Score dropped',
    reason: 'Test alert',
    evidence: '{}',
    day: '2026-01-01',
    created_at: AT,
    updated_at: AT,
    snoozed_until: null,
    resolved_at: null,
    updated_by: null,
    ...s,
  }));
  for (const part of chunks(rows)) await db.insertInto('health_alerts').values(part).execute();
}

export type EntrySpec = Pick<TimelineTable, 'id' | 'account_id' | 'kind' | 'occurred_at'>;

export async function insertEntries(db: Executor, specs: readonly EntrySpec[]): Promise<void> {
  const rows = specs.map((s): Insertable<TimelineTable> => ({
    title: s.kind,
    body: null,
    contact_id: null,
    actor: 'operator:operator',
    data: '{}',
    created_at: s.occurred_at,
    ...s,
  }));
  for (const part of chunks(rows)) await db.insertInto('timeline_entries').values(part).execute();
}
