import { z } from 'zod';
import { CurrencySchema, IsoDateSchema, QueryBool } from '../core/schemas.js';
import { CHURN_REASONS } from '../accounts/account/model.js';
import { OPPORTUNITY_STAGES, SIGNALS } from './expansion-model.js';
import { BUCKETS, WINDOW_KEYS } from './model.js';
import { OUTCOMES } from './outcomes.js';
import { LIMITS } from './quote.js';
import { QUOTE_STATUSES } from './quotes.js';

const Id = z.string().min(1).max(64);
const Minor = z.number().int();
const BucketEnum = z.enum(BUCKETS);

export const PipelineQuery = z
  .object({
    window: z
      .enum(WINDOW_KEYS)
      .optional()
      .describe('one window; default: overdue and the next `days`'),
    days: z.coerce
      .number()
      .int()
      .min(1)
      .max(730)
      .optional()
      .describe('horizon in days (default 120)'),
    bucket: BucketEnum.optional(),
    ownerId: Id.optional(),
    accountId: Id.optional(),
    currency: CurrencySchema.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(200).optional(),
  })
  .strict();

export const PipelineCsvQuery = PipelineQuery.omit({ limit: true, cursor: true });

export const PipelineItemOut = z
  .object({
    subscriptionId: z.string(),
    accountId: z.string(),
    accountName: z.string(),
    ownerId: z.string().nullable(),
    plan: z.string(),
    renewalDate: IsoDateSchema,
    daysToRenewal: z.number().int(),
    window: z.enum(WINDOW_KEYS),
    arrMinor: Minor,
    currency: z.string(),
    seats: z.number().int().nullable(),
    bucket: BucketEnum.describe('the bucket that counts: a CSM’s override, else the rules’'),
    bucketReason: z.string().describe('why the rules put it where they do'),
    override: z
      .object({
        automatic: BucketEnum.describe('what the rules say'),
        reason: z.string(),
        by: z.string(),
        at: z.string(),
      })
      .nullable()
      .describe('a CSM’s call for this renewal date; null: the rules’ bucket counts'),
    tier: z.string().nullable(),
    expansionScore: z.number().int(),
  })
  .meta({ id: 'RenewalPipelineItem' });

export const PipelineOut = z.object({
  asOf: IsoDateSchema,
  items: z.array(PipelineItemOut),
  nextCursor: z.string().nullable(),
});

export const SummaryOut = z.object({
  asOf: IsoDateSchema,
  cells: z.array(
    z.object({
      window: z.enum(WINDOW_KEYS),
      bucket: BucketEnum,
      currency: z.string(),
      count: z.number().int(),
      arrMinor: Minor,
    }),
  ),
});

export const OverrideBody = z
  .object({
    bucket: BucketEnum.nullable().describe('null returns the renewal to its automatic bucket'),
    reason: z.string().min(1).max(500),
  })
  .strict();
export const OverrideOut = z.object({
  subscriptionId: z.string(),
  renewalDate: IsoDateSchema,
  bucket: BucketEnum,
  automatic: BucketEnum,
  reason: z.string(),
});

export const OutcomeBody = z
  .object({
    outcome: z.enum(OUTCOMES),
    arrMinor: Minor.min(0).optional().describe('ARR it renewed at; default today’s (renewed)'),
    termMonths: z.number().int().min(1).max(120).optional(),
    churnReason: z.enum(CHURN_REASONS).optional(),
    note: z.string().max(2000).optional(),
  })
  .strict();
export const OutcomeOut = z
  .object({
    id: z.string(),
    subscriptionId: z.string(),
    accountId: z.string(),
    renewalDate: IsoDateSchema,
    outcome: z.enum(OUTCOMES),
    bucket: BucketEnum,
    arrBeforeMinor: Minor,
    arrAfterMinor: Minor,
    currency: z.string(),
    churnReason: z.string().nullable(),
    note: z.string().nullable(),
    recordedBy: z.string(),
    recordedAt: z.string(),
  })
  .meta({ id: 'RenewalOutcome' });
export const OutcomeListQuery = z
  .object({
    from: IsoDateSchema.optional(),
    to: IsoDateSchema.optional(),
    accountId: Id.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

export const ForecastQuery = z
  .object({
    quarter: z.string().max(10).optional().describe('e.g. 2027Q1; default this quarter'),
    from: IsoDateSchema.optional(),
    to: IsoDateSchema.optional(),
  })
  .strict();

const BucketLine = z.object({
  bucket: BucketEnum,
  count: z.number().int(),
  arrMinor: Minor,
  expectedMinor: Minor,
});
export const ForecastOut = z
  .object({
    period: z.object({ from: IsoDateSchema, to: IsoDateSchema, label: z.string() }),
    asOf: IsoDateSchema,
    probabilities: z.array(
      z.object({
        bucket: BucketEnum,
        configuredBp: z.number().int(),
        bp: z.number().int(),
        renewed: z.number().int(),
        total: z.number().int(),
        source: z.enum(['configured', 'calibrated']),
      }),
    ),
    currencies: z.array(
      z.object({
        currency: z.string(),
        renewals: z.number().int(),
        open: z.number().int(),
        upMinor: Minor.describe('ARR still up for renewal in the period'),
        expectedMinor: Minor.describe('Σ ARR × probability of its bucket'),
        atRiskMinor: Minor,
        bestMinor: Minor,
        worstMinor: Minor,
        byBucket: z.array(BucketLine),
        closed: z.object({
          renewals: z.number().int(),
          upMinor: Minor,
          renewedMinor: Minor,
          churnedMinor: Minor,
        }),
        outlookMinor: Minor.describe('renewed so far plus expected from what is open'),
      }),
    ),
  })
  .meta({ id: 'RenewalForecast' });

const QuoteFields = {
  upliftBp: z.number().int().describe('price rise in basis points: 500 = 5%').optional(),
  seats: z.number().int().optional(),
  termMonths: z.number().int().optional(),
  discountBp: z.number().int().describe('discount on the subtotal in basis points').optional(),
  unitMinor: z.number().int().describe('price per seat per month before uplift').optional(),
  currency: CurrencySchema.optional().describe('must be the subscription’s'),
  notes: z.string().max(4000).nullable().optional(),
};
export const QuoteCreateBody = z.object({ subscriptionId: Id, ...QuoteFields }).strict();
export const QuotePatchBody = z.object(QuoteFields).strict();
export const QuoteLimitsNote = `Limits: ${Object.entries(LIMITS)
  .map(([k, v]) => `${k} ${v.min}–${v.max}`)
  .join(', ')}`;

const TotalsOut = z.object({
  unitAfterUpliftMinor: Minor,
  subtotalMinor: Minor,
  discountMinor: Minor,
  totalMinor: Minor,
  monthlyMinor: Minor,
});
export const QuotePreviewOut = z.object({
  input: z.object({
    unitMinor: Minor,
    seats: z.number().int(),
    termMonths: z.number().int(),
    upliftBp: z.number().int(),
    discountBp: z.number().int(),
  }),
  totals: TotalsOut,
  termStart: IsoDateSchema,
  termEnd: IsoDateSchema,
  currency: z.string(),
  accountName: z.string(),
});
export const QuoteOut = z
  .object({
    id: z.string(),
    number: z.string(),
    accountId: z.string(),
    accountName: z.string().nullable(),
    subscriptionId: z.string(),
    status: z.enum(QUOTE_STATUSES),
    currency: z.string(),
    plan: z.string(),
    unitMinor: Minor,
    seats: z.number().int(),
    termMonths: z.number().int(),
    upliftBp: z.number().int(),
    discountBp: z.number().int(),
    notes: z.string().nullable(),
    totals: TotalsOut,
    termStart: IsoDateSchema,
    termEnd: IsoDateSchema,
    basedOn: z.object({
      mrrMinor: Minor,
      seats: z.number().int().nullable(),
      currency: z.string(),
      endDate: z.string().nullable(),
      status: z.string(),
      plan: z.string(),
    }),
    lostReason: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    sentAt: z.string().nullable(),
    decidedAt: z.string().nullable(),
  })
  .meta({ id: 'RenewalQuote' });
export const QuoteDetailOut = QuoteOut.extend({
  history: z.array(
    z.object({
      action: z.string(),
      actor: z.string(),
      note: z.string().nullable(),
      at: z.string(),
      data: z.record(z.string(), z.unknown()),
    }),
  ),
}).meta({ id: 'RenewalQuoteDetail' });
export const QuoteListQuery = z
  .object({
    accountId: Id.optional(),
    subscriptionId: Id.optional(),
    status: z.enum(QUOTE_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export const QuoteDecisionBody = z
  .object({ note: z.string().max(2000).optional(), reason: z.string().max(500).optional() })
  .strict();

const SignalOut = z.object({
  key: z.enum(Object.keys(SIGNALS) as [keyof typeof SIGNALS, ...(keyof typeof SIGNALS)[]]),
  points: z.number().int(),
  label: z.string(),
  evidence: z.string(),
});
const CriterionOut = z.object({
  key: z.enum(['green_60_days', 'no_urgent_tickets', 'no_severe_alerts']),
  ok: z.boolean(),
  detail: z.string(),
});
export const CandidatesQuery = z
  .object({
    minScore: z.coerce.number().int().min(0).max(100).optional(),
    ready: QueryBool.optional(),
    ownerId: Id.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export const CandidatesOut = z.object({
  threshold: z.number().int(),
  items: z.array(
    z
      .object({
        accountId: z.string(),
        accountName: z.string(),
        ownerId: z.string().nullable(),
        arrMinor: Minor,
        currency: z.string(),
        renewalDate: z.string().nullable(),
        tier: z.string().nullable(),
        score: z.number().int(),
        ready: z.boolean(),
        openOpportunities: z.number().int(),
        signals: z.array(SignalOut),
        readiness: z.array(CriterionOut),
        activeUsers30d: z.number().int(),
        licensedSeats: z.number().int().nullable(),
      })
      .meta({ id: 'ExpansionCandidate' }),
  ),
});

export const OpportunityOut = z
  .object({
    id: z.string(),
    accountId: z.string(),
    accountName: z.string().nullable(),
    subscriptionId: z.string().nullable(),
    title: z.string(),
    stage: z.enum(OPPORTUNITY_STAGES),
    amountMinor: Minor,
    currency: z.string(),
    ownerId: z.string().nullable(),
    signals: z.array(z.unknown()),
    notes: z.string().nullable(),
    lostReason: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    closedAt: z.string().nullable(),
  })
  .meta({ id: 'ExpansionOpportunity' });
export const OpportunityCreateBody = z
  .object({
    accountId: Id,
    title: z.string().min(1).max(200),
    amountMinor: Minor.positive().describe('ARR the expansion adds, in minor units'),
    currency: CurrencySchema.optional(),
    subscriptionId: Id.nullable().optional(),
    notes: z.string().max(4000).nullable().optional(),
  })
  .strict();
export const OpportunityPatchBody = z
  .object({
    stage: z.enum(OPPORTUNITY_STAGES).optional(),
    amountMinor: Minor.positive().optional(),
    notes: z.string().max(4000).nullable().optional(),
    lostReason: z.string().max(500).optional(),
  })
  .strict();
export const OpportunityListQuery = z
  .object({
    stage: z.enum(OPPORTUNITY_STAGES).optional(),
    accountId: Id.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(200),
  })
  .strict();
export const SubscriptionParams = z.object({ subscriptionId: Id }).strict();
