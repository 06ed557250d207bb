import { z } from 'zod';
import { addDays, daysBetween, type IsoDate } from '../core/clock.js';
import { invalid } from '../core/errors.js';
import { IsoDateSchema } from '../core/schemas.js';
import { MEASURES, type MeasureId } from './measures/registry.js';
import { ManualMeasureCreate, MeasureIdSchema } from './measures/schemas.js';
import { MeasureInfoOut } from './models/schemas.js';
import type { ScoreRun, Snapshot } from './scoring/service.js';
import type { Explanation } from './model/drivers.js';

/**
 * The HTTP (and CLI --json) shapes of an account's health (its score, trend and drivers)
 * and of scoring runs; measures and model versions are in models/schemas.ts. The view
 * functions at the end map service results onto them so both front ends print the same.
 */

/** A date range asked of the API covers at most this many days (a leap year). */
export const MAX_RANGE_DAYS = 366;

const Day = IsoDateSchema;

// ----- days and ranges -----------------------------------------------------------------------

export interface DayRange {
  from: IsoDate;
  to: IsoDate;
}

/** What is wrong with a range, naming the field; null when it is fine. */
export function rangeProblem(
  from: IsoDate,
  to: IsoDate,
  today?: IsoDate,
): { field: 'from' | 'to'; message: string } | null {
  if (today !== undefined && to > today)
    return { field: 'to', message: `must not be after today (${today})` };
  if (from > to) return { field: 'from', message: `must not be after to (${to})` };
  const days = daysBetween(from, to) + 1;
  if (days > MAX_RANGE_DAYS)
    return { field: 'to', message: `the range covers ${days} days; at most ${MAX_RANGE_DAYS}` };
  return null;
}

function refineRange(v: { from?: string; to?: string }, ctx: z.RefinementCtx): void {
  if (v.from === undefined || v.to === undefined) return;
  const p = rangeProblem(v.from, v.to);
  if (p) ctx.addIssue({ code: 'custom', path: [p.field], message: p.message });
}

export const HealthDayQuery = z
  .object({ day: Day.optional().describe('defaults to today; not after today') })
  .strict();

export const HealthRangeQuery = z
  .object({
    from: Day.optional(),
    to: Day.optional().describe('defaults to today; not after today'),
  })
  .strict()
  .superRefine(refineRange);

/**
 * A range with its defaults filled in: `to` is today, `from` is `back` days before `to`.
 * Problems name the field as `${prefix}from` / `${prefix}to` (querystring., body., --).
 */
export function resolveRange(
  q: { from?: IsoDate; to?: IsoDate },
  today: IsoDate,
  back: number,
  prefix: string,
): DayRange {
  const to = q.to ?? today;
  const from = q.from ?? addDays(to, -back);
  const p = rangeProblem(from, to, today);
  if (p) throw invalid(`${prefix}${p.field}`, p.message);
  return { from, to };
}

/** One day, not in the future. */
export function resolveDay(day: IsoDate | undefined, today: IsoDate, field: string): IsoDate {
  if (day !== undefined && day > today) throw invalid(field, `must not be after today (${today})`);
  return day ?? today;
}

// ----- scoring runs --------------------------------------------------------------------------

export const ScoreRunBody = z
  .object({
    day: Day.optional().describe('score one day; defaults to today'),
    from: Day.optional().describe('with to: score every day from this one'),
    to: Day.optional().describe('with from: the last day to score (inclusive)'),
  })
  .strict()
  .superRefine((v, ctx) => {
    const ranged = v.from !== undefined || v.to !== undefined;
    if (v.day !== undefined && ranged)
      ctx.addIssue({ code: 'custom', path: ['day'], message: 'give day or from and to, not both' });
    else if (ranged && (v.from === undefined || v.to === undefined))
      ctx.addIssue({
        code: 'custom',
        path: [v.from === undefined ? 'from' : 'to'],
        message: 'from and to go together',
      });
    else refineRange(v, ctx);
  })
  .meta({ id: 'HealthScoreRunRequest' });
export type ScoreRunInput = z.infer<typeof ScoreRunBody>;

/** The days a scoring request covers (one day unless from and to are given). */
export function scoreRange(
  v: ScoreRunInput,
  today: IsoDate,
  prefix: string,
  dayName = 'day',
): DayRange {
  if (v.from !== undefined && v.to !== undefined) return resolveRange(v, today, 0, prefix);
  const day = resolveDay(v.day, today, `${prefix}${dayName}`);
  return { from: day, to: day };
}

const ScoreDayOut = z.object({
  day: z.string(),
  scored: z.number().int(),
  byTier: z.record(z.string(), z.number().int()).describe('accounts per tier; "none" without data'),
});

export const ScoreRunOut = z
  .object({
    from: z.string(),
    to: z.string(),
    scored: z.number().int().describe('snapshots written over all days'),
    days: z.array(ScoreDayOut),
  })
  .meta({ id: 'HealthScoreRun' });
export type ScoreRunView = z.infer<typeof ScoreRunOut>;

// ----- an account's health -------------------------------------------------------------------

const ModelRef = z.object({ key: z.string(), version: z.number().int() });

const DimensionOut = z.object({
  key: z.string(),
  name: z.string(),
  weight: z.number().describe('percent of the composite in the model'),
  score: z.number().nullable().describe('0–10; null when none of its measures had data'),
  effectiveWeight: z.number().describe('share (0–1) of the composite after re-weighting'),
});

const MeasureScoreOut = z.object({
  measure: MeasureIdSchema,
  label: z.string(),
  unit: MeasureInfoOut.shape.unit,
  dimension: z.string(),
  value: z.number().nullable().describe('null: no data'),
  score: z.number().nullable().describe('the band score, 0–10'),
  weight: z.number().describe('relative weight inside its dimension'),
  effectiveWeight: z.number().describe('share (0–1) of the composite; 0 without data'),
  contributionTenths: z
    .number()
    .int()
    .describe('its part of compositeTenths; the parts add up exactly'),
});

export const AccountHealthOut = z
  .object({
    accountId: z.string(),
    day: z.string().describe('the day asked for'),
    scoredOn: z
      .string()
      .describe(
        'the snapshot shown: the day itself, or the latest before it for an account no longer scored',
      ),
    model: ModelRef,
    composite: z.number().nullable().describe('0–100, one decimal; null without any data'),
    compositeTenths: z.number().int().nullable(),
    tier: z.string().nullable(),
    coverage: z.number().describe("share (0–1) of the model's weight that had data"),
    dimensions: z.array(DimensionOut),
    measures: z.array(MeasureScoreOut),
  })
  .meta({ id: 'AccountHealth' });
export type AccountHealthView = z.infer<typeof AccountHealthOut>;

export const HealthTrendOut = z
  .object({
    accountId: z.string(),
    from: z.string(),
    to: z.string(),
    points: z.array(
      z.object({
        day: z.string(),
        composite: z.number().nullable(),
        tier: z.string().nullable(),
        coverage: z.number(),
        modelKey: z.string(),
        modelVersion: z.number().int(),
      }),
    ),
    versionChanges: z
      .array(z.object({ day: z.string(), from: z.string(), to: z.string() }))
      .describe('days whose snapshot used another model (version) than the point before'),
  })
  .meta({ id: 'HealthTrend' });
export type HealthTrendView = z.infer<typeof HealthTrendOut>;

const SideOut = z.object({
  day: z.string(),
  scoredOn: z.string(),
  model: ModelRef,
  composite: z.number().nullable(),
  tier: z.string().nullable(),
});

const MeasureDriverOut = z.object({
  kind: z.literal('measure'),
  measure: MeasureIdSchema,
  label: z.string(),
  dimension: z.string(),
  fromValue: z.number().nullable(),
  toValue: z.number().nullable(),
  fromScore: z
    .number()
    .nullable()
    .describe("the old value's band score, under the newer model when the model changed"),
  toScore: z.number().nullable(),
  contributionTenths: z.number().int(),
  contribution: z.number().describe('points, one decimal'),
});

const ModelDriverOut = z.object({
  kind: z.literal('model_version'),
  fromModel: ModelRef,
  toModel: ModelRef,
  contributionTenths: z.number().int().describe('what the model change alone did'),
  contribution: z.number(),
});

export const HealthDriversOut = z
  .object({
    accountId: z.string(),
    from: SideOut,
    to: SideOut,
    changeTenths: z.number().int().describe('a missing composite counts as 0'),
    change: z.number().describe('points, one decimal'),
    drivers: z
      .array(z.discriminatedUnion('kind', [MeasureDriverOut, ModelDriverOut]))
      .describe('largest first; their contributions add up to the change exactly'),
  })
  .meta({ id: 'HealthDrivers' });
export type HealthDriversView = z.infer<typeof HealthDriversOut>;

// ----- manual measures -----------------------------------------------------------------------

const manual = ManualMeasureCreate.shape;
export const AccountManualMeasureBody = z
  .object({
    measure: manual.measure,
    value: manual.value,
    note: manual.note,
    staleAfter: manual.staleAfter,
  })
  .strict()
  .meta({ id: 'AccountManualMeasureCreate' });

// ----- views ---------------------------------------------------------------------------------

export function scoreRunView(range: DayRange, runs: readonly ScoreRun[]): ScoreRunView {
  return {
    ...range,
    scored: runs.reduce((n, r) => n + r.scored, 0),
    days: runs.map((r) => ({ ...r })),
  };
}

const label = (id: MeasureId) => MEASURES[id].label;
const points = (tenths: number) => tenths / 10;

export function healthView(s: Snapshot, day: IsoDate): AccountHealthView {
  return {
    accountId: s.accountId,
    day,
    scoredOn: s.day,
    model: { key: s.modelKey, version: s.modelVersion },
    composite: s.score.composite,
    compositeTenths: s.score.compositeTenths,
    tier: s.score.tier,
    coverage: s.score.coverage,
    dimensions: s.score.dimensions.map((d) => ({ ...d })),
    measures: s.score.measures.map((m) => ({
      ...m,
      label: label(m.measure),
      unit: MEASURES[m.measure].unit,
    })),
  };
}

export const trendView = (
  accountId: string,
  range: DayRange,
  t: Pick<HealthTrendView, 'points' | 'versionChanges'>,
): HealthTrendView => ({ accountId, ...range, points: t.points, versionChanges: t.versionChanges });

export function driversView(
  accountId: string,
  range: DayRange,
  e: Explanation & { from: Snapshot; to: Snapshot },
): HealthDriversView {
  const side = (s: Snapshot, day: IsoDate) => ({
    day,
    scoredOn: s.day,
    model: { key: s.modelKey, version: s.modelVersion },
    composite: s.score.composite,
    tier: s.score.tier,
  });
  const from = side(e.from, range.from);
  const to = side(e.to, range.to);
  return {
    accountId,
    from,
    to,
    changeTenths: e.changeTenths,
    change: points(e.changeTenths),
    drivers: e.drivers.map((d) =>
      d.kind === 'measure'
        ? { ...d, label: label(d.measure), contribution: points(d.contributionTenths) }
        : {
            kind: d.kind,
            fromModel: from.model,
            toModel: to.model,
            contributionTenths: d.contributionTenths,
            contribution: points(d.contributionTenths),
          },
    ),
  };
}
