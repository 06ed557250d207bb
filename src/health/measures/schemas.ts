import { z } from 'zod';
import { IsoDateSchema } from '../../core/schemas.js';
import { MANUAL_MEASURE_IDS } from './model.js';
import { MEASURES, MEASURE_IDS } from './registry.js';

export const MeasureIdSchema = z.enum(MEASURE_IDS);
export const ManualMeasureIdSchema = z.enum(MANUAL_MEASURE_IDS);

export const ManualMeasureCreate = z
  .object({
    accountId: z.string().min(1).max(64),
    measure: ManualMeasureIdSchema,
    value: z.number().describe("within the measure's range, e.g. 1–10 for CSM sentiment"),
    note: z.string().trim().max(2000).optional(),
    staleAfter: IsoDateSchema.optional().describe(
      'the last day the value counts (not before today); defaults to 90 days from today',
    ),
  })
  .strict()
  // The range is the registry's, so the API refuses what scoring could not use.
  .superRefine((v, ctx) => {
    const { min, max } = MEASURES[v.measure];
    if (v.value < min || (max !== null && v.value > max)) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `${v.measure} is from ${min} to ${max ?? 'any'}`,
      });
    }
  })
  .meta({ id: 'ManualMeasureCreate' });
export type ManualMeasureInput = z.input<typeof ManualMeasureCreate>;

export const ManualMeasureOut = z
  .object({
    id: z.string(),
    accountId: z.string(),
    measure: ManualMeasureIdSchema,
    value: z.number(),
    note: z.string().nullable(),
    recordedAt: z.string(),
    recordedBy: z.string(),
    staleAfter: z.string(),
    /** Today is after staleAfter: scoring no longer uses the value. */
    stale: z.boolean(),
  })
  .meta({ id: 'ManualMeasure' });

export const ManualMeasureList = z
  .object({ items: z.array(ManualMeasureOut) })
  .meta({ id: 'ManualMeasureList' });
