import type { Schemas } from '../api/client';
import { csvCell } from './csv';

/** The import wizard's pure logic: kinds and fields, mapping edits, steps, file reading. */

export type ImportView = Schemas['Import'];
export type ImportReport = Schemas['ImportReport'];
export type ImportKind = ImportView['kind'];
export type ImportStatus = ImportView['status'];
export type DateFormat = NonNullable<ImportView['options']['dateFormat']>;
export type RowIssue = Schemas['ImportRowIssue'];
/** Column → target (field key or `traits.<key>`); null ignores the column. */
export type Mapping = Record<string, string | null>;

export const KINDS: { value: ImportKind; label: string; hint: string; export: boolean }[] = [
  {
    value: 'accounts',
    label: 'Accounts',
    hint: 'Companies: name, domain, CRM and billing ids, segment, stage, owner. Other columns become custom traits.',
    export: true,
  },
  {
    value: 'contacts',
    label: 'Contacts',
    hint: 'People at your accounts: name, email, title, roles such as champion.',
    export: true,
  },
  {
    value: 'subscriptions',
    label: 'Subscriptions',
    hint: 'Revenue: plan, seats, MRR or ARR, start and end dates. ARR and renewals come from these.',
    export: true,
  },
  {
    value: 'tickets',
    label: 'Support tickets',
    hint: 'Help desk history: subject, priority, status, opened and resolved times, CSAT.',
    export: false,
  },
  {
    value: 'surveys',
    label: 'Survey responses',
    hint: 'NPS and CSAT scores with their comments.',
    export: false,
  },
];

export function kindLabel(kind: ImportKind): string {
  return KINDS.find((k) => k.value === kind)?.label ?? kind;
}

const NOUNS: Record<ImportKind, string> = {
  accounts: 'account',
  contacts: 'contact',
  subscriptions: 'subscription',
  tickets: 'ticket',
  surveys: 'survey response',
};

/** "3 accounts", "1 survey response". */
export function countOf(kind: ImportKind, n: number): string {
  return plural(n, NOUNS[kind]);
}

const ACCOUNT_REF = [
  ['accountId', 'Account Tenure ID'],
  ['accountCrmId', 'Account CRM ID'],
  ['accountBillingId', 'Account Billing ID'],
  ['accountName', 'Account Name'],
] as const;
const CONTACT_REF = [
  ['contactId', 'Contact Tenure ID'],
  ['contactEmail', 'Contact Email'],
  ['contact', 'Contact'],
] as const;

/**
 * The fields each kind accepts (key, label), as the server's importer defines them
 * (src/accounts/importer/fields.ts, minus the derived ones it ignores); a test keeps the
 * two lists equal, since the API does not publish them.
 */
export const FIELDS: Record<ImportKind, readonly (readonly [string, string])[]> = {
  accounts: [
    ['id', 'Tenure ID'],
    ['name', 'Name'],
    ['domain', 'Domain'],
    ['crmId', 'CRM ID'],
    ['billingId', 'Billing ID'],
    ['parentCrmId', 'Parent CRM ID'],
    ['parentId', 'Parent Tenure ID'],
    ['segment', 'Segment'],
    ['stage', 'Stage'],
    ['owner', 'Owner'],
    ['industry', 'Industry'],
    ['region', 'Region'],
    ['currency', 'Currency'],
    ['churnedOn', 'Churned On'],
    ['churnReason', 'Churn Reason'],
    ['churnNote', 'Churn Note'],
    ['archived', 'Archived'],
  ],
  contacts: [
    ['id', 'Tenure ID'],
    ['externalId', 'External ID'],
    ...ACCOUNT_REF,
    ['name', 'Name'],
    ['firstName', 'First Name'],
    ['lastName', 'Last Name'],
    ['email', 'Email'],
    ['title', 'Title'],
    ['phone', 'Phone'],
    ['roles', 'Roles'],
    ['champion', 'Champion'],
    ['economicBuyer', 'Economic Buyer'],
    ['executiveSponsor', 'Executive Sponsor'],
    ['technicalLead', 'Technical Lead'],
    ['powerUser', 'Power User'],
    ['detractor', 'Detractor'],
    ['lastSeenAt', 'Last Seen At'],
    ['latestNps', 'Latest NPS'],
    ['leftOn', 'Left On'],
    ['leftReason', 'Left Reason'],
  ],
  subscriptions: [
    ['id', 'Tenure ID'],
    ['externalId', 'External ID'],
    ...ACCOUNT_REF,
    ['plan', 'Plan'],
    ['product', 'Product'],
    ['seats', 'Seats'],
    ['mrr', 'MRR'],
    ['arr', 'ARR'],
    ['currency', 'Currency'],
    ['billingFrequency', 'Billing Frequency'],
    ['startDate', 'Start Date'],
    ['endDate', 'End Date'],
    ['autoRenew', 'Auto Renew'],
    ['status', 'Status'],
    ['canceledOn', 'Canceled On'],
  ],
  tickets: [
    ['id', 'Tenure ID'],
    ['externalId', 'Ticket ID'],
    ...ACCOUNT_REF,
    ['subject', 'Subject'],
    ['priority', 'Priority'],
    ['status', 'Status'],
    ['openedAt', 'Opened At'],
    ['firstResponseAt', 'First Response At'],
    ['firstReplyMinutes', 'First Reply Minutes'],
    ['resolvedAt', 'Resolved At'],
    ['csat', 'CSAT'],
    ['escalated', 'Escalated'],
    ...CONTACT_REF,
  ],
  surveys: [
    ['id', 'Tenure ID'],
    ['externalId', 'Response ID'],
    ...ACCOUNT_REF,
    ['kind', 'Survey'],
    ['score', 'Score'],
    ['nps', 'NPS'],
    ['csat', 'CSAT'],
    ['respondedAt', 'Responded At'],
    ['comment', 'Comment'],
    ...CONTACT_REF,
  ],
};

/** Select values are strings: this one stands for "ignore the column" (the API reads "-" so too). */
export const IGNORE = '-';

/** The trait key the server makes from a header ("Renewal Notes" → renewal_notes). */
export function traitKeyOf(header: string): string {
  const key = header
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
  return key || 'column';
}

export function targetLabel(kind: ImportKind, target: string | null): string {
  if (target === null) return 'Ignored';
  if (target.startsWith('traits.')) return `Custom trait “${target.slice(7)}”`;
  return FIELDS[kind].find(([k]) => k === target)?.[1] ?? target;
}

/** The choices for one column's Select: fields, a custom trait (accounts only), ignore. */
export function targetOptions(
  kind: ImportKind,
  column: string,
  current: string | null,
): { group: string; items: { value: string; label: string }[] }[] {
  const fields = FIELDS[kind].map(([value, label]) => ({ value, label }));
  const groups = [{ group: 'Fields', items: fields }];
  if (kind === 'accounts') {
    const traits = new Set([`traits.${traitKeyOf(column)}`]);
    if (current?.startsWith('traits.')) traits.add(current);
    groups.push({
      group: 'Custom',
      items: [...traits].map((t) => ({ value: t, label: targetLabel(kind, t) })),
    });
  }
  groups.push({ group: 'Skip', items: [{ value: IGNORE, label: 'Ignore this column' }] });
  return groups;
}

/** What each column maps to in a report. */
export function reportMapping(report: ImportReport): Mapping {
  return Object.fromEntries(report.columns.map((c) => [c.column, c.target]));
}

/** Record an edit; choosing what the report already says is no edit at all. */
export function editMapping(
  report: ImportReport,
  edits: Mapping,
  column: string,
  target: string | null,
): Mapping {
  const next = { ...edits };
  if (reportMapping(report)[column] === target) delete next[column];
  else next[column] = target;
  return next;
}

/** Columns whose target another column also takes, with that other column. */
export function clashes(mapping: Mapping): Record<string, string> {
  const first = new Map<string, string>();
  const out: Record<string, string> = {};
  for (const [column, target] of Object.entries(mapping)) {
    if (target === null) continue;
    const other = first.get(target);
    if (other === undefined) first.set(target, column);
    else {
      out[column] = other;
      out[other] ??= column;
    }
  }
  return out;
}

/** The overrides for the next dry run: the ones this import used, then the new edits. */
export function nextOverrides(view: ImportView, edits: Mapping): Mapping {
  return { ...(view.options.mapping ?? {}), ...edits };
}

/** Overrides as the upload's `map` query values ("Column=field", "Column=" ignores). */
export function mapParams(overrides: Mapping): string[] {
  return Object.entries(overrides).map(([column, target]) => `${column}=${target ?? ''}`);
}

/** Keep only overrides for columns a new file still has (others would be refused). */
export function carryMapping(overrides: Mapping, headers: readonly string[]): Mapping {
  const have = new Set(headers.map((h) => h.trim()));
  return Object.fromEntries(Object.entries(overrides).filter(([c]) => have.has(c)));
}

export type Step = 'upload' | 'map' | 'review' | 'done';
export const STEPS: Step[] = ['upload', 'map', 'review', 'done'];

/** The mapping must change (or a date order be chosen) before any row can be checked. */
export function needsMapping(view: ImportView): boolean {
  return view.report.problems.length > 0 || view.report.needsInput.length > 0;
}

export function canApply(view: ImportView): boolean {
  return view.status === 'dry_run';
}

/** Where the wizard is: from the import's state, and the step the URL asks for when allowed. */
export function stepOf(view: ImportView | null, asked: string | null): Step {
  if (!view) return 'upload';
  if (view.status === 'applied') return 'done';
  if (asked === 'upload' || asked === 'map') return asked;
  return needsMapping(view) ? 'map' : 'review';
}

export function statusBadge(view: ImportView): { label: string; color: string } {
  switch (view.status) {
    case 'applied':
      return { label: 'Applied', color: 'teal' };
    case 'dry_run':
      return { label: 'Ready to apply', color: 'indigo' };
    case 'needs_input':
      return { label: 'Needs a date format', color: 'yellow' };
    default:
      return view.report.problems.length
        ? { label: 'Mapping problem', color: 'orange' }
        : { label: 'Has bad rows', color: 'red' };
  }
}

/** Bad cells per column, most first: the usual cause is one column read the wrong way. */
export function issuesByColumn(errors: readonly RowIssue[]): { column: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const e of errors) counts.set(e.column, (counts.get(e.column) ?? 0) + 1);
  return [...counts]
    .map(([column, count]) => ({ column, count }))
    .sort((a, b) => b.count - a.count || a.column.localeCompare(b.column));
}

export function pageOf<T>(items: readonly T[], page: number, size: number): T[] {
  return items.slice((page - 1) * size, page * size);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** The bad rows as a CSV to fix the file from. */
export function issuesCsv(errors: readonly RowIssue[]): string {
  const lines = [['Line', 'Column', 'Value', 'Reason']];
  for (const e of errors) lines.push([String(e.line), e.column, e.value, e.reason]);
  return `\ufeff${lines.map((l) => l.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

export type Encoding = 'utf-8' | 'utf-16le' | 'latin1';

/**
 * Read a file's bytes as text. The server takes uploads as UTF-8, so Excel's "Unicode
 * Text" (UTF-16) and Latin-1 files are decoded here, as the CLI would read them.
 */
export function decodeCsv(bytes: Uint8Array): { text: string; encoding: Encoding } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: new TextDecoder('utf-16le').decode(bytes), encoding: 'utf-16le' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'latin1' };
  }
}

/** The delimiter the first line uses most, outside quotes (comma when none). */
export function sniffDelimiter(text: string): string {
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text.slice(0, 64 * 1024)) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch in counts) counts[ch]!++;
  }
  return Object.entries(counts).reduce((a, b) => (b[1] > a[1] ? b : a), [',', 0])[0];
}

/** The first records of a CSV (quotes, doubled quotes and line breaks in quotes), for samples. */
export function parseCsvHead(text: string, delimiter: string, maxRecords: number): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const end = () => {
    record.push(field);
    field = '';
  };
  while (i < text.length && records.length < maxRecords) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) end();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      end();
      if (record.some((c) => c.trim() !== '')) records.push(record);
      record = [];
    } else field += ch;
    i++;
  }
  if (records.length < maxRecords && (field !== '' || record.length)) {
    end();
    if (record.some((c) => c.trim() !== '')) records.push(record);
  }
  return records;
}

/** Up to `n` different non-empty values per column, read from the file's first rows. */
export function samplesOf(text: string, delimiter: string, n = 3): Record<string, string[]> {
  const [headers = [], ...rows] = parseCsvHead(text.replace(/^\ufeff/, ''), delimiter, 51);
  const out: Record<string, string[]> = {};
  headers.forEach((h, i) => {
    const seen = new Set<string>();
    for (const r of rows) {
      const v = (r[i] ?? '').trim();
      if (v && seen.size < n) seen.add(v);
    }
    out[h.trim()] = [...seen];
  });
  return out;
}

/** The header row of a file, trimmed. */
export function headersOf(text: string): string[] {
  const clean = text.replace(/^\ufeff/, '');
  return (parseCsvHead(clean, sniffDelimiter(clean), 1)[0] ?? []).map((h) => h.trim());
}
