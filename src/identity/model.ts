import type { UserRow } from '../db/schema.js';

export const ROLES = ['admin', 'manager', 'csm', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** The manager who leads this user. */
  managerId: string | null;
  /** Whether the user can sign in with a password (SSO-only users have none). */
  hasPassword: boolean;
  sso: boolean;
  lastLoginAt: string | null;
  createdAt: string;
  archivedAt: string | null;
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    managerId: row.manager_id,
    hasPassword: row.password_hash !== null,
    sso: row.oidc_subject !== null,
    lastLoginAt: row.last_login_at,
    createdAt: row.created_at,
    archivedAt: row.archived_at,
  };
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
