import { z } from 'zod';
import {
  CurrencySchema,
  IsoDateSchema,
  LimitSchema,
  QueryBool,
  pageOf,
} from '../../core/schemas.js';
import { CHURN_REASONS, STAGES } from './model.js';

export const StageSchema = z.enum(STAGES);
export const ChurnReasonSchema = z.enum(CHURN_REASONS);
const Traits = z.record(z.string(), z.unknown());
const Text = (max: number) => z.string().trim().min(1).max(max);

export const AccountOut = z
  .object({
    id: z.string(),
    name: z.string(),
    domain: z.string().nullable(),
    crmId: z.string().nullable(),
    billingId: z.string().nullable(),
    productId: z.string().nullable(),
    segment: z.string(),
    industry: z.string().nullable(),
    region: z.string().nullable(),
    ownerId: z.string().nullable(),
    parentId: z.string().nullable(),
    stage: StageSchema,
    stageChangedAt: z.string(),
    traits: Traits,
    currency: z.string(),
    mrrMinor: z.number().int(),
    arrMinor: z.number().int(),
    renewalDate: z.string().nullable(),
    churnedOn: z.string().nullable(),
    churnReason: z.string().nullable(),
    churnNote: z.string().nullable(),
    archivedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Account' });

export const AccountCreate = z
  .object({
    name: Text(200),
    domain: Text(253).nullish(),
    crmId: Text(128).nullish(),
    billingId: Text(128).nullish(),
    productId: Text(128)
      .nullish()
      .describe('the id your product sends for this account: Segment groupId'),
    segment: Text(64).optional(),
    industry: Text(128).nullish(),
    region: Text(128).nullish(),
    ownerId: Text(64).nullish(),
    parentId: Text(64).nullish(),
    stage: StageSchema.optional(),
    traits: Traits.optional(),
    currency: CurrencySchema.optional(),
    churnedOn: IsoDateSchema.nullish(),
    churnReason: ChurnReasonSchema.nullish(),
    churnNote: z.string().max(2000).nullish(),
  })
  .strict()
  .meta({ id: 'AccountCreate' });
export type AccountCreateInput = z.infer<typeof AccountCreate>;

export const AccountPatch = AccountCreate.partial()
  .extend({
    stageReason: z.string().max(500).optional(),
    traits: Traits.optional().describe(
      'merged into the stored traits; a key sent as null is removed',
    ),
  })
  .strict()
  .meta({ id: 'AccountPatch' });
export type AccountPatchInput = z.infer<typeof AccountPatch>;

export const ChangeStageBody = z
  .object({ stage: StageSchema, reason: z.string().max(500).optional() })
  .strict();

export const ACCOUNT_SORTS = [
  'name',
  '-name',
  'createdAt',
  '-createdAt',
  'updatedAt',
  '-updatedAt',
  'mrr',
  '-mrr',
  'renewalDate',
  '-renewalDate',
] as const;
export type AccountSort = (typeof ACCOUNT_SORTS)[number];

export const AccountListQuery = z
  .object({
    limit: LimitSchema,
    cursor: z.string().optional(),
    sort: z.enum(ACCOUNT_SORTS).default('name'),
    q: z.string().max(200).optional().describe('matches name, domain, CRM id or billing id'),
    owner: z.string().max(200).optional().describe('owner user id or email, or "none"'),
    segment: z.string().max(64).optional(),
    stage: StageSchema.optional(),
    parentId: z.string().max(64).optional(),
    region: z.string().max(128).optional(),
    industry: z.string().max(128).optional(),
    renewalBefore: IsoDateSchema.optional(),
    includeArchived: QueryBool.optional(),
  })
  .strict();
export type AccountListInput = z.infer<typeof AccountListQuery>;

export const AccountPage = pageOf(AccountOut).meta({ id: 'AccountPage' });

export const StageHistoryOut = z
  .object({
    id: z.string(),
    fromStage: z.string().nullable(),
    toStage: z.string(),
    changedAt: z.string(),
    actor: z.string(),
    reason: z.string().nullable(),
  })
  .meta({ id: 'StageChange' });
