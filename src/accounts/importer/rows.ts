import { z } from 'zod';
import { CHURN_REASONS, STAGES, normaliseDomain, normaliseSegment } from '../account/model.js';
import { CONTACT_ROLES } from '../contact/model.js';
import { BILLING_FREQUENCIES, SUBSCRIPTION_STATUSES } from '../subscription/model.js';
import { SURVEY_KINDS, TICKET_PRIORITIES, TICKET_STATUSES } from '../../support/model.js';
import { cleanCell, type Analysis } from './analyze.js';
import type { CsvRecord } from './csv.js';
import type { DateDecision } from './detect.js';
import type { FieldDef } from './fields.js';
import type { RowIssue } from './model.js';
import {
  enumKey,
  moneyTraitValue,
  parseBoolean,
  parseDate,
  parseInteger,
  parseMoney,
  parseNumber,
  toInstant,
} from './values.js';

/** Pure conversion of one CSV record into typed field values, with an issue per bad cell. */

/** Money is kept as text until the row's currency is known (JPY has no cents, KWD three decimals). */
export interface MoneyText {
  money: string;
}
export type CellValue = string | number | boolean | string[] | MoneyText;

export interface ConvertedRow {
  line: number;
  values: Map<string, CellValue>;
  traits: Record<string, unknown> | null;
}

/** Things conversion needs that live in the database, loaded once per import. */
export interface Lookups {
  /** Lower-cased email and id → user id. */
  users: Map<string, string>;
  segments: readonly string[];
}

type Converted = { ok: true; value: CellValue } | { ok: false; reason: string };
const ok = (value: CellValue): Converted => ({ ok: true, value });
const bad = (reason: string): Converted => ({ ok: false, reason });

const STAGE_WORDS: Record<string, string> = {
  at_risk: 'at_risk',
  risk: 'at_risk',
  expansion: 'expanding',
  renewing: 'renewal',
  lost: 'churned',
  canceled: 'churned',
  cancelled: 'churned',
  customer: 'active',
  live: 'active',
  trial: 'onboarding',
  implementation: 'onboarding',
};
const STATUS_WORDS: Record<string, string> = {
  cancelled: 'canceled',
  trial: 'trialing',
  in_trial: 'trialing',
  pastdue: 'past_due',
  unpaid: 'past_due',
  ended: 'expired',
  live: 'active',
};
const FREQUENCY_WORDS: Record<string, string> = {
  month: 'monthly',
  mo: 'monthly',
  m: 'monthly',
  '1_month': 'monthly',
  quarter: 'quarterly',
  q: 'quarterly',
  '3_months': 'quarterly',
  year: 'annual',
  yearly: 'annual',
  annually: 'annual',
  yr: 'annual',
  y: 'annual',
  '12_months': 'annual',
  '1_year': 'annual',
  multiyear: 'multi_year',
  '2_years': 'multi_year',
  '3_years': 'multi_year',
};

const PRIORITY_WORDS: Record<string, string> = {
  medium: 'normal',
  med: 'normal',
  moderate: 'normal',
  critical: 'urgent',
  blocker: 'urgent',
  p1: 'urgent',
  p2: 'high',
  p3: 'normal',
  p4: 'low',
  major: 'high',
  minor: 'low',
};
// Help-desk states onto open / pending / solved / closed (Zendesk, Freshdesk, Intercom).
const TICKET_STATUS_WORDS: Record<string, string> = {
  new: 'open',
  reopened: 'open',
  in_progress: 'open',
  hold: 'pending',
  on_hold: 'pending',
  snoozed: 'pending',
  waiting: 'pending',
  waiting_on_customer: 'pending',
  waiting_on_third_party: 'pending',
  resolved: 'solved',
  done: 'solved',
  archived: 'closed',
};
const SURVEY_WORDS: Record<string, string> = {
  net_promoter_score: 'nps',
  net_promoter: 'nps',
  customer_satisfaction: 'csat',
  satisfaction: 'csat',
};

const Email = z.email();

function oneOf(
  v: string,
  allowed: readonly string[],
  words: Record<string, string>,
  what: string,
): Converted {
  const k = enumKey(v);
  const key = allowed.includes(k) ? k : words[k];
  return key ? ok(key) : bad(`not a ${what} (expected one of ${allowed.join(', ')})`);
}

function dateValue(v: string, d: DateDecision | undefined, instant: boolean): Converted {
  const r = parseDate(v, d?.order ?? null, d?.expectIso ?? false);
  if (!r.ok) return bad(r.reason);
  return ok(instant ? toInstant(r.date, r.time) : r.date);
}

export function convertField(
  f: FieldDef,
  v: string,
  date: DateDecision | undefined,
  lookups: Lookups,
): Converted {
  if (f.max !== undefined && v.length > f.max) return bad(`longer than ${f.max} characters`);
  switch (f.type) {
    case 'text':
    case 'id':
      return ok(v);
    case 'email':
      return Email.safeParse(v).success ? ok(v.toLowerCase()) : bad('not an email address');
    case 'domain':
      return ok(normaliseDomain(v));
    case 'date':
      return dateValue(v, date, false);
    case 'instant':
      return dateValue(v, date, true);
    case 'boolean': {
      const b = parseBoolean(v);
      return b === null ? bad('not a yes/no value (use TRUE/FALSE, yes/no, 1/0)') : ok(b);
    }
    case 'integer': {
      const n = parseInteger(/^\d{1,3}(,\d{3})+$/.test(v) ? v.replace(/,/g, '') : v);
      return n === null ? bad('not a whole number') : ok(n);
    }
    case 'money':
      return parseMoney(v, 'USD') === null && parseMoney(v, 'KWD') === null
        ? bad('not an amount of money')
        : ok({ money: v });
    case 'currency':
      return /^[A-Za-z]{3}$/.test(v)
        ? ok(v.toUpperCase())
        : bad('not an ISO currency code such as USD');
    case 'stage':
      return oneOf(v, STAGES, STAGE_WORDS, 'lifecycle stage');
    case 'segment': {
      const s = normaliseSegment(v);
      return lookups.segments.includes(s)
        ? ok(s)
        : bad(`not a segment (expected one of ${lookups.segments.join(', ')})`);
    }
    case 'owner': {
      const id = lookups.users.get(v.toLowerCase()) ?? lookups.users.get(v);
      return id ? ok(id) : bad('no user with this email or id');
    }
    case 'churnReason':
      return oneOf(v, CHURN_REASONS, {}, 'churn reason');
    case 'status':
      return oneOf(v, SUBSCRIPTION_STATUSES, STATUS_WORDS, 'subscription status');
    case 'frequency':
      return oneOf(v, BILLING_FREQUENCIES, FREQUENCY_WORDS, 'billing frequency');
    case 'priority':
      return oneOf(v, TICKET_PRIORITIES, PRIORITY_WORDS, 'ticket priority');
    case 'ticketStatus':
      return oneOf(v, TICKET_STATUSES, TICKET_STATUS_WORDS, 'ticket status');
    case 'surveyKind':
      return oneOf(v, SURVEY_KINDS, SURVEY_WORDS, 'survey kind');
    case 'roles': {
      const roles: string[] = [];
      for (const part of v.split(/[,;|]/)) {
        const k = enumKey(part);
        if (k === '') continue;
        if (!(CONTACT_ROLES as readonly string[]).includes(k))
          return bad(`unknown role "${part.trim()}" (roles: ${CONTACT_ROLES.join(', ')})`);
        if (!roles.includes(k)) roles.push(k);
      }
      return ok(roles);
    }
  }
}

function traitValue(
  type: string,
  v: string,
  date: DateDecision | undefined,
): { ok: true; value: unknown } | { ok: false; reason: string } {
  switch (type) {
    case 'boolean':
      return { ok: true, value: parseBoolean(v) };
    case 'integer':
    case 'number':
      return { ok: true, value: parseNumber(v) };
    case 'money': {
      const n = parseNumber(v);
      return { ok: true, value: n ?? moneyTraitValue(parseMoney(v, 'USD') ?? 0) };
    }
    case 'date': {
      const r = parseDate(v, date?.order ?? null, date?.expectIso ?? false);
      return r.ok ? { ok: true, value: r.date } : { ok: false, reason: r.reason };
    }
    default:
      return { ok: true, value: v };
  }
}

/**
 * Convert one record. Empty cells are "no value" and are left out, so an update leaves
 * those fields as they are. Returns null when any cell is bad (each one is reported).
 */
export function convertRecord(
  a: Analysis,
  rec: CsvRecord,
  lookups: Lookups,
  report: (issue: RowIssue) => void,
): ConvertedRow | null {
  const values = new Map<string, CellValue>();
  let traits: Record<string, unknown> | null = null;
  let good = true;
  for (let i = a.headers.length; i < rec.cells.length; i++) {
    const v = cleanCell(rec.cells[i]);
    if (v !== '') {
      report({
        line: rec.line,
        column: `(column ${i + 1})`,
        value: v,
        reason: `more cells than the ${a.headers.length} header columns`,
      });
      good = false;
    }
  }
  for (const c of a.columns) {
    if (c.target.kind === 'ignore') continue;
    const v = cleanCell(rec.cells[c.index]);
    if (v === '') continue;
    if (c.target.kind === 'trait') {
      const r = traitValue(a.types[c.index]!, v, a.dates.get(c.index));
      if (r.ok) (traits ??= {})[c.target.key] = r.value;
      else {
        report({ line: rec.line, column: c.header, value: v, reason: r.reason });
        good = false;
      }
      continue;
    }
    const f = c.target.field;
    if (f.derived) continue;
    const r = convertField(f, v, a.dates.get(c.index), lookups);
    if (r.ok) values.set(f.key, r.value);
    else {
      report({ line: rec.line, column: c.header, value: v, reason: r.reason });
      good = false;
    }
  }
  return good ? { line: rec.line, values, traits } : null;
}

/** Typed reads of converted values. */
export const read = {
  str: (r: ConvertedRow, k: string): string | undefined => {
    const v = r.values.get(k);
    return typeof v === 'string' ? v : undefined;
  },
  num: (r: ConvertedRow, k: string): number | undefined => {
    const v = r.values.get(k);
    return typeof v === 'number' ? v : undefined;
  },
  bool: (r: ConvertedRow, k: string): boolean | undefined => {
    const v = r.values.get(k);
    return typeof v === 'boolean' ? v : undefined;
  },
  list: (r: ConvertedRow, k: string): string[] | undefined => {
    const v = r.values.get(k);
    return Array.isArray(v) ? v : undefined;
  },
  money: (r: ConvertedRow, k: string): string | undefined => {
    const v = r.values.get(k);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v.money : undefined;
  },
};

/** The header of the column a field came from, for issues found after conversion. */
export function columnOf(a: Analysis, key: string): string {
  const c = a.columns.find((col) => col.target.kind === 'field' && col.target.field.key === key);
  if (c) return c.header;
  return key;
}
