import type { HealthModelDef } from './definition.js';

/**
 * Which model scores an account (C1: per-segment and per-lifecycle-stage models). A model
 * applies when each list it has (segments, stages) contains the account's value; a missing
 * list matches everything.
 */

export function modelApplies(
  def: HealthModelDef,
  account: { segment: string; stage: string },
): boolean {
  const { segments, stages } = def.appliesTo ?? {};
  return (
    (segments === undefined || segments.includes(account.segment)) &&
    (stages === undefined || (stages as readonly string[]).includes(account.stage))
  );
}

/**
 * How targeted a model is: segment and stage (3) over segment only (2) over stage only (1)
 * over everyone (0). Segment ranks above stage because a segment is what an account is,
 * a stage only where it is for now.
 */
export function specificity(def: HealthModelDef): number {
  const { segments, stages } = def.appliesTo ?? {};
  return (segments ? 2 : 0) + (stages ? 1 : 0);
}

/** How many segments and stages a model lists; fewer is narrower. */
const breadth = (def: HealthModelDef): number =>
  (def.appliesTo?.segments?.length ?? 0) + (def.appliesTo?.stages?.length ?? 0);

/**
 * The most specific model that applies to the account, or null when none does.
 *
 * Ties are broken, in order, by: the narrower model (fewer segments and stages listed), then
 * the model key in code-point order, then the earlier position in `models`. The result never
 * depends on the order of `models` unless two candidates share specificity, breadth and key.
 */
export function pickModel<T extends { def: HealthModelDef }>(
  models: readonly T[],
  account: { segment: string; stage: string },
): T | null {
  let best: T | null = null;
  for (const m of models) {
    if (!modelApplies(m.def, account)) continue;
    if (best === null || beats(m.def, best.def)) best = m;
  }
  return best;
}

function beats(a: HealthModelDef, b: HealthModelDef): boolean {
  const bySpecificity = specificity(a) - specificity(b);
  if (bySpecificity !== 0) return bySpecificity > 0;
  const byBreadth = breadth(a) - breadth(b);
  if (byBreadth !== 0) return byBreadth < 0;
  return a.key < b.key;
}
