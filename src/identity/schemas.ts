import { z } from 'zod';
import { ROLES } from './model.js';
import { KEY_SCOPES } from './permissions.js';
import { PASSWORD_MAX } from './password.js';

export const UserOut = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    managerId: z.string().nullable(),
    hasPassword: z.boolean(),
    sso: z.boolean(),
    lastLoginAt: z.string().nullable(),
    createdAt: z.string(),
    archivedAt: z.string().nullable(),
  })
  .meta({ id: 'User' });

const Password = z.string().min(1).max(PASSWORD_MAX);
const Email = z.email().max(320);

export const UserCreateBody = z
  .object({
    email: Email,
    name: z.string().trim().min(1).max(200),
    role: z.enum(ROLES),
    managerId: z.string().max(64).nullish(),
    password: Password.optional().describe('omit for users who sign in only with SSO'),
  })
  .strict();

export const UserPatchBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    role: z.enum(ROLES).optional(),
    managerId: z.string().max(64).nullable().optional(),
    archived: z.boolean().optional(),
  })
  .strict();

export const PasswordSetBody = z.object({ password: Password }).strict();

export const LoginBody = z
  .object({ email: z.string().trim().min(1).max(320), password: Password })
  .strict();

export const SetupBody = z
  .object({ email: Email, name: z.string().trim().min(1).max(200), password: Password })
  .strict();

export const PasswordChangeBody = z
  .object({ currentPassword: Password, newPassword: Password })
  .strict();

export const SignedInOut = z
  .object({
    user: UserOut,
    csrfToken: z.string().describe('send as X-CSRF-Token on every POST/PUT/PATCH/DELETE'),
    expiresAt: z.string(),
  })
  .meta({ id: 'SignedIn' });

export const SessionOut = z
  .object({
    id: z.string(),
    method: z.string(),
    createdAt: z.string(),
    lastSeenAt: z.string(),
    expiresAt: z.string(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    current: z.boolean(),
  })
  .meta({ id: 'Session' });

export const ApiKeyOut = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    scope: z.enum(KEY_SCOPES),
    createdBy: z.string(),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
    lastUsedIp: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });

export const KeyCreateBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    scope: z.enum(KEY_SCOPES),
    expiresAt: z.iso.datetime({ offset: true }).nullish(),
  })
  .strict();

export const WhoAmIOut = z
  .object({
    kind: z.enum(['user', 'api_key', 'operator']),
    user: UserOut.nullable(),
    key: ApiKeyOut.nullable(),
    csrfToken: z.string().nullable(),
    sessionExpiresAt: z.string().nullable(),
  })
  .meta({ id: 'WhoAmI' });
