import { addDays } from '../../core/clock.js';
import { makeCtx, type Ctx } from '../../core/context.js';
import type { Db, Dialect } from '../../db/database.js';
import type { TestDb } from '../../db/testing.js';
import { allowed } from '../../identity/permissions.js';
import type { Role } from '../../identity/model.js';

/** Test fixtures for alerts: snapshots and usage written straight into their tables. */

/** A daily snapshot of the three-pillar preset (v1), as scoring would store it. */
export async function snapshot(
  db: Db,
  accountId: string,
  day: string,
  composite: number | null,
  tier: string | null,
): Promise<void> {
  await db
    .insertInto('health_snapshots')
    .values({
      account_id: accountId,
      day,
      model_id: 'hmd_test',
      model_key: 'three-pillars',
      model_version: 1,
      composite_tenths: composite === null ? null : Math.round(composite * 10),
      tier,
      coverage: 1,
      detail: '{"values":{}}',
      computed_at: `${day}T23:00:00.000Z`,
    })
    .execute();
}

/** The same tier every day from `from` to `to`. */
export async function snapshots(
  db: Db,
  accountId: string,
  from: string,
  to: string,
  composite: number,
  tier: string,
): Promise<void> {
  for (let d = from; d <= to; d = addDays(d, 1)) await snapshot(db, accountId, d, composite, tier);
}

/** `users` distinct active users on each of the days. */
export async function activeUsers(
  db: Db,
  accountId: string,
  days: readonly string[],
  users: number,
): Promise<void> {
  const rows = days.flatMap((day) =>
    Array.from({ length: users }, (_, u) => ({
      account_id: accountId,
      day,
      user_key: `u${u}`,
      events: 3,
      session_seconds: 0,
      first_at: `${day}T09:00:00.000Z`,
      last_at: `${day}T10:00:00.000Z`,
    })),
  );
  for (let i = 0; i < rows.length; i += 300)
    await db
      .insertInto('usage_daily_user')
      .values(rows.slice(i, i + 300))
      .execute();
}

/** A ctx acting as a signed-in user of `role` at a fixed moment. */
export function userCtx(
  db: TestDb,
  userId: string,
  role: Role,
  nowIso: string,
  team: readonly string[] = [],
): Ctx {
  return makeCtx(db.db, db.dialect, {
    actor: { kind: 'user', id: userId, name: `${role}@example.com` },
    now: () => new Date(nowIso),
    access: (action, resource, target) => allowed({ role, userId, team }, action, resource, target),
  });
}

/** A ctx whose database counts the statements run through it. */
export function countingCtx(
  db: Db,
  dialect: Dialect,
  nowIso: string,
): { ctx: Ctx; count: () => number; reset: () => void } {
  let n = 0;
  const counted = db.withPlugin({
    transformQuery: (args) => {
      n += 1;
      return args.node;
    },
    transformResult: async (args) => args.result,
  });
  const ctx = makeCtx(counted, dialect, { now: () => new Date(nowIso) });
  return { ctx, count: () => n, reset: () => void (n = 0) };
}
