import type { MeasureId, MeasureValues } from '../measures/registry.js';
import type { HealthModelDef } from './definition.js';
import { scoreWith, type HealthScore } from './score.js';

/**
 * Why a score moved (C2): the change between two scorings split into parts that add up to it
 * exactly, one per measure, plus one for the model itself when the model changed in between.
 */

/** One scoring: the model it used (id and version as stored) and the values it saw. */
export interface Side {
  def: HealthModelDef;
  modelId: string;
  version: number;
  values: MeasureValues;
}

export interface MeasureDriver {
  kind: 'measure';
  measure: MeasureId;
  dimension: string;
  fromValue: number | null;
  toValue: number | null;
  /** The measure's band score before, under the newer model (see explainChange). */
  fromScore: number | null;
  toScore: number | null;
  contributionTenths: number;
}

export interface ModelVersionDriver {
  kind: 'model_version';
  fromVersion: number;
  toVersion: number;
  contributionTenths: number;
}

export type Driver = MeasureDriver | ModelVersionDriver;

export interface Explanation {
  fromTenths: number | null;
  toTenths: number | null;
  /** toTenths − fromTenths, counting a missing score as 0. */
  changeTenths: number;
  /** Largest first; their contributions add up to changeTenths exactly. */
  drivers: Driver[];
}

/** The same model (id and version) on both sides: the change is all down to the values. */
export const sameModel = (a: Side, b: Side): boolean =>
  a.modelId === b.modelId && a.version === b.version;

/**
 * Splits the change from `from` to `to` into drivers.
 *
 * With one model, a measure's driver is its contribution after minus before. When the model
 * changed (another model, or another version of it), the old values are first rescored under
 * the new model: the model_version driver is that rescore minus the old score (what the model
 * change alone did), and the measure drivers compare the rescore with the new score, so their
 * fromScore is the old value's band score under the new model.
 *
 * A missing composite (no data at all) counts as 0 here: the arithmetic must close, and an
 * account going from no data to 62 did gain all 62 points from its measures.
 */
export function explainChange(from: Side, to: Side): Explanation {
  const before = scoreWith(from.def, from.values);
  const after = scoreWith(to.def, to.values);
  const drivers: Driver[] = [];

  let base: HealthScore = before;
  if (!sameModel(from, to)) {
    base = scoreWith(to.def, from.values);
    drivers.push({
      kind: 'model_version',
      fromVersion: from.version,
      toVersion: to.version,
      contributionTenths: tenths(base) - tenths(before),
    });
  }

  after.measures.forEach((m, i) => {
    // `base` and `after` score with the same definition, so their measures line up by index.
    const b = base.measures[i]!;
    const contributionTenths = m.contributionTenths - b.contributionTenths;
    if (contributionTenths === 0 && m.score === b.score) return;
    drivers.push({
      kind: 'measure',
      measure: m.measure,
      dimension: m.dimension,
      fromValue: b.value,
      toValue: m.value,
      fromScore: b.score,
      toScore: m.score,
      contributionTenths,
    });
  });

  // Stable sort: equal sizes keep the model change first, then the model's own order.
  drivers.sort((a, b) => Math.abs(b.contributionTenths) - Math.abs(a.contributionTenths));
  return {
    fromTenths: before.compositeTenths,
    toTenths: after.compositeTenths,
    changeTenths: tenths(after) - tenths(before),
    drivers,
  };
}

const tenths = (s: HealthScore): number => s.compositeTenths ?? 0;
