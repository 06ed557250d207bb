import type { SubscriptionRow } from '../../db/schema.js';

export const SUBSCRIPTION_STATUSES = [
  'trialing',
  'active',
  'past_due',
  'canceled',
  'expired',
] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];
export const BILLING_FREQUENCIES = ['monthly', 'quarterly', 'annual', 'multi_year'] as const;
export type BillingFrequency = (typeof BILLING_FREQUENCIES)[number];
export const MOVEMENT_KINDS = ['new', 'expansion', 'contraction', 'churn', 'reactivation'] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

/** Largest MRR one subscription may carry (minor units): ten billion a month. */
export const MAX_SUBSCRIPTION_MRR_MINOR = 1_000_000_000_000;
/** Largest account total, so ARR (×12) stays an exact integer everywhere. */
export const MAX_ACCOUNT_MRR_MINOR = 100_000_000_000_000;

/** Statuses whose MRR counts as recurring revenue. Trials are not revenue yet. */
export function isLive(status: string): boolean {
  return status === 'active' || status === 'past_due';
}

/** The MRR a subscription contributes to its account. */
export function contribution(
  sub: Pick<SubscriptionRow, 'status' | 'mrr_minor'> | null | undefined,
): number {
  return sub && isLive(sub.status) ? Number(sub.mrr_minor) : 0;
}

/**
 * Classify a change of account MRR. `everHadRevenue` is whether the account had any
 * revenue movement before this one: coming back from zero is then a reactivation.
 */
export function classifyMovement(
  before: number,
  after: number,
  everHadRevenue: boolean,
): MovementKind | null {
  if (before === after) return null;
  if (before === 0) return everHadRevenue ? 'reactivation' : 'new';
  if (after === 0) return 'churn';
  return after > before ? 'expansion' : 'contraction';
}

export interface Subscription {
  id: string;
  accountId: string;
  externalId: string | null;
  plan: string;
  product: string | null;
  seats: number | null;
  mrrMinor: number;
  arrMinor: number;
  currency: string;
  billingFrequency: BillingFrequency;
  startDate: string;
  endDate: string | null;
  autoRenew: boolean;
  status: SubscriptionStatus;
  canceledOn: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toSubscription(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    accountId: row.account_id,
    externalId: row.external_id,
    plan: row.plan,
    product: row.product,
    seats: row.seats === null ? null : Number(row.seats),
    mrrMinor: Number(row.mrr_minor),
    arrMinor: Number(row.mrr_minor) * 12,
    currency: row.currency,
    billingFrequency: row.billing_frequency as BillingFrequency,
    startDate: row.start_date,
    endDate: row.end_date,
    autoRenew: row.auto_renew === 1,
    status: row.status as SubscriptionStatus,
    canceledOn: row.canceled_on,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface MovementPoint {
  effectiveDate: string;
  mrrDeltaMinor: number;
}

/** MRR on `day` is the sum of every movement effective on or before it. */
export function mrrAt(movements: readonly MovementPoint[], day: string): number {
  let total = 0;
  for (const m of movements) if (m.effectiveDate <= day) total += m.mrrDeltaMinor;
  return total;
}
