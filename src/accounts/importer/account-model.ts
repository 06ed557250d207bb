import type { AccountRow } from '../../db/schema.js';
import {
  canTransition,
  allowedNextStages,
  parseJsonObject,
  searchText,
  type Stage,
} from '../account/model.js';
import { read, type ConvertedRow } from './rows.js';

/** Pure rules for turning an imported account row into a new or updated account row. */

export interface AccountInput {
  line: number;
  id?: string;
  name?: string;
  domain?: string;
  crmId?: string;
  billingId?: string;
  /** The parent account, by its Tenure id or CRM id (resolved when the whole file is read). */
  parentId?: string;
  parentCrmId?: string;
  segment?: string;
  stage?: Stage;
  ownerId?: string;
  industry?: string;
  region?: string;
  currency?: string;
  churnedOn?: string;
  churnReason?: string;
  churnNote?: string;
  archived?: boolean;
  traits: Record<string, unknown> | null;
}

export function accountInput(r: ConvertedRow): AccountInput {
  return {
    line: r.line,
    id: read.str(r, 'id'),
    name: read.str(r, 'name'),
    domain: read.str(r, 'domain'),
    crmId: read.str(r, 'crmId'),
    billingId: read.str(r, 'billingId'),
    parentId: read.str(r, 'parentId'),
    parentCrmId: read.str(r, 'parentCrmId'),
    segment: read.str(r, 'segment'),
    stage: read.str(r, 'stage') as Stage | undefined,
    ownerId: read.str(r, 'owner'),
    industry: read.str(r, 'industry'),
    region: read.str(r, 'region'),
    currency: read.str(r, 'currency'),
    churnedOn: read.str(r, 'churnedOn'),
    churnReason: read.str(r, 'churnReason'),
    churnNote: read.str(r, 'churnNote'),
    archived: read.bool(r, 'archived'),
    traits: r.traits,
  };
}

/** JSON with sorted keys, so two trait objects compare by content. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/** A created account, with the same defaults as createAccount. `name` must be present. */
export function newAccountRow(
  input: AccountInput,
  id: string,
  at: string,
  today: string,
): AccountRow {
  const stage: Stage = input.stage ?? 'onboarding';
  return {
    id,
    name: input.name!,
    domain: input.domain ?? null,
    crm_id: input.crmId ?? null,
    billing_id: input.billingId ?? null,
    product_id: null,
    segment: input.segment ?? 'smb',
    industry: input.industry ?? null,
    region: input.region ?? null,
    owner_id: input.ownerId ?? null,
    parent_id: null,
    stage,
    stage_changed_at: at,
    traits: JSON.stringify(input.traits ?? {}),
    currency: input.currency ?? 'USD',
    mrr_minor: 0,
    renewal_date: null,
    churned_on: stage === 'churned' ? (input.churnedOn ?? today) : (input.churnedOn ?? null),
    churn_reason: input.churnReason ?? null,
    churn_note: input.churnNote ?? null,
    archived_at: input.archived ? at : null,
    created_at: at,
    updated_at: at,
    search_text: searchText(input.name!, input.domain ?? null),
  };
}

export type MergeResult =
  | {
      ok: true;
      row: AccountRow;
      changed: string[];
      stageFrom: Stage | null;
      ownerFrom: string | null | undefined;
    }
  | { ok: false; field: string; value: string; reason: string };

const SIMPLE: [keyof AccountInput, keyof AccountRow, string][] = [
  ['name', 'name', 'name'],
  ['domain', 'domain', 'domain'],
  ['crmId', 'crm_id', 'crmId'],
  ['billingId', 'billing_id', 'billingId'],
  ['segment', 'segment', 'segment'],
  ['industry', 'industry', 'industry'],
  ['region', 'region', 'region'],
  ['churnedOn', 'churned_on', 'churnedOn'],
  ['churnReason', 'churn_reason', 'churnReason'],
  ['churnNote', 'churn_note', 'churnNote'],
];

/**
 * Apply an imported row to an existing account. Only non-empty cells change anything; a
 * stage move must be one the lifecycle allows (as in updateAccount) and clears or sets the
 * churn fields the same way.
 */
export function mergeAccount(
  existing: AccountRow,
  input: AccountInput,
  at: string,
  today: string,
): MergeResult {
  const row: AccountRow = { ...existing };
  const changed: string[] = [];
  const set = (field: string, col: keyof AccountRow, value: string | null) => {
    if (row[col] !== value) {
      (row as Record<keyof AccountRow, unknown>)[col] = value;
      changed.push(field);
    }
  };
  for (const [from, col, field] of SIMPLE) {
    const v = input[from];
    if (typeof v === 'string') set(field, col, v);
  }
  if (input.currency !== undefined && input.currency !== existing.currency) {
    if (Number(existing.mrr_minor) !== 0) {
      return {
        ok: false,
        field: 'currency',
        value: input.currency,
        reason: `the account bills in ${existing.currency}; currency cannot change while it has live subscriptions`,
      };
    }
    set('currency', 'currency', input.currency);
  }
  let ownerFrom: string | null | undefined;
  if (input.ownerId !== undefined && input.ownerId !== existing.owner_id) {
    ownerFrom = existing.owner_id;
    set('owner', 'owner_id', input.ownerId);
  }
  if (input.archived !== undefined && input.archived !== Boolean(existing.archived_at)) {
    set('archived', 'archived_at', input.archived ? at : null);
  }
  if (input.traits) {
    const before = parseJsonObject(existing.traits);
    const merged = { ...before, ...input.traits };
    if (canonicalJson(merged) !== canonicalJson(before)) {
      row.traits = JSON.stringify(merged);
      changed.push('traits');
    }
  }
  let stageFrom: Stage | null = null;
  const from = existing.stage as Stage;
  if (input.stage !== undefined && input.stage !== from) {
    if (!canTransition(from, input.stage)) {
      return {
        ok: false,
        field: 'stage',
        value: input.stage,
        reason: `cannot move from ${from} to ${input.stage} (allowed: ${allowedNextStages(from).join(', ')})`,
      };
    }
    stageFrom = from;
    row.stage = input.stage;
    row.stage_changed_at = at;
    changed.push('stage');
    if (input.stage === 'churned' && !row.churned_on) row.churned_on = today;
    if (from === 'churned') {
      // Win-back: the churn stays in the stage history; the live fields describe now.
      if (input.churnedOn === undefined) row.churned_on = null;
      if (input.churnReason === undefined) row.churn_reason = null;
    }
  }
  if (changed.length) row.updated_at = at;
  row.search_text = searchText(row.name, row.domain);
  return { ok: true, row, changed, stageFrom, ownerFrom };
}
