import { z } from 'zod';
import { CurrencySchema, IsoDateSchema, LimitSchema, pageOf } from '../../core/schemas.js';
import {
  BILLING_FREQUENCIES,
  MAX_SUBSCRIPTION_MRR_MINOR,
  MOVEMENT_KINDS,
  SUBSCRIPTION_STATUSES,
} from './model.js';

const Minor = z.number().int().min(0).max(MAX_SUBSCRIPTION_MRR_MINOR);

export const SubscriptionOut = z
  .object({
    id: z.string(),
    accountId: z.string(),
    externalId: z.string().nullable(),
    plan: z.string(),
    product: z.string().nullable(),
    seats: z.number().int().nullable(),
    mrrMinor: z.number().int(),
    arrMinor: z.number().int(),
    currency: z.string(),
    billingFrequency: z.enum(BILLING_FREQUENCIES),
    startDate: z.string(),
    endDate: z.string().nullable(),
    autoRenew: z.boolean(),
    status: z.enum(SUBSCRIPTION_STATUSES),
    canceledOn: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Subscription' });

const fields = {
  externalId: z.string().trim().min(1).max(128).nullish(),
  plan: z.string().trim().min(1).max(128),
  product: z.string().trim().min(1).max(128).nullish(),
  seats: z.number().int().min(0).max(10_000_000).nullish(),
  mrrMinor: Minor.describe('monthly recurring revenue in minor units (cents)'),
  currency: CurrencySchema.optional(),
  billingFrequency: z.enum(BILLING_FREQUENCIES).default('annual'),
  startDate: IsoDateSchema,
  endDate: IsoDateSchema.nullish().describe('end of the current term: the renewal date'),
  autoRenew: z.boolean().default(false),
  status: z.enum(SUBSCRIPTION_STATUSES).default('active'),
  canceledOn: IsoDateSchema.nullish(),
};

export const SubscriptionCreate = z
  .object({ accountId: z.string().min(1).max(64), ...fields })
  .strict()
  .meta({ id: 'SubscriptionCreate' });
export type SubscriptionCreateInput = z.input<typeof SubscriptionCreate>;

export const SubscriptionPatch = z
  .object({
    externalId: fields.externalId,
    plan: fields.plan.optional(),
    product: fields.product,
    seats: fields.seats,
    mrrMinor: Minor.optional(),
    billingFrequency: z.enum(BILLING_FREQUENCIES).optional(),
    startDate: IsoDateSchema.optional(),
    endDate: fields.endDate,
    autoRenew: z.boolean().optional(),
    status: z.enum(SUBSCRIPTION_STATUSES).optional(),
    canceledOn: fields.canceledOn,
    effectiveDate: IsoDateSchema.optional().describe(
      'when the change takes effect for revenue; defaults to today (or canceledOn when canceling)',
    ),
  })
  .strict()
  .meta({ id: 'SubscriptionPatch' });
export type SubscriptionPatchInput = z.infer<typeof SubscriptionPatch>;

export const SUBSCRIPTION_SORTS = [
  'createdAt',
  '-createdAt',
  'startDate',
  '-startDate',
  'endDate',
  '-endDate',
  'mrr',
  '-mrr',
] as const;
export type SubscriptionSort = (typeof SUBSCRIPTION_SORTS)[number];

export const SubscriptionListQuery = z
  .object({
    limit: LimitSchema,
    cursor: z.string().optional(),
    sort: z.enum(SUBSCRIPTION_SORTS).default('createdAt'),
    accountId: z.string().optional(),
    status: z.enum(SUBSCRIPTION_STATUSES).optional(),
    renewsBefore: IsoDateSchema.optional(),
  })
  .strict();
/** Sort may be left out by callers inside the program; the API fills its default. */
export type SubscriptionListInput = Omit<z.infer<typeof SubscriptionListQuery>, 'sort'> & {
  sort?: SubscriptionSort;
};
export const SubscriptionPage = pageOf(SubscriptionOut).meta({ id: 'SubscriptionPage' });

export const MovementOut = z
  .object({
    id: z.string(),
    accountId: z.string(),
    subscriptionId: z.string(),
    kind: z.enum(MOVEMENT_KINDS),
    effectiveDate: z.string(),
    mrrDeltaMinor: z.number().int(),
    accountMrrBeforeMinor: z.number().int(),
    accountMrrAfterMinor: z.number().int(),
    currency: z.string(),
    recordedAt: z.string(),
    source: z.string(),
  })
  .meta({ id: 'RevenueMovement' });

export const MrrQuery = z.object({ date: IsoDateSchema.optional() }).strict();
export const MrrOut = z
  .object({
    date: z.string(),
    byCurrency: z.array(
      z.object({ currency: z.string(), mrrMinor: z.number().int(), arrMinor: z.number().int() }),
    ),
  })
  .meta({ id: 'MrrAtDate' });
