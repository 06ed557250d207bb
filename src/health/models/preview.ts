import type { Ctx } from '../../core/context.js';
import { toIsoDate } from '../../core/clock.js';
import {
  checkModelDefinition,
  parseModelDefinition,
  type ModelIssue,
} from '../model/definition.js';
import type { HealthModelDef } from '../model/definition.js';
import { pickModel } from '../model/pick.js';
import { scoreWith } from '../model/score.js';
import type { MeasureId, MeasureValues } from '../measures/registry.js';
import { NO_VALUES } from '../scoring/detail.js';
import { listModels } from './service.js';
import * as store from './store.js';

/**
 * What saving a draft model would do, before it is saved: the same validation the save runs,
 * then every live account's latest snapshot values rescored with the models that would be
 * active after the save, against the models active now. In memory; nothing is written.
 */

export interface TierChange {
  /** Null: no score (no measure of the model had data). */
  from: string | null;
  to: string | null;
  count: number;
}

export type ModelPreview =
  | { valid: false; problems: ModelIssue[] }
  | {
      valid: true;
      /** Whether the draft would score accounts once saved (its key's flag, or `activate`). */
      active: boolean;
      /** Live accounts with a snapshot: the ones compared. */
      accounts: number;
      /** Of which the draft would score (it is the model picked for them). */
      scoredByDraft: number;
      /** Accounts whose tier would change. */
      moved: number;
      /** From → to, the most accounts first. */
      changes: TierChange[];
      /** Accounts per tier now and after, in the draft's tier order, then any other tier. */
      tiers: { tier: string | null; before: number; after: number }[];
      /** Measures of the draft the snapshots did not keep: counted as no data here. */
      unrecorded: MeasureId[];
    };

interface Candidate {
  key: string;
  def: HealthModelDef;
}

export async function previewModel(
  ctx: Ctx,
  input: unknown,
  opts: { activate?: boolean } = {},
): Promise<ModelPreview> {
  ctx.can('read', 'health_model');
  const problems = checkModelDefinition(input);
  if (problems.length > 0) return { valid: false, problems };
  const def = parseModelDefinition(input);

  const latest = await listModels(ctx);
  const existing = latest.find((m) => m.key === def.key);
  const active = opts.activate ?? (existing ? existing.active : true);
  const now: Candidate[] = latest.filter((m) => m.active);
  const draft: Candidate = { key: def.key, def };
  const next = [...now.filter((m) => m.key !== def.key), ...(active ? [draft] : [])];
  // The save refuses to leave an account without a model; say so now, at the field.
  if (!next.some((m) => !m.def.appliesTo))
    return {
      valid: false,
      problems: [
        {
          path: def.appliesTo ? 'appliesTo' : 'activate',
          message: `this would leave no active health model for every account (${def.key}); activate one first`,
        },
      ],
    };

  const rows = await store.latestSnapshotValues(ctx.db, toIsoDate(ctx.now()));
  const recorded = new Set<string>();
  const pairs = new Map<string, TierChange>();
  const before = new Map<string | null, number>();
  const after = new Map<string | null, number>();
  const bump = (m: Map<string | null, number>, k: string | null) => m.set(k, (m.get(k) ?? 0) + 1);
  let scoredByDraft = 0;
  let moved = 0;
  for (const r of rows) {
    const kept = (JSON.parse(r.detail) as { values: Partial<Record<MeasureId, number | null>> })
      .values;
    for (const k of Object.keys(kept)) recorded.add(k);
    const values: MeasureValues = { ...NO_VALUES, ...kept };
    const a = pickModel(now, r);
    const b = pickModel(next, r);
    const from = a ? scoreWith(a.def, values).tier : null;
    const to = b === a ? from : b ? scoreWith(b.def, values).tier : null;
    if (b === draft) scoredByDraft++;
    bump(before, from);
    bump(after, to);
    if (from === to) continue;
    moved++;
    const key = JSON.stringify([from, to]);
    const c = pairs.get(key) ?? { from, to, count: 0 };
    c.count++;
    pairs.set(key, c);
  }

  const order = [...def.tiers.map((t) => t.name as string | null)];
  for (const k of [...before.keys(), ...after.keys()]) if (!order.includes(k)) order.push(k);
  const measures = def.dimensions.flatMap((d) => d.measures.map((m) => m.measure));
  return {
    valid: true,
    active,
    accounts: rows.length,
    scoredByDraft,
    moved,
    changes: [...pairs.values()].sort(
      (x, y) => y.count - x.count || order.indexOf(x.from) - order.indexOf(y.from),
    ),
    tiers: order
      .map((tier) => ({ tier, before: before.get(tier) ?? 0, after: after.get(tier) ?? 0 }))
      .filter((t) => t.before > 0 || t.after > 0 || def.tiers.some((d) => d.name === t.tier)),
    unrecorded: rows.length === 0 ? [] : measures.filter((m) => !recorded.has(m)),
  };
}
