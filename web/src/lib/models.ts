import type { Schemas } from '../api/client';

/**
 * Health models in the browser: the editable draft, its conversion to the definition the
 * server validates, and readable words for bands, scopes and problem paths. Pure.
 */

export type ModelVersion = Schemas['HealthModelVersion'];
export type ModelDef = ModelVersion['definition'];
export type ModelDimension = ModelDef['dimensions'][number];
export type ModelMeasure = ModelDimension['measures'][number];
export type ModelBand = ModelMeasure['bands'][number];
export type ModelTier = ModelDef['tiers'][number];
export type MeasureId = ModelMeasure['measure'];
export type TierColor = NonNullable<ModelTier['color']>;
export type MeasureInfo = Schemas['HealthMeasure'];
export type Preview = Schemas['HealthModelPreview'];
export type Problem = { path: string; message: string };

export const TIER_COLORS: readonly TierColor[] = ['green', 'yellow', 'orange', 'red'];

/** What a form field holds: a number, or nothing yet (the server names what is missing). */
export type Num = number | null;

export interface DraftBand {
  min: Num;
  max: Num;
  score: Num;
}
export interface DraftMeasure {
  measure: MeasureId;
  weight: Num;
  bands: DraftBand[];
}
export interface DraftDimension {
  key: string;
  /**
   * Set when added in this draft: a stable id for the form (its key follows its name until
   * saved, then stays put). Never a valid key, so it cannot clash with one.
   */
  fresh?: string;
  name: string;
  weight: Num;
  measures: DraftMeasure[];
}
export interface DraftTier {
  name: string;
  min: Num;
  color: TierColor | null;
}
export interface Draft {
  key: string;
  name: string;
  description: string;
  appliesTo: ModelDef['appliesTo'];
  dimensions: DraftDimension[];
  tiers: DraftTier[];
}

export function draftOf(def: ModelDef): Draft {
  return {
    key: def.key,
    name: def.name,
    description: def.description ?? '',
    appliesTo: def.appliesTo,
    dimensions: def.dimensions.map((d) => ({
      key: d.key,
      name: d.name,
      weight: d.weight,
      measures: d.measures.map((m) => ({
        measure: m.measure,
        weight: m.weight ?? null,
        bands: m.bands.map((b) => ({ min: b.min ?? null, max: b.max ?? null, score: b.score })),
      })),
    })),
    tiers: def.tiers.map((t) => ({ name: t.name, min: t.min, color: t.color ?? null })),
  };
}

/**
 * The definition the server checks. An empty band bound is no bound and an empty measure
 * weight the default; any other empty number goes as null, so the server names it.
 */
export function definitionOf(d: Draft): Record<string, unknown> {
  return {
    key: d.key,
    name: d.name,
    ...(d.description.trim() ? { description: d.description } : {}),
    ...(d.appliesTo ? { appliesTo: d.appliesTo } : {}),
    dimensions: d.dimensions.map((x) => ({
      key: x.key,
      name: x.name,
      weight: x.weight,
      measures: x.measures.map((m) => ({
        measure: m.measure,
        ...(m.weight === null ? {} : { weight: m.weight }),
        bands: m.bands.map((b) => ({
          ...(b.min === null ? {} : { min: b.min }),
          ...(b.max === null ? {} : { max: b.max }),
          score: b.score,
        })),
      })),
    })),
    tiers: d.tiers.map((t) => ({
      name: t.name,
      min: t.min,
      ...(t.color ? { color: t.color } : {}),
    })),
  };
}

/** Mantine's NumberInput gives '' while empty and a string while half typed ("-", "0."). */
export function numOf(v: number | string): Num {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  const n = Number(v);
  return v.trim() === '' || !Number.isFinite(n) ? null : n;
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toFixed(4))));

/** "0.2 to under 0.4", "under 0.2", "0.8 and up", "any value". */
export function bandRange(b: { min?: number | null; max?: number | null }): string {
  const lo = b.min ?? null;
  const hi = b.max ?? null;
  if (lo === null && hi === null) return 'any value';
  if (lo === null) return `under ${fmt(hi!)}`;
  if (hi === null) return `${fmt(lo)} and up`;
  return `${fmt(lo)} to under ${fmt(hi)}`;
}

/** Who a model is for, in words. */
export function scopeText(scope: ModelDef['appliesTo']): string {
  const parts: string[] = [];
  if (scope?.segments) parts.push(`segments ${scope.segments.join(', ')}`);
  if (scope?.stages)
    parts.push(`stages ${scope.stages.map((s) => s.replace('_', ' ')).join(', ')}`);
  return parts.length ? parts.join('; ') : 'Every account';
}

/** Each measure's share (0–100) of the composite when every measure has data. */
export function measureShares(def: ModelDef): Map<MeasureId, number> {
  const total = def.dimensions.reduce((s, d) => s + d.weight, 0) || 1;
  const out = new Map<MeasureId, number>();
  for (const d of def.dimensions) {
    const inner = d.measures.reduce((s, m) => s + (m.weight ?? 1), 0) || 1;
    for (const m of d.measures)
      out.set(m.measure, (100 * d.weight * (m.weight ?? 1)) / (total * inner));
  }
  return out;
}

export function sumWeights(d: Draft): number {
  return d.dimensions.reduce((s, x) => s + (x.weight ?? 0), 0);
}

const PATH = /dimensions\[\d+\](?:\.measures\[\d+\](?:\.bands\[\d+\])?)?/g;

/**
 * A problem's path in words: "dimensions[0].measures[1].bands[2].min" →
 * "Product › Feature breadth › band 3 › from". Unknown parts stay as they are.
 */
export function pathLabel(
  path: string,
  draft: Draft,
  labelOf: (id: string) => string = (id) => id,
): string {
  const words: string[] = [];
  let dim: DraftDimension | undefined;
  let tier = false;
  for (const part of path.split('.')) {
    const m = /^(\w+)(?:\[(\d+)\])?$/.exec(part);
    const [name, index] = m ? [m[1]!, m[2] === undefined ? null : Number(m[2])] : [part, null];
    if (name === 'dimensions' && index !== null) {
      dim = draft.dimensions[index];
      words.push(dim?.name || `dimension ${index + 1}`);
    } else if (name === 'dimensions') words.push('dimension weights');
    else if (name === 'measures' && index !== null) {
      const id = dim?.measures[index]?.measure;
      words.push(id ? labelOf(id) : `measure ${index + 1}`);
    } else if (name === 'bands' && index !== null) words.push(`band ${index + 1}`);
    else if (name === 'tiers' && index !== null) {
      tier = true;
      words.push(`tier ${draft.tiers[index]?.name || index + 1}`);
    } else if (name === 'min') words.push(tier ? 'starts at' : 'from');
    else if (name === 'max') words.push('below');
    else if (name === 'model') words.push('model');
    else words.push(index === null ? name : `${name} ${index + 1}`);
  }
  return words.join(' › ');
}

/** The message with any path it mentions put into words as well. */
export function messageLabel(
  message: string,
  draft: Draft,
  labelOf?: (id: string) => string,
): string {
  // An emptied number field goes as null; the schema's words for that read like a bug.
  if (/expected number, received null/.test(message)) return 'enter a number';
  return message.replace(PATH, (p) => pathLabel(p, draft, labelOf));
}

/** Problems by path, for the field that shows each. */
export function problemsByPath(problems: readonly Problem[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of problems) out.set(p.path, [...(out.get(p.path) ?? []), p.message]);
  return out;
}

/** Problems at or under a path ("dimensions[0].measures[1]" holds its bands' problems). */
export function problemsUnder(problems: readonly Problem[], prefix: string): number {
  return problems.filter(
    (p) => p.path === prefix || p.path.startsWith(`${prefix}.`) || p.path.startsWith(`${prefix}[`),
  ).length;
}

/** A key the server accepts ("Product adoption" → "product-adoption"), unique among `taken`. */
export function keyFor(name: string, taken: ReadonlySet<string>, fallback = 'dimension'): string {
  const base =
    name
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 56)
      .replace(/-+$/, '') || fallback;
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Rename a dimension; one added in this draft takes a key from its new name. */
export function renameDimension(d: Draft, i: number, name: string): void {
  const dim = d.dimensions[i]!;
  dim.name = name;
  if (!dim.fresh) return;
  const taken = new Set(d.dimensions.filter((_, k) => k !== i).map((x) => x.key));
  dim.key = keyFor(name, taken);
}

let added = 0;

/** A new empty dimension at the end; the server asks for its weight and measures. */
export function addDimension(d: Draft): void {
  const taken = new Set(d.dimensions.map((x) => x.key));
  const fresh = `new:${++added}`;
  d.dimensions.push({ key: keyFor('', taken), fresh, name: '', weight: null, measures: [] });
}
