import { newId } from '../core/ids.js';
import { assertReadable, type Ctx } from '../core/context.js';
import { AppError, invalid, notFound } from '../core/errors.js';
import { inTx } from '../db/database.js';
import { mapped } from '../db/errors.js';
import type { UserRow } from '../db/schema.js';
import { recordAudit } from '../audit/record.js';
import * as store from './store.js';
import { revokeUserSessions } from './sessions.js';
import { hashPassword, passwordProblem } from './password.js';
import { normaliseEmail, toUser, type Role, type User } from './model.js';

export interface UserCreateInput {
  email: string;
  name: string;
  role: Role;
  managerId?: string | null;
  /** Omitted for users who sign in only through single sign-on. */
  password?: string;
}

function checkPassword(password: string, who: { email: string; name: string }): void {
  const problem = passwordProblem(password, who);
  if (problem) throw invalid('password', problem);
}

async function checkManager(ctx: Ctx, managerId: string, selfId?: string): Promise<void> {
  const manager = await store.getUser(ctx.db, managerId);
  if (!manager || manager.archived_at) throw invalid('managerId', `no user ${managerId}`);
  if (manager.role !== 'manager' && manager.role !== 'admin')
    throw invalid('managerId', 'must be a manager or an admin');
  if (managerId === selfId) throw invalid('managerId', 'a user cannot lead themselves');
}

export async function createUser(ctx: Ctx, input: UserCreateInput): Promise<User> {
  ctx.can('write', 'user');
  const email = normaliseEmail(input.email);
  const name = input.name.trim();
  if (input.password !== undefined) checkPassword(input.password, { email, name });
  if (input.managerId) await checkManager(ctx, input.managerId);
  const passwordHash = input.password !== undefined ? await hashPassword(input.password) : null;
  return mapped(() =>
    inTx(ctx.db, async (trx) => {
      if (await store.findUserByEmail(trx, email)) {
        throw new AppError('conflict', `a user with email ${email} already exists`, {
          field: 'email',
        });
      }
      const at = ctx.now().toISOString();
      const row: UserRow = {
        id: newId('usr', ctx.now().getTime()),
        email,
        name,
        role: input.role,
        created_at: at,
        updated_at: at,
        archived_at: null,
        password_hash: passwordHash,
        manager_id: input.managerId ?? null,
        oidc_issuer: null,
        oidc_subject: null,
        last_login_at: null,
      };
      await store.insertUsers(trx, [row]);
      await recordAudit(ctx, trx, {
        entity: 'user',
        entityId: row.id,
        action: 'create',
        after: row,
      });
      return toUser(row);
    }),
  );
}

export interface UserPatchInput {
  name?: string;
  role?: Role;
  managerId?: string | null;
  archived?: boolean;
}

/** Admins change roles, teams and access; archiving a user ends their sessions. */
export async function updateUser(ctx: Ctx, id: string, input: UserPatchInput): Promise<User> {
  ctx.can('write', 'user');
  if (input.managerId) await checkManager(ctx, input.managerId, id);
  return mapped(() =>
    inTx(ctx.db, async (trx) => {
      const row = await store.getUser(trx, id);
      if (!row) throw notFound('user', id);
      const patch: Partial<UserRow> = {};
      if (input.name !== undefined) patch.name = input.name.trim();
      if (input.role !== undefined) patch.role = input.role;
      if (input.managerId !== undefined) patch.manager_id = input.managerId;
      if (input.archived !== undefined && Boolean(row.archived_at) !== input.archived) {
        patch.archived_at = input.archived ? ctx.now().toISOString() : null;
      }
      if (Object.keys(patch).length === 0) return toUser(row);
      const losesAdmin =
        row.role === 'admin' &&
        !row.archived_at &&
        ((patch.role !== undefined && patch.role !== 'admin') || patch.archived_at);
      if (losesAdmin && (await store.countActiveAdmins(trx)) <= 1) {
        throw new AppError('conflict', 'this is the last admin; make another admin first', {
          field: input.role !== undefined ? 'role' : 'archived',
        });
      }
      patch.updated_at = ctx.now().toISOString();
      await store.updateUser(trx, id, patch);
      const after = { ...row, ...patch };
      await recordAudit(ctx, trx, {
        entity: 'user',
        entityId: id,
        action: 'update',
        before: row,
        after,
      });
      if (patch.archived_at || patch.role !== undefined) {
        // Rights changed: sessions signed in under the old rights end.
        await revokeUserSessions(
          ctx,
          trx,
          id,
          patch.archived_at ? 'user archived' : 'role changed',
        );
      }
      return toUser(after);
    }),
  );
}

/** Set a user's password (an admin resetting it, or the operator from the CLI). */
export async function setPassword(ctx: Ctx, id: string, password: string): Promise<User> {
  ctx.can('write', 'user');
  const row = await store.getUser(ctx.db, id);
  if (!row) throw notFound('user', id);
  checkPassword(password, { email: row.email, name: row.name });
  const hash = await hashPassword(password);
  return inTx(ctx.db, async (trx) => {
    const patch = { password_hash: hash, updated_at: ctx.now().toISOString() };
    await store.updateUser(trx, id, patch);
    await recordAudit(ctx, trx, {
      entity: 'user',
      entityId: id,
      action: 'set_password',
      before: row,
      after: { ...row, ...patch },
    });
    await revokeUserSessions(ctx, trx, id, 'password reset');
    return toUser({ ...row, ...patch });
  });
}

export async function listUsers(ctx: Ctx): Promise<User[]> {
  ctx.can('read', 'user');
  return (await store.listUsers(ctx.db)).map(toUser);
}

export async function getUser(ctx: Ctx, id: string): Promise<User> {
  assertReadable(ctx, 'user', 'user', id);
  const row = await store.getUser(ctx.db, id);
  if (!row) throw notFound('user', id);
  return toUser(row);
}

/** Resolve a user given as id or email; throws a validation error naming `field`. */
export async function resolveUserRef(ctx: Ctx, ref: string, field = 'ownerId'): Promise<string> {
  const row =
    (await store.getUser(ctx.db, ref)) ??
    (await store.findUserByEmail(ctx.db, normaliseEmail(ref)));
  if (!row) {
    throw new AppError('validation', `${field}: no user ${ref}`, {
      issues: [{ path: field, message: `no user with id or email ${ref}` }],
    });
  }
  return row.id;
}

/** Whether the installation still needs its first admin (the setup page shows only then). */
export async function needsSetup(ctx: Ctx): Promise<boolean> {
  return (await store.countActiveAdmins(ctx.db)) === 0;
}
