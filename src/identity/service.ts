import { newId } from '../core/ids.js';
import type { Ctx } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { mapped } from '../db/errors.js';
import * as store from './store.js';
import { normaliseEmail, toUser, type Role, type User } from './model.js';

export async function createUser(
  ctx: Ctx,
  input: { email: string; name: string; role: Role },
): Promise<User> {
  ctx.can('admin');
  const email = normaliseEmail(input.email);
  if (await store.findUserByEmail(ctx.db, email)) {
    throw new AppError('conflict', `a user with email ${email} already exists`, { field: 'email' });
  }
  const at = ctx.now().toISOString();
  const row = {
    id: newId('usr', ctx.now().getTime()),
    email,
    name: input.name.trim(),
    role: input.role,
    created_at: at,
    updated_at: at,
    archived_at: null,
  };
  await mapped(() => store.insertUsers(ctx.db, [row]));
  return toUser(row);
}

export async function listUsers(ctx: Ctx): Promise<User[]> {
  ctx.can('read');
  return (await store.listUsers(ctx.db)).map(toUser);
}

/** Resolve an owner given as user id or email; throws a validation error naming `field`. */
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
