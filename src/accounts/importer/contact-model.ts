import type { ContactRow } from '../../db/schema.js';
import { CONTACT_ROLES, roleColumn, type ContactRole } from '../contact/model.js';
import { accountRef, type AccountRef } from './refs.js';
import { read, type ConvertedRow } from './rows.js';

/** Pure rules for imported contacts. */

export interface ContactInput extends AccountRef {
  line: number;
  id?: string;
  externalId?: string;
  name?: string;
  email?: string;
  title?: string;
  phone?: string;
  /** A `Roles` list replaces all role flags; per-role yes/no columns then adjust it. */
  roles?: ContactRole[];
  flags: Partial<Record<ContactRole, boolean>>;
  lastSeenAt?: string;
  latestNps?: number;
  leftOn?: string;
  leftReason?: string;
}

const FLAG_FIELDS: Record<ContactRole, string> = {
  champion: 'champion',
  economic_buyer: 'economicBuyer',
  executive_sponsor: 'executiveSponsor',
  technical_lead: 'technicalLead',
  power_user: 'powerUser',
  detractor: 'detractor',
};

export function contactInput(r: ConvertedRow): ContactInput {
  const flags: Partial<Record<ContactRole, boolean>> = {};
  for (const role of CONTACT_ROLES) {
    const b = read.bool(r, FLAG_FIELDS[role]);
    if (b !== undefined) flags[role] = b;
  }
  const first = read.str(r, 'firstName');
  const last = read.str(r, 'lastName');
  const joined = [first, last].filter(Boolean).join(' ');
  return {
    ...accountRef(r),
    line: r.line,
    id: read.str(r, 'id'),
    externalId: read.str(r, 'externalId'),
    name: read.str(r, 'name') ?? (joined || undefined),
    email: read.str(r, 'email'),
    title: read.str(r, 'title'),
    phone: read.str(r, 'phone'),
    roles: read.list(r, 'roles') as ContactRole[] | undefined,
    flags,
    lastSeenAt: read.str(r, 'lastSeenAt'),
    latestNps: read.num(r, 'latestNps'),
    leftOn: read.str(r, 'leftOn'),
    leftReason: read.str(r, 'leftReason'),
  };
}

/** Field-level problems createContact/updateContact would refuse. */
export function checkContact(
  i: ContactInput,
): { field: string; value: string; reason: string } | null {
  if (i.latestNps !== undefined && (i.latestNps < 0 || i.latestNps > 10)) {
    return {
      field: 'latestNps',
      value: String(i.latestNps),
      reason: 'NPS is a whole number from 0 to 10',
    };
  }
  if (i.name !== undefined && i.name.length > 200)
    return { field: 'name', value: i.name, reason: 'longer than 200 characters' };
  return null;
}

function roleFlags(
  base: Pick<ContactRow, `is_${ContactRole}`>,
  i: ContactInput,
): Pick<ContactRow, `is_${ContactRole}`> {
  const out = { ...base };
  if (i.roles)
    for (const role of CONTACT_ROLES) out[roleColumn(role)] = i.roles.includes(role) ? 1 : 0;
  for (const role of CONTACT_ROLES) {
    const f = i.flags[role];
    if (f !== undefined) out[roleColumn(role)] = f ? 1 : 0;
  }
  return out;
}

const NO_ROLES = {
  is_champion: 0,
  is_economic_buyer: 0,
  is_executive_sponsor: 0,
  is_technical_lead: 0,
  is_power_user: 0,
  is_detractor: 0,
};

export function newContactRow(
  i: ContactInput,
  id: string,
  accountId: string,
  at: string,
): ContactRow {
  return {
    id,
    account_id: accountId,
    external_id: i.externalId ?? null,
    name: i.name!,
    email: i.email ?? null,
    title: i.title ?? null,
    phone: i.phone ?? null,
    ...roleFlags(NO_ROLES, i),
    last_seen_at: i.lastSeenAt ?? null,
    latest_nps: i.latestNps ?? null,
    left_on: i.leftOn ?? null,
    left_reason: i.leftReason ?? null,
    archived_at: null,
    created_at: at,
    updated_at: at,
  };
}

/** The contact after the row's non-empty cells, and which fields changed. */
export function mergeContact(
  existing: ContactRow,
  i: ContactInput,
  at: string,
): { row: ContactRow; changed: string[] } {
  const row: ContactRow = {
    ...existing,
    latest_nps: existing.latest_nps === null ? null : Number(existing.latest_nps),
  };
  const changed: string[] = [];
  const pairs: [keyof ContactInput, keyof ContactRow, string][] = [
    ['externalId', 'external_id', 'externalId'],
    ['name', 'name', 'name'],
    ['email', 'email', 'email'],
    ['title', 'title', 'title'],
    ['phone', 'phone', 'phone'],
    ['lastSeenAt', 'last_seen_at', 'lastSeenAt'],
    ['latestNps', 'latest_nps', 'latestNps'],
    ['leftOn', 'left_on', 'leftOn'],
    ['leftReason', 'left_reason', 'leftReason'],
  ];
  for (const [from, col, field] of pairs) {
    const v = i[from];
    if ((typeof v === 'string' || typeof v === 'number') && row[col] !== v) {
      (row as Record<keyof ContactRow, unknown>)[col] = v;
      changed.push(field);
    }
  }
  const flags = roleFlags(existing, i);
  if (CONTACT_ROLES.some((r) => flags[roleColumn(r)] !== Number(existing[roleColumn(r)]))) {
    Object.assign(row, flags);
    changed.push('roles');
  }
  if (changed.length) row.updated_at = at;
  return { row, changed };
}
