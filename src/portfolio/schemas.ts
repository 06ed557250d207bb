import { z } from 'zod';
import { SCOPES, TREND_DAYS } from './model.js';

/** The HTTP shapes of the portfolio and its saved views. */

export const ScopeSchema = z
  .enum(SCOPES)
  .describe(
    'mine: accounts you own; team: yours and those of the people you lead; all: every account. ' +
      'Default: mine for a CSM, all otherwise. An API key always gets all.',
  );

export const PortfolioQuery = z.object({ scope: ScopeSchema.optional() }).strict();

const PortfolioHealthOut = z
  .object({
    score: z
      .number()
      .nullable()
      .describe('the composite, 0–100 with one decimal; null when no measure had data that day'),
    tier: z
      .string()
      .nullable()
      .describe("the model's tier for the score (e.g. Green, Yellow, Red)"),
    date: z.string().describe('the day of the latest snapshot, YYYY-MM-DD'),
    trend: z
      .array(z.number().nullable())
      .length(TREND_DAYS)
      .describe(
        'the daily composite of the 30 days ending at date, oldest first; null for missing days',
      ),
  })
  .meta({ id: 'PortfolioHealth' });

export const PortfolioRowOut = z
  .object({
    id: z.string(),
    name: z.string(),
    segment: z.string(),
    stage: z.string(),
    industry: z.string().nullable(),
    region: z.string().nullable(),
    currency: z.string(),
    arrMinor: z.number().int().describe('ARR (12 × MRR) in minor units of currency'),
    renewalDate: z.string().nullable().describe('YYYY-MM-DD'),
    owner: z
      .object({ id: z.string(), name: z.string().describe('name, or email when unnamed') })
      .nullable(),
    health: PortfolioHealthOut.nullable().describe('null when the account has never been scored'),
    openAlerts: z
      .number()
      .int()
      .describe('open health alerts, including snoozes that have run out'),
    openTasks: z.number().int().describe('open and in-progress tasks on the account'),
    lastTouchAt: z
      .string()
      .nullable()
      .describe('the latest note, call, meeting, email or health check, up to now'),
  })
  .meta({ id: 'PortfolioRow' });

export const PortfolioOut = z
  .object({
    asOf: z.string().describe('the instant the rows describe'),
    scope: z.enum(SCOPES).describe('the scope applied'),
    rows: z.array(PortfolioRowOut),
  })
  .meta({ id: 'Portfolio' });

// ----- saved views ---------------------------------------------------------------------------

/** A row field, column or filter name as the web app names it (e.g. "health.tier"). */
const FieldName = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_.]{0,63}$/,
    'expected a field name: a letter, then letters, digits, _ or .',
  );
const FilterValue = z.union([z.string().max(200), z.array(z.string().max(200)).max(100)]);
export const MAX_FILTERS = 20;
export const MAX_COLUMNS = 40;

export const ViewQuerySchema = z
  .object({
    scope: z.enum(SCOPES).optional(),
    q: z.string().max(200).optional().describe('search text'),
    filters: z
      .record(FieldName, FilterValue)
      .refine((f) => Object.keys(f).length <= MAX_FILTERS, {
        message: `at most ${MAX_FILTERS} filters`,
      })
      .optional()
      .describe('field → value or values'),
    sort: z
      .object({ field: FieldName, dir: z.enum(['asc', 'desc']) })
      .strict()
      .optional(),
    group: FieldName.nullable().optional().describe('the field rows are grouped by; null for none'),
    columns: z
      .array(FieldName)
      .max(MAX_COLUMNS)
      .refine((c) => new Set(c).size === c.length, { message: 'each column at most once' })
      .optional()
      .describe('the columns shown, in order'),
  })
  .strict()
  .meta({ id: 'PortfolioViewQuery' });
export type ViewQuery = z.infer<typeof ViewQuerySchema>;

const ViewName = z.string().trim().min(1).max(80);

export const ViewCreateBody = z
  .object({
    name: ViewName,
    shared: z.boolean().default(false).describe('whether every signed-in user sees it'),
    query: ViewQuerySchema.default({}),
  })
  .strict()
  .meta({ id: 'PortfolioViewCreate' });
export type ViewCreateInput = z.input<typeof ViewCreateBody>;

export const ViewPatchBody = z
  .object({
    name: ViewName.optional(),
    shared: z.boolean().optional(),
    query: ViewQuerySchema.optional().describe('replaces the whole query'),
  })
  .strict()
  .refine((p) => p.name !== undefined || p.shared !== undefined || p.query !== undefined, {
    message: 'give name, shared or query',
  })
  .meta({ id: 'PortfolioViewPatch' });
export type ViewPatchInput = z.input<typeof ViewPatchBody>;

export const ViewOut = z
  .object({
    id: z.string(),
    name: z.string(),
    shared: z.boolean(),
    ownerId: z.string(),
    ownerName: z.string(),
    editable: z.boolean().describe('whether the caller may change or delete it'),
    query: ViewQuerySchema,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'PortfolioView' });

export const ViewListOut = z.object({ items: z.array(ViewOut) }).meta({ id: 'PortfolioViewList' });
