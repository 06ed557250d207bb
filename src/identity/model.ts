import type { UserRow } from '../db/schema.js';

export const ROLES = ['admin', 'manager', 'csm', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
  archivedAt: string | null;
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    createdAt: row.created_at,
    archivedAt: row.archived_at,
  };
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
