import { MEASURE_IDS, type MeasureId, type MeasureValues } from '../measures/registry.js';

/** Measure values with only the given ones present; the rest have no data. */
export function valuesOf(present: Partial<Record<MeasureId, number>>): MeasureValues {
  const out = {} as Record<MeasureId, number | null>;
  for (const id of MEASURE_IDS) out[id] = present[id] ?? null;
  return out;
}
