import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { STAGES, normaliseSegment, type Stage } from '../../accounts/account/model.js';
import { MEASURES, MEASURE_IDS, isMeasureId, type MeasureId } from '../measures/registry.js';

/**
 * A health model as data (C1): dimensions of measures, each measure scored 0–10 by value
 * bands, dimensions weighted in percent, and tiers over the 0–100 composite. The shape is
 * what an admin writes in YAML or JSON; parseModelDefinition is the only way in.
 */

export const TIER_COLORS = ['green', 'yellow', 'orange', 'red'] as const;
export type TierColor = (typeof TIER_COLORS)[number];

/** Values in [min, max) score `score`; a missing bound is unbounded on that side. */
export interface ScoreBand {
  min?: number;
  max?: number;
  score: number;
}

export interface ModelMeasure {
  measure: MeasureId;
  /** Relative weight inside its dimension; 1 when left out. */
  weight?: number;
  bands: ScoreBand[];
}

export interface ModelDimension {
  key: string;
  name: string;
  /** Percent of the composite; the dimensions of a model add up to 100. */
  weight: number;
  measures: ModelMeasure[];
}

/** A composite at or above `min` (and below the tier before it) is in this tier. */
export interface ModelTier {
  name: string;
  min: number;
  color?: TierColor;
}

/** Which accounts a model is meant for; a missing list matches every value. */
export interface ModelScope {
  segments?: string[];
  stages?: Stage[];
}

export interface HealthModelDef {
  key: string;
  name: string;
  description?: string;
  appliesTo?: ModelScope;
  dimensions: ModelDimension[];
  tiers: ModelTier[];
}

export interface ModelIssue {
  path: string;
  message: string;
}

export const DEFAULT_MEASURE_WEIGHT = 1;
const WEIGHT_TOLERANCE = 1e-9;

const Key = z
  .string()
  .max(64)
  .regex(/^[a-z0-9]+(?:[-_][a-z0-9]+)*$/, 'use lower-case letters, digits, - and _');
const Name = z.string().max(100).regex(/\S/, 'must not be blank');
const MeasureIdSchema = z.enum(MEASURE_IDS, {
  error: (iss) => `unknown measure ${JSON.stringify(iss.input) ?? ''}`.trim(),
});

export const ScoreBandSchema = z.strictObject({
  min: z.number().optional(),
  max: z.number().optional(),
  score: z.number().min(0, 'must be 0 to 10').max(10, 'must be 0 to 10'),
});

export const ModelMeasureSchema = z.strictObject({
  measure: MeasureIdSchema,
  weight: z.number().positive('must be above 0').optional(),
  bands: z.array(ScoreBandSchema).min(1, 'add at least one band'),
});

export const ModelDimensionSchema = z.strictObject({
  key: Key,
  name: Name,
  weight: z.number().positive('must be above 0').max(100, 'must be at most 100'),
  measures: z.array(ModelMeasureSchema).min(1, 'add at least one measure'),
});

export const ModelTierSchema = z.strictObject({
  name: Name,
  min: z.number().min(0, 'must be 0 to 100').max(100, 'must be 0 to 100'),
  color: z.enum(TIER_COLORS).optional(),
});

export const HealthModelSchema = z.strictObject({
  key: Key,
  name: Name,
  description: z.string().max(2000).optional(),
  appliesTo: z
    .strictObject({
      segments: z
        .array(z.string().min(1).max(64))
        .min(1, 'leave out to apply to every segment')
        .optional(),
      stages: z
        .array(z.enum(STAGES, { error: `unknown stage; one of ${STAGES.join(', ')}` }))
        .min(1, 'leave out to apply to every stage')
        .optional(),
    })
    .optional(),
  dimensions: z.array(ModelDimensionSchema).min(1, 'add at least one dimension'),
  tiers: z.array(ModelTierSchema).min(1, 'add at least one tier'),
});

// The interfaces above are the documented API; this keeps the schema from drifting away.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _schemaMatchesTypes: Same<z.infer<typeof HealthModelSchema>, HealthModelDef> = true;

/** Every problem with a model definition, each at its path; empty when it is valid. */
export function checkModelDefinition(input: unknown): ModelIssue[] {
  const parsed = HealthModelSchema.safeParse(input, { reportInput: true });
  const shape = parsed.success ? [] : parsed.error.issues.flatMap(fromZod);
  return [...shape, ...semanticIssues(input)];
}

/** The definition, checked; throws a validation AppError listing every problem. */
export function parseModelDefinition(input: unknown): HealthModelDef {
  const issues = checkModelDefinition(input);
  if (issues.length > 0) throw modelInvalid(issues);
  // A JSON copy drops undefined-valued keys and -0, so a parsed model survives a trip
  // through JSON or YAML unchanged (the stored form is JSON text).
  return JSON.parse(JSON.stringify(HealthModelSchema.parse(input))) as HealthModelDef;
}

export function modelInvalid(issues: readonly ModelIssue[]): AppError {
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new AppError('validation', `${first.path}: ${first.message}${more}`, {
    issues: [...issues],
  });
}

/** ['dimensions', 1, 'bands'] → "dimensions[1].bands"; the root is "model". */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out === '' ? 'model' : out;
}

function fromZod(issue: z.core.$ZodIssue): ModelIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => ({
      path: formatPath([...issue.path, k]),
      message: 'unknown field',
    }));
  }
  const missing = issue.code === 'invalid_type' && issue.input === undefined;
  return [{ path: formatPath(issue.path), message: missing ? 'required' : issue.message }];
}

// ----- checks across fields ----------------------------------------------------------------
// They read the raw input and look only at the parts that have the right shape, so a typo in
// one band does not hide an overlap in another (the shape problems are reported by zod).

type Raw = Record<string, unknown>;

const asRecord = (v: unknown): Raw | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Raw) : null;
const listAt = (v: unknown, key: string): unknown[] => {
  const x = asRecord(v)?.[key];
  return Array.isArray(x) ? x : [];
};
const numberAt = (v: unknown, key: string): number | null => {
  const x = asRecord(v)?.[key];
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
};
const stringAt = (v: unknown, key: string): string | null => {
  const x = asRecord(v)?.[key];
  return typeof x === 'string' ? x : null;
};

function semanticIssues(input: unknown): ModelIssue[] {
  const out: ModelIssue[] = [];
  const dims = listAt(input, 'dimensions');

  const weights = dims.map((d) => numberAt(d, 'weight'));
  if (dims.length > 0 && weights.every((w) => w !== null)) {
    const sum = weights.reduce((a: number, w) => a + w!, 0);
    if (Math.abs(sum - 100) > WEIGHT_TOLERANCE)
      out.push({ path: 'dimensions', message: `weights add up to ${sum}, not 100` });
  }
  out.push(...duplicates(dims, 'key', (i) => `dimensions[${i}].key`));
  out.push(...duplicates(dims, 'name', (i) => `dimensions[${i}].name`));

  const usedAt = new Map<string, string>();
  dims.forEach((d, i) => {
    listAt(d, 'measures').forEach((m, j) => {
      const at = `dimensions[${i}].measures[${j}]`;
      const id = stringAt(m, 'measure');
      if (id === null || !isMeasureId(id)) return;
      const earlier = usedAt.get(id);
      if (earlier) out.push({ path: `${at}.measure`, message: `${id} is already in ${earlier}` });
      else usedAt.set(id, at);
      const bands = z.array(ScoreBandSchema).safeParse(asRecord(m)?.bands);
      if (bands.success) out.push(...bandIssues(bands.data, id, `${at}.bands`));
    });
  });

  out.push(...tierIssues(listAt(input, 'tiers')));
  out.push(...scopeIssues(asRecord(input)?.appliesTo));
  return out;
}

function duplicates(items: unknown[], key: string, at: (i: number) => string): ModelIssue[] {
  const out: ModelIssue[] = [];
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const v = stringAt(item, key);
    if (v === null) return;
    // Names differing only in case read as the same thing on a dashboard.
    const k = key === 'name' ? v.trim().toLowerCase() : v;
    const first = seen.get(k);
    if (first === undefined) seen.set(k, i);
    else out.push({ path: at(i), message: `same ${key} as ${at(first)}` });
  });
  return out;
}

const lo = (b: ScoreBand) => b.min ?? -Infinity;
const hi = (b: ScoreBand) => b.max ?? Infinity;

/** Bands must tile the whole number line (every value scores) and never reward a worse value. */
function bandIssues(bands: readonly ScoreBand[], id: MeasureId, at: string): ModelIssue[] {
  const out: ModelIssue[] = [];
  const order: number[] = [];
  bands.forEach((b, k) => {
    if (lo(b) < hi(b)) order.push(k);
    else out.push({ path: `${at}[${k}].max`, message: `must be above min (${b.min})` });
  });
  if (order.length === 0) return out;
  order.sort((a, b) => lo(bands[a]!) - lo(bands[b]!) || hi(bands[a]!) - hi(bands[b]!) || a - b);

  const first = order[0]!;
  if (lo(bands[first]!) > -Infinity) {
    out.push({
      path: `${at}[${first}].min`,
      message: `values below ${bands[first]!.min} fall in no band; leave min out of the lowest band`,
    });
  }
  let reach = first; // the band reaching furthest up so far
  let overlap = false;
  for (const k of order.slice(1)) {
    const top = hi(bands[reach]!);
    const start = lo(bands[k]!);
    if (top > start) {
      overlap = true;
      out.push({ path: `${at}[${k}].min`, message: `overlaps ${at}[${reach}]` });
    } else if (top < start) {
      out.push({
        path: `${at}[${k}].min`,
        message: `values from ${top} to ${start} fall in no band`,
      });
    }
    if (hi(bands[k]!) > top) reach = k;
  }
  if (hi(bands[reach]!) < Infinity) {
    out.push({
      path: `${at}[${reach}].max`,
      message: `values from ${bands[reach]!.max} up fall in no band; leave max out of the highest band`,
    });
  }
  // With overlapping bands the order of scores means little; the overlap is the problem.
  if (overlap) return out;

  const up = MEASURES[id].higherIsBetter;
  for (let i = 1; i < order.length; i++) {
    const prev = bands[order[i - 1]!]!;
    const k = order[i]!;
    const worse = up ? bands[k]!.score < prev.score : bands[k]!.score > prev.score;
    if (worse) {
      out.push({
        path: `${at}[${k}].score`,
        message: up
          ? `a higher ${id} is healthier, so its score must not fall below ${prev.score} as the value rises`
          : `a lower ${id} is healthier, so its score must not rise above ${prev.score} as the value rises`,
      });
    }
  }
  return out;
}

function tierIssues(tiers: unknown[]): ModelIssue[] {
  const out = duplicates(tiers, 'name', (i) => `tiers[${i}].name`);
  const mins = tiers.map((t) => numberAt(t, 'min'));
  mins.forEach((m, i) => {
    const prev = i > 0 ? mins[i - 1] : null;
    if (m !== null && prev !== null && prev !== undefined && m >= prev) {
      out.push({
        path: `tiers[${i}].min`,
        message: `must be below ${prev}, the min of the tier before; list tiers from best to worst`,
      });
    }
  });
  const last = mins.length - 1;
  if (last >= 0 && mins[last] !== null && mins[last] !== 0) {
    out.push({
      path: `tiers[${last}].min`,
      message: 'the lowest tier must start at 0 so every score has a tier',
    });
  }
  return out;
}

function scopeIssues(scope: unknown): ModelIssue[] {
  const out: ModelIssue[] = [];
  const segments = listAt(scope, 'segments');
  const seen = new Set<unknown>();
  segments.forEach((s, i) => {
    const at = `appliesTo.segments[${i}]`;
    if (seen.has(s)) out.push({ path: at, message: 'listed twice' });
    seen.add(s);
    if (typeof s === 'string' && s !== '' && normaliseSegment(s) !== s)
      out.push({ path: at, message: `use the segment key ${normaliseSegment(s)}` });
  });
  const stages = new Set<unknown>();
  listAt(scope, 'stages').forEach((s, i) => {
    if (stages.has(s)) out.push({ path: `appliesTo.stages[${i}]`, message: 'listed twice' });
    stages.add(s);
  });
  return out;
}
