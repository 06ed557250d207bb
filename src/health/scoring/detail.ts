import type { HealthModelDef } from '../model/definition.js';
import type { HealthScore } from '../model/score.js';
import { MEASURE_IDS, type MeasureId, type MeasureValues } from '../measures/registry.js';

/**
 * What a snapshot keeps besides its columns: the values of its model's measures (JSON).
 * Scores, dimensions and contributions are recomputed from them with the model.
 */
interface Detail {
  values: Partial<Record<MeasureId, number | null>>;
}

export function detailOf(def: HealthModelDef, values: MeasureValues): string {
  const kept: Detail['values'] = {};
  for (const d of def.dimensions) for (const m of d.measures) kept[m.measure] = values[m.measure];
  return JSON.stringify({ values: kept } satisfies Detail);
}

export const NO_VALUES: MeasureValues = Object.fromEntries(
  MEASURE_IDS.map((id) => [id, null]),
) as Record<MeasureId, number | null>;

/** A snapshot's measure values; those it did not keep are missing. */
export function valuesOf(detail: string): MeasureValues {
  return { ...NO_VALUES, ...(JSON.parse(detail) as Detail).values };
}

/** The values a score was computed from. */
export function valuesFromScore(score: HealthScore): MeasureValues {
  const out: Record<MeasureId, number | null> = { ...NO_VALUES };
  for (const m of score.measures) out[m.measure] = m.value;
  return out;
}
