import { z } from 'zod';
import { IsoDateSchema } from '../../core/schemas.js';
import { MEASURE_IDS } from '../measures/registry.js';

/** Request and response shapes of the backtest API (C4). */

export const BacktestCreate = z
  .object({
    modelKey: z.string().min(1).max(64).optional(),
    version: z.number().int().min(1).optional(),
    horizonDays: z.number().int().min(1).max(730).optional().describe('default 90'),
    from: IsoDateSchema.optional(),
    to: IsoDateSchema.optional(),
    trainUntil: IsoDateSchema.optional().describe('fit up to this day, test after it'),
  })
  .strict();

const Auc = z.object({
  auc: z.number(),
  se: z.number().nullable(),
  ci: z.tuple([z.number(), z.number()]).readonly().nullable(),
  retained: z.number().int(),
  churned: z.number().int(),
});
const Counts = z.object({ churned: z.number().int(), retained: z.number().int() });

export const BacktestReportOut = z.object({
  counts: z.object({
    samples: z.number().int(),
    churned: z.number().int(),
    retained: z.number().int(),
    scored: Counts,
    unscored: Counts,
    minOutcomes: z.number().int(),
    firstOutcome: z.string().nullable(),
    lastOutcome: z.string().nullable(),
  }),
  verdict: z.object({
    kind: z.enum(['signal', 'no_signal', 'inverse', 'too_few']),
    text: z.string(),
  }),
  auc: Auc.nullable(),
  roc: z
    .array(
      z.object({
        fpr: z.number().describe('share of retained accounts flagged'),
        tpr: z.number().describe('share of churned accounts flagged'),
        threshold: z
          .number()
          .nullable()
          .describe('composite at or below which an account is flagged; null: none is'),
      }),
    )
    .max(101)
    .nullable()
    .optional()
    .describe('ROC curve of the composite; null without an AUC, absent in older reports'),
  tiers: z.array(
    z.object({
      tier: z.string(),
      color: z.string().nullable(),
      min: z.number().nullable(),
      n: z.number().int(),
      renewed: z.number().int(),
      churned: z.number().int(),
      renewalRate: z.number().nullable(),
      churnRate: z.number().nullable(),
    }),
  ),
  lowestTierLift: z
    .object({
      tier: z.string(),
      churnRate: z.number(),
      overallChurnRate: z.number(),
      lift: z.number(),
    })
    .nullable(),
  flaggedTiers: z.array(z.string()),
  flaggedArr: z.array(
    z.object({
      currency: z.string(),
      churnedArrMinor: z.number().int(),
      flaggedArrMinor: z.number().int(),
      unscoredArrMinor: z.number().int(),
      share: z.number().nullable(),
    }),
  ),
  calibration: z
    .object({
      method: z.literal('platt_heldout'),
      text: z.string(),
      rows: z.array(
        z.object({
          bin: z.number().int(),
          n: z.number().int(),
          meanPredicted: z.number(),
          observedRate: z.number(),
          minPredicted: z.number(),
          maxPredicted: z.number(),
          compositeMin: z.number(),
          compositeMax: z.number(),
        }),
      ),
    })
    .nullable(),
  fitted: z.object({
    status: z.enum(['fitted', 'untested', 'no_weights', 'too_few']),
    text: z.string(),
    trainUntil: z.string(),
    l2: z.number(),
    train: Counts,
    heldOut: Counts,
    fittedAuc: Auc.nullable(),
    modelAuc: Auc.nullable(),
    currentAuc: Auc.nullable(),
    difference: z
      .object({
        diff: z.number(),
        se: z.number().nullable(),
        ci: z.tuple([z.number(), z.number()]).readonly().nullable(),
      })
      .nullable(),
    intercept: z.number().nullable(),
    weights: z.array(
      z.object({
        measure: z.enum(MEASURE_IDS),
        coefficient: z.number().nullable(),
        weight: z.number().int(),
        observedShare: z.number(),
        imputedWith: z.number().nullable(),
      }),
    ),
  }),
});

export const BacktestOut = z
  .object({
    id: z.string(),
    createdAt: z.string(),
    model: z.object({ key: z.string(), version: z.number().int(), name: z.string() }),
    params: z.object({
      horizonDays: z.number().int(),
      from: z.string(),
      to: z.string(),
      trainUntil: z.string(),
    }),
    report: BacktestReportOut,
  })
  .meta({ id: 'Backtest' });

export const BacktestSummary = z.object({
  id: z.string(),
  createdAt: z.string(),
  model: z.object({ key: z.string(), version: z.number().int(), name: z.string() }),
  params: BacktestOut.shape.params,
  verdict: BacktestReportOut.shape.verdict,
  auc: z.number().nullable(),
  fittedStatus: BacktestReportOut.shape.fitted.shape.status,
});
export const BacktestList = z.object({ items: z.array(BacktestSummary) });
