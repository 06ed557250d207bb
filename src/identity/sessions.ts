import type { Ctx } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { Executor } from '../db/database.js';
import type { SessionRow, UserRow } from '../db/schema.js';
import { recordAudit } from '../audit/record.js';
import { randomToken, sha256 } from './tokens.js';

export interface SessionPolicy {
  /** A session unused this long ends. */
  idleMs: number;
  /** A session ends this long after sign-in, however active. */
  absoluteMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = {
  idleMs: 2 * 60 * 60 * 1000,
  absoluteMs: 12 * 60 * 60 * 1000,
};

/** last_seen_at is written at most this often, so reads do not each cost a write. */
const TOUCH_EVERY_MS = 60 * 1000;

export interface Session {
  id: string;
  method: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

export function toSession(row: SessionRow, currentId?: string): Session {
  return {
    id: row.id,
    method: row.method,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    ip: row.ip,
    userAgent: row.user_agent,
    current: row.id === currentId,
  };
}

/**
 * The CSRF token of a session, derived from its secret cookie token: the server recomputes
 * it on every request, and another origin can neither read the cookie nor guess this.
 */
export function csrfTokenFor(sessionToken: string): string {
  return sha256(`tenure-csrf:${sessionToken}`);
}

export interface StartedSession {
  token: string;
  csrfToken: string;
  session: SessionRow;
}

/** A new session with a fresh token (never one the client brought: no fixation). */
export async function startSession(
  ctx: Ctx,
  trx: Executor,
  user: UserRow,
  meta: { method: 'password' | 'oidc'; userAgent: string | null },
  policy: SessionPolicy,
): Promise<StartedSession> {
  const now = ctx.now();
  const token = randomToken();
  const row: SessionRow = {
    id: newId('ses', now.getTime()),
    token_hash: sha256(token),
    user_id: user.id,
    method: meta.method,
    created_at: now.toISOString(),
    last_seen_at: now.toISOString(),
    expires_at: new Date(now.getTime() + policy.absoluteMs).toISOString(),
    ip: ctx.request.ip,
    user_agent: meta.userAgent?.slice(0, 300) ?? null,
    revoked_at: null,
    revoked_reason: null,
  };
  await trx.insertInto('sessions').values(row).execute();
  await trx
    .updateTable('users')
    .set({ last_login_at: row.created_at })
    .where('id', '=', user.id)
    .execute();
  await recordAudit(ctx, trx, {
    entity: 'session',
    entityId: row.id,
    action: 'login',
    changes: { userId: [null, user.id], method: [null, meta.method] },
  });
  return { token, csrfToken: csrfTokenFor(token), session: row };
}

export interface ResolvedSession {
  session: SessionRow;
  user: UserRow;
}

/** The live session behind a cookie token, or an error that says why there is none. */
export async function resolveSession(
  db: Executor,
  token: string,
  now: Date,
  policy: SessionPolicy,
): Promise<ResolvedSession> {
  const row = await db
    .selectFrom('sessions')
    .selectAll()
    .where('token_hash', '=', sha256(token))
    .executeTakeFirst();
  if (!row) throw new AppError('unauthenticated', 'not signed in');
  const expired =
    row.revoked_at !== null ||
    now.toISOString() >= row.expires_at ||
    now.getTime() - Date.parse(row.last_seen_at) >= policy.idleMs;
  if (expired) throw new AppError('session_expired', 'your session has ended; sign in again');
  const user = await db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', row.user_id)
    .executeTakeFirst();
  if (!user || user.archived_at) throw new AppError('session_expired', 'your session has ended');
  if (now.getTime() - Date.parse(row.last_seen_at) >= TOUCH_EVERY_MS) {
    await db
      .updateTable('sessions')
      .set({ last_seen_at: now.toISOString() })
      .where('id', '=', row.id)
      .execute();
  }
  return { session: row, user };
}

/** End one session (sign out). */
export async function endSession(
  ctx: Ctx,
  trx: Executor,
  session: SessionRow,
  reason: string,
): Promise<void> {
  if (session.revoked_at) return;
  await trx
    .updateTable('sessions')
    .set({ revoked_at: ctx.now().toISOString(), revoked_reason: reason })
    .where('id', '=', session.id)
    .where('revoked_at', 'is', null)
    .execute();
  await recordAudit(ctx, trx, {
    entity: 'session',
    entityId: session.id,
    action: 'logout',
    changes: { userId: [null, session.user_id], reason: [null, reason] },
  });
}

/** End every live session of a user, except `keepId` (the one asking). Returns how many. */
export async function revokeUserSessions(
  ctx: Ctx,
  trx: Executor,
  userId: string,
  reason: string,
  keepId?: string,
): Promise<number> {
  let q = trx
    .updateTable('sessions')
    .set({ revoked_at: ctx.now().toISOString(), revoked_reason: reason })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (keepId) q = q.where('id', '!=', keepId);
  const result = await q.executeTakeFirst();
  const n = Number(result.numUpdatedRows);
  if (n > 0) {
    await recordAudit(ctx, trx, {
      entity: 'user',
      entityId: userId,
      action: 'sessions_revoked',
      changes: { sessions: [null, n], reason: [null, reason] },
    });
  }
  return n;
}

/** A user's sessions still in force, newest first. */
export async function liveSessions(
  db: Executor,
  userId: string,
  now: Date,
  policy: SessionPolicy,
): Promise<SessionRow[]> {
  const idleCutoff = new Date(now.getTime() - policy.idleMs).toISOString();
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .where('last_seen_at', '>', idleCutoff)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}
