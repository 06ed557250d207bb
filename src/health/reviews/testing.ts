import { addDays, type IsoDate } from '../../core/clock.js';
import type { DbHandle } from '../../db/database.js';

/** Test helpers: health snapshots written directly, so a test sets tiers day by day. */

export interface SnapshotSpec {
  day: IsoDate;
  tier: string | null;
  modelKey?: string;
  modelVersion?: number;
}

/** `days` consecutive days in one tier, from `from`. */
export function tierRun(from: IsoDate, days: number, tier: string | null): SnapshotSpec[] {
  return Array.from({ length: days }, (_, i) => ({ day: addDays(from, i), tier }));
}

export async function insertSnapshots(
  db: DbHandle,
  accountId: string,
  specs: readonly SnapshotSpec[],
): Promise<void> {
  const rows = specs.map((s) => ({
    account_id: accountId,
    day: s.day,
    model_id: 'hmd_test',
    model_key: s.modelKey ?? 'three-pillars',
    model_version: s.modelVersion ?? 1,
    composite_tenths: s.tier === null ? null : 500,
    tier: s.tier,
    coverage: 1,
    detail: '{"values":{}}',
    computed_at: `${s.day}T23:00:00.000Z`,
  }));
  for (let i = 0; i < rows.length; i += 300)
    await db.db
      .insertInto('health_snapshots')
      .values(rows.slice(i, i + 300))
      .execute();
}
