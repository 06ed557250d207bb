import type { Ctx } from '../core/context.js';
import { AppError, invalid } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { inTx } from '../db/database.js';
import type { Executor } from '../db/database.js';
import type { SessionRow, UserRow } from '../db/schema.js';
import { recordAudit } from '../audit/record.js';
import * as store from './store.js';
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from './password.js';
import {
  endSession,
  revokeUserSessions,
  startSession,
  type SessionPolicy,
  type StartedSession,
} from './sessions.js';
import { normaliseEmail, toUser, type User } from './model.js';

export interface ThrottlePolicy {
  /** Failures allowed per email and per IP address within the window before sign-in waits. */
  maxFailures: number;
  windowMs: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = { maxFailures: 10, windowMs: 15 * 60 * 1000 };

const GENERIC = 'wrong email or password';

/**
 * Seconds until the key may try again, or 0, counting this attempt (already recorded).
 * Counted from stored attempts, so the limit holds across restarts and across several
 * server processes on one database.
 */
async function waitFor(
  db: Executor,
  column: 'email' | 'ip',
  value: string,
  now: Date,
  policy: ThrottlePolicy,
): Promise<number> {
  const since = new Date(now.getTime() - policy.windowMs).toISOString();
  const recent = await db
    .selectFrom('login_failures')
    .select('at')
    .where(column, '=', value)
    .where('at', '>', since)
    .orderBy('at', 'desc')
    .limit(policy.maxFailures + 1)
    .execute();
  if (recent.length <= policy.maxFailures) return 0;
  // The oldest of the last N earlier failures must leave the window before another try.
  const oldest = Date.parse(recent[recent.length - 1]!.at);
  return Math.max(1, Math.ceil((oldest + policy.windowMs - now.getTime()) / 1000));
}

/**
 * Record an attempt before checking anything, then count: parallel guesses each see the
 * others, so a burst cannot slip past the limit while the hashes are being verified.
 * Throttled attempts are removed again (they did not try a password); a wrong password
 * stays as a failure; a right one clears its email's failures.
 */
async function claimAttempt(
  ctx: Ctx,
  email: string,
  ip: string,
  policy: ThrottlePolicy,
): Promise<string> {
  const now = ctx.now();
  const id = newId('lgf', now.getTime());
  await ctx.db
    .insertInto('login_failures')
    .values({ id, email, ip, at: now.toISOString() })
    .execute();
  const wait = Math.max(
    await waitFor(ctx.db, 'email', email, now, policy),
    await waitFor(ctx.db, 'ip', ip, now, policy),
  );
  if (wait > 0) {
    await ctx.db.deleteFrom('login_failures').where('id', '=', id).execute();
    throw new AppError('rate_limited', `too many failed sign-ins; try again in ${wait} s`, {
      retryAfter: wait,
    });
  }
  return id;
}

export interface LoginInput {
  email: string;
  password: string;
}

export interface LoginResult extends StartedSession {
  user: User;
}

/**
 * Password sign-in. Unknown email and wrong password give the same error after the same
 * work (a hash is always verified); throttled attempts are refused before any check.
 */
export async function login(
  ctx: Ctx,
  input: LoginInput,
  meta: { userAgent: string | null; current?: SessionRow | null },
  sessions: SessionPolicy,
  throttle: ThrottlePolicy,
): Promise<LoginResult> {
  const email = normaliseEmail(input.email);
  const ip = ctx.request.ip ?? 'unknown';
  await claimAttempt(ctx, email, ip, throttle);
  const row = await store.findUserByEmail(ctx.db, email);
  const usable = row && !row.archived_at && row.password_hash ? row : null;
  const matches = await verifyPassword(
    usable?.password_hash ?? (await dummyHash()),
    input.password,
  );
  if (!usable || !matches) {
    // The attempt row stays as the failure.
    await inTx(ctx.db, (trx) =>
      recordAudit(ctx, trx, { entity: 'user', entityId: row?.id ?? email, action: 'login_failed' }),
    );
    throw new AppError('invalid_credentials', GENERIC);
  }
  return inTx(ctx.db, async (trx) => {
    // Signing in over an existing session replaces it: the old token stops working.
    if (meta.current) await endSession(ctx, trx, meta.current, 'signed in again');
    await trx.deleteFrom('login_failures').where('email', '=', email).execute();
    const started = await startSession(
      { ...ctx, actor: { kind: 'user', id: usable.id, name: usable.name } },
      trx,
      usable,
      { method: 'password', userAgent: meta.userAgent },
      sessions,
    );
    return { ...started, user: toUser({ ...usable, last_login_at: started.session.created_at }) };
  });
}

export async function logout(ctx: Ctx, session: SessionRow): Promise<void> {
  await inTx(ctx.db, (trx) => endSession(ctx, trx, session, 'signed out'));
}

/** "Log out everywhere": every session of the user, this one included. */
export async function logoutEverywhere(ctx: Ctx, userId: string): Promise<number> {
  return inTx(ctx.db, (trx) => revokeUserSessions(ctx, trx, userId, 'signed out everywhere'));
}

/** A user changing their own password: the current one is required; other sessions end. */
export async function changeOwnPassword(
  ctx: Ctx,
  user: UserRow,
  session: SessionRow,
  input: { currentPassword: string; newPassword: string },
  throttle: ThrottlePolicy,
): Promise<number> {
  // Guessing the current password through this form counts like guessing at sign-in.
  const attempt = await claimAttempt(ctx, user.email, ctx.request.ip ?? 'unknown', throttle);
  const ok =
    user.password_hash !== null &&
    (await verifyPassword(user.password_hash, input.currentPassword));
  if (!ok) throw new AppError('invalid_credentials', 'the current password is wrong');
  await ctx.db.deleteFrom('login_failures').where('id', '=', attempt).execute();
  const problem = passwordProblem(input.newPassword, { email: user.email, name: user.name });
  if (problem) throw invalid('newPassword', problem);
  const hash = await hashPassword(input.newPassword);
  return inTx(ctx.db, async (trx) => {
    const patch = { password_hash: hash, updated_at: ctx.now().toISOString() };
    await store.updateUser(trx, user.id, patch);
    await recordAudit(ctx, trx, {
      entity: 'user',
      entityId: user.id,
      action: 'change_password',
      before: user,
      after: { ...user, ...patch },
    });
    return revokeUserSessions(ctx, trx, user.id, 'password changed', session.id);
  });
}
