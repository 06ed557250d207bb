import { z } from 'zod';
import { isIsoDate } from './clock.js';

export const IsoDateSchema = z
  .string()
  .refine(isIsoDate, { message: 'expected a calendar date YYYY-MM-DD' })
  .meta({ format: 'date', example: '2026-11-23' });

export const IsoInstantSchema = z.iso.datetime({ offset: true });

export const CurrencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code such as USD')
  .meta({ example: 'USD' });

export const IdParams = z.object({ id: z.string().min(1).max(64) }).strict();

export const LimitSchema = z.coerce.number().int().min(1).max(500).default(50);

export const ErrorOut = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
      requestId: z.string(),
    }),
  })
  .meta({ id: 'Error' });

/** Query-string booleans: "true"/"false"/"1"/"0". */
export const QueryBool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
