import type { ContactRow } from '../../db/schema.js';

/** Role flags (A2). Column names are `is_<role>`. */
export const CONTACT_ROLES = [
  'champion',
  'economic_buyer',
  'executive_sponsor',
  'technical_lead',
  'power_user',
  'detractor',
] as const;
export type ContactRole = (typeof CONTACT_ROLES)[number];
export type RoleColumn = `is_${ContactRole}`;

export function roleColumn(role: ContactRole): RoleColumn {
  return `is_${role}`;
}

export interface Contact {
  id: string;
  accountId: string;
  externalId: string | null;
  name: string;
  email: string | null;
  title: string | null;
  phone: string | null;
  roles: ContactRole[];
  lastSeenAt: string | null;
  latestNps: number | null;
  leftOn: string | null;
  leftReason: string | null;
  archivedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export function rolesOf(row: Pick<ContactRow, RoleColumn>): ContactRole[] {
  return CONTACT_ROLES.filter((r) => row[roleColumn(r)] === 1);
}

export function roleColumns(roles: readonly ContactRole[]): Record<RoleColumn, number> {
  const out = {} as Record<RoleColumn, number>;
  for (const r of CONTACT_ROLES) out[roleColumn(r)] = roles.includes(r) ? 1 : 0;
  return out;
}

export function toContact(row: ContactRow): Contact {
  return {
    id: row.id,
    accountId: row.account_id,
    externalId: row.external_id,
    name: row.name,
    email: row.email,
    title: row.title,
    phone: row.phone,
    roles: rolesOf(row),
    lastSeenAt: row.last_seen_at,
    latestNps: row.latest_nps === null ? null : Number(row.latest_nps),
    leftOn: row.left_on,
    leftReason: row.left_reason,
    archivedAt: row.archived_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The roles whose departure is an event the health model and alerts care about. */
export const KEY_ROLES: readonly ContactRole[] = [
  'champion',
  'executive_sponsor',
  'economic_buyer',
];

/** The timeline event of a contact leaving; a champion leaving says so in the title. */
export function contactLeftEvent(row: Pick<ContactRow, 'name' | RoleColumn>) {
  const roles = rolesOf(row);
  const keyRoles = roles.filter((r) => KEY_ROLES.includes(r));
  const championLeft = roles.includes('champion');
  return {
    title: championLeft
      ? `Champion left: ${row.name}`
      : `Contact left: ${row.name}${keyRoles.length ? ` (${keyRoles.join(', ')})` : ''}`,
    data: { roles, keyRoles, championLeft },
  };
}
