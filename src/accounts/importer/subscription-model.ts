import type { SubscriptionRow } from '../../db/schema.js';
import { parseMoney } from './values.js';
import { accountRef, type AccountRef } from './refs.js';
import { read, type ConvertedRow } from './rows.js';

/** Pure rules for imported subscriptions. */

export interface SubscriptionInput extends AccountRef {
  line: number;
  id?: string;
  externalId?: string;
  plan?: string;
  product?: string;
  seats?: number;
  mrr?: string;
  arr?: string;
  currency?: string;
  billingFrequency?: string;
  startDate?: string;
  endDate?: string;
  autoRenew?: boolean;
  status?: string;
  canceledOn?: string;
}

export function subscriptionInput(r: ConvertedRow): SubscriptionInput {
  return {
    ...accountRef(r),
    line: r.line,
    id: read.str(r, 'id'),
    externalId: read.str(r, 'externalId'),
    plan: read.str(r, 'plan'),
    product: read.str(r, 'product'),
    seats: read.num(r, 'seats'),
    mrr: read.money(r, 'mrr'),
    arr: read.money(r, 'arr'),
    currency: read.str(r, 'currency'),
    billingFrequency: read.str(r, 'billingFrequency'),
    startDate: read.str(r, 'startDate'),
    endDate: read.str(r, 'endDate'),
    autoRenew: read.bool(r, 'autoRenew'),
    status: read.str(r, 'status'),
    canceledOn: read.str(r, 'canceledOn'),
  };
}

export interface FieldProblem {
  field: string;
  value: string;
  reason: string;
}

const MAX_MRR = Math.floor(Number.MAX_SAFE_INTEGER / 12);

/**
 * MRR in minor units of `currency`, from the MRR column or the ARR column divided by 12
 * (rounded to the nearest minor unit; `rounded` says when that lost a fraction).
 */
export function mrrOf(
  i: SubscriptionInput,
  currency: string,
): { ok: true; mrr: number | undefined; rounded: boolean } | ({ ok: false } & FieldProblem) {
  const text = i.mrr ?? i.arr;
  if (text === undefined) return { ok: true, mrr: undefined, rounded: false };
  const field = i.mrr !== undefined ? 'mrr' : 'arr';
  const minor = parseMoney(text, currency);
  if (minor === null)
    return { ok: false, field, value: text, reason: `not an amount in ${currency}` };
  if (minor < 0)
    return { ok: false, field, value: text, reason: 'recurring revenue cannot be negative' };
  const mrr = field === 'mrr' ? minor : Math.round(minor / 12);
  if (mrr > MAX_MRR) return { ok: false, field, value: text, reason: 'amount is too large' };
  return { ok: true, mrr, rounded: field === 'arr' && minor % 12 !== 0 };
}

export function checkSubscription(i: SubscriptionInput): FieldProblem | null {
  if (i.seats !== undefined && (i.seats < 0 || i.seats > 10_000_000))
    return { field: 'seats', value: String(i.seats), reason: 'seats must be from 0 to 10,000,000' };
  return null;
}

export function newSubscriptionRow(
  i: SubscriptionInput,
  id: string,
  accountId: string,
  currency: string,
  mrr: number,
  at: string,
): SubscriptionRow {
  return {
    id,
    account_id: accountId,
    external_id: i.externalId ?? null,
    plan: i.plan!,
    product: i.product ?? null,
    seats: i.seats ?? null,
    mrr_minor: mrr,
    currency,
    billing_frequency: i.billingFrequency ?? 'annual',
    start_date: i.startDate!,
    end_date: i.endDate ?? null,
    auto_renew: i.autoRenew ? 1 : 0,
    status: i.status ?? 'active',
    canceled_on: i.canceledOn ?? null,
    created_at: at,
    updated_at: at,
  };
}

/**
 * The subscription after the row's non-empty cells, as updateSubscription would make it:
 * a cancellation without a date is dated today.
 */
export function mergeSubscription(
  before: SubscriptionRow,
  i: SubscriptionInput,
  mrr: number | undefined,
  at: string,
  today: string,
): { row: SubscriptionRow; changed: string[] } {
  const row: SubscriptionRow = {
    ...before,
    mrr_minor: Number(before.mrr_minor),
    seats: before.seats === null ? null : Number(before.seats),
  };
  const changed: string[] = [];
  const set = <K extends keyof SubscriptionRow>(
    field: string,
    col: K,
    v: SubscriptionRow[K] | undefined,
  ) => {
    if (v !== undefined && row[col] !== v) {
      row[col] = v;
      changed.push(field);
    }
  };
  set('externalId', 'external_id', i.externalId);
  set('plan', 'plan', i.plan);
  set('product', 'product', i.product);
  set('seats', 'seats', i.seats);
  set('mrr', 'mrr_minor', mrr);
  set('billingFrequency', 'billing_frequency', i.billingFrequency);
  set('startDate', 'start_date', i.startDate);
  set('endDate', 'end_date', i.endDate);
  set('autoRenew', 'auto_renew', i.autoRenew === undefined ? undefined : i.autoRenew ? 1 : 0);
  set('status', 'status', i.status);
  set('canceledOn', 'canceled_on', i.canceledOn);
  if (row.status === 'canceled' && before.status !== 'canceled' && !row.canceled_on) {
    row.canceled_on = today;
    changed.push('canceledOn');
  }
  if (changed.length) row.updated_at = at;
  return { row, changed };
}

/** The revenue date of a change: the cancellation date when canceling, otherwise today. */
export function effectiveDate(after: SubscriptionRow, today: string): string {
  return after.status === 'canceled' && after.canceled_on ? after.canceled_on : today;
}
