import { SYSTEM, type Ctx } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { ALLOW_ALL } from '../core/access.js';
import { inTx, type Executor } from '../db/database.js';
import { mapped } from '../db/errors.js';
import * as store from './store.js';
import { createUser } from './service.js';
import { startSession, type SessionPolicy, type StartedSession } from './sessions.js';
import type { User } from './model.js';

/**
 * Only a brand-new installation needs setup: no admin was ever made (archived ones count)
 * and setup never completed. So the public page cannot come back later.
 */
export async function setupNeeded(db: Executor): Promise<boolean> {
  const admin = await db
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'admin')
    .executeTakeFirst();
  if (admin) return false;
  const done = await db
    .selectFrom('settings')
    .select('key')
    .where('key', '=', 'setup.completed')
    .executeTakeFirst();
  return !done;
}

/**
 * First run: while no admin exists, anyone who reaches the server may create the first
 * one (as with every self-hosted tool); afterwards this answers 404 as if it never existed.
 * The settings row `setup.completed` makes two racing requests create one admin, not two.
 */
export async function firstAdmin(
  ctx: Ctx,
  input: { email: string; name: string; password: string },
  userAgent: string | null,
  sessions: SessionPolicy,
): Promise<StartedSession & { user: User }> {
  const gone = () => new AppError('not_found', 'setup is complete; sign in instead');
  if (!(await setupNeeded(ctx.db))) throw gone();
  return mapped(() =>
    inTx(ctx.db, async (trx) => {
      if (!(await setupNeeded(trx))) throw gone();
      const system: Ctx = { ...ctx, db: trx, actor: SYSTEM, may: ALLOW_ALL, can: () => undefined };
      const user = await createUser(system, { ...input, role: 'admin' });
      await trx
        .insertInto('settings')
        .values({
          key: 'setup.completed',
          value: JSON.stringify(user.id),
          updated_at: ctx.now().toISOString(),
        })
        .execute();
      const row = await store.getUser(trx, user.id);
      const started = await startSession(
        { ...system, actor: { kind: 'user', id: user.id, name: user.email } },
        trx,
        row!,
        { method: 'password', userAgent },
        sessions,
      );
      return { ...started, user };
    }),
  );
}
