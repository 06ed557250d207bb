import { AppError } from '../../core/errors.js';
import { toIsoDate } from '../../core/clock.js';
import type { AccountRow } from '../../db/schema.js';

export const STAGES = [
  'prospect',
  'onboarding',
  'active',
  'renewal',
  'expanding',
  'at_risk',
  'churned',
] as const;
export type Stage = (typeof STAGES)[number];

export const DEFAULT_SEGMENTS = ['enterprise', 'mid_market', 'smb', 'self_serve'] as const;

/** The churn reason taxonomy (E5). */
export const CHURN_REASONS = [
  'product',
  'value',
  'relationship',
  'financial',
  'competition',
  'strategic',
  'other',
] as const;
export type ChurnReason = (typeof CHURN_REASONS)[number];

/** Allowed lifecycle moves. Any live stage may churn; a churned account comes back by win-back. */
const NEXT: Record<Stage, readonly Stage[]> = {
  prospect: ['onboarding', 'active', 'churned'],
  onboarding: ['active', 'at_risk', 'churned'],
  active: ['renewal', 'expanding', 'at_risk', 'churned'],
  renewal: ['active', 'expanding', 'at_risk', 'churned'],
  expanding: ['active', 'renewal', 'at_risk', 'churned'],
  at_risk: ['active', 'renewal', 'expanding', 'churned'],
  churned: ['onboarding', 'active'],
};

export function canTransition(from: Stage, to: Stage): boolean {
  return from === to || NEXT[from].includes(to);
}

export function allowedNextStages(from: Stage): readonly Stage[] {
  return NEXT[from];
}

export function assertTransition(from: Stage, to: Stage): void {
  if (!canTransition(from, to)) {
    throw new AppError('validation', `stage: cannot move from ${from} to ${to}`, {
      issues: [{ path: 'stage', message: `allowed from ${from}: ${NEXT[from].join(', ')}` }],
    });
  }
}

/** Normalise a segment label ("Mid-Market", "self serve") to its stored key. */
export function normaliseSegment(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

export function normaliseDomain(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/\/.*$/, '');
}

export interface Account {
  id: string;
  name: string;
  domain: string | null;
  crmId: string | null;
  billingId: string | null;
  /** The id the product sends for this account (Segment groupId). */
  productId: string | null;
  segment: string;
  industry: string | null;
  region: string | null;
  ownerId: string | null;
  parentId: string | null;
  stage: Stage;
  stageChangedAt: string;
  traits: Record<string, unknown>;
  currency: string;
  mrrMinor: number;
  arrMinor: number;
  renewalDate: string | null;
  churnedOn: string | null;
  churnReason: string | null;
  churnNote: string | null;
  archivedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export function parseJsonObject(text: string): Record<string, unknown> {
  const v: unknown = JSON.parse(text);
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : {};
}

export function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    name: row.name,
    domain: row.domain,
    crmId: row.crm_id,
    billingId: row.billing_id,
    productId: row.product_id,
    segment: row.segment,
    industry: row.industry,
    region: row.region,
    ownerId: row.owner_id,
    parentId: row.parent_id,
    stage: row.stage as Stage,
    stageChangedAt: row.stage_changed_at,
    traits: parseJsonObject(row.traits),
    currency: row.currency,
    mrrMinor: Number(row.mrr_minor),
    arrMinor: Number(row.mrr_minor) * 12,
    renewalDate: row.renewal_date,
    churnedOn: row.churned_on,
    churnReason: row.churn_reason,
    churnNote: row.churn_note,
    archivedAt: row.archived_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Would setting `parentId` on `accountId` close a loop? `ancestors` lists parent chain of the new parent. */
export function createsCycle(accountId: string, newParentAncestors: readonly string[]): boolean {
  return newParentAncestors.includes(accountId);
}

/** The account fields a stage move sets: stage, its time, and the live churn fields. */
export function stageMoveFields(
  row: Pick<AccountRow, 'stage' | 'churned_on'>,
  to: Stage,
  at: Date,
): Pick<AccountRow, 'stage' | 'stage_changed_at'> &
  Partial<Pick<AccountRow, 'churned_on' | 'churn_reason'>> {
  const fields: ReturnType<typeof stageMoveFields> = {
    stage: to,
    stage_changed_at: at.toISOString(),
  };
  if (to === 'churned' && !row.churned_on) fields.churned_on = toIsoDate(at);
  if (row.stage === 'churned' && to !== 'churned') {
    // Win-back: the churn stays in the stage history; the live fields describe today.
    fields.churned_on = null;
    fields.churn_reason = null;
  }
  return fields;
}

/** The timeline entry of a stage move, the same whichever path made it. */
export function stageChangedEvent(from: string | null, to: string, reason: string | null) {
  return {
    kind: 'stage_changed' as const,
    title: from ? `Stage changed from ${from} to ${to}` : `Stage set to ${to}`,
    body: reason,
    data: { from, to, reason },
  };
}

/**
 * Merge changed traits into the stored ones (JSON Merge Patch for one level): keys sent
 * replace, a key sent as null is removed, keys not sent stay. Imports merge the same way.
 */
export function mergeTraits(
  stored: Record<string, unknown>,
  changes: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...stored };
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** Lower case without accents, the same in JavaScript for both databases. */
export function foldText(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** What account search (`q`) matches against: name and domain, folded. */
export function searchText(name: string, domain: string | null): string {
  return foldText(`${name} ${domain ?? ''}`);
}
