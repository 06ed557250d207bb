import { FIELDS, IMPORT_KINDS, keepsTraits, type FieldDef, type ImportKind } from './fields.js';
import { traitKeyOf } from './values.js';

/** Where one CSV column goes. */
export type ColumnTarget =
  | { kind: 'field'; field: FieldDef }
  | { kind: 'trait'; key: string }
  | { kind: 'ignore'; reason: string };

export interface ColumnPlan {
  index: number;
  header: string;
  target: ColumnTarget;
  /** 'map' when the user chose it, 'auto' when suggested from the header. */
  source: 'auto' | 'map';
}

/** Column → field overrides; null ignores the column. */
export type MappingOverrides = Record<string, string | null>;

/** "Account Name", "account_name", "ACCOUNT-NAME" all compare equal. */
export function normaliseHeader(h: string): string {
  return h.toLowerCase().replace(/[\s_\-.:/()#]+/g, '');
}

const TRAIT_PREFIX_RE = /^traits?[.:](.+)$/i;

/**
 * Header spellings → field. Labels and synonyms win over field keys, so "Account ID" on a
 * contacts file is the account's CRM id (as in Salesforce exports), not the key accountId.
 */
function headerIndex(kind: ImportKind): Map<string, FieldDef> {
  const index = new Map<string, FieldDef>();
  const add = (name: string, f: FieldDef) => {
    const n = normaliseHeader(name);
    if (!index.has(n)) index.set(n, f);
  };
  for (const f of FIELDS[kind]) for (const name of [f.label, ...(f.synonyms ?? [])]) add(name, f);
  for (const f of FIELDS[kind]) add(f.key, f);
  return index;
}

/** Field keys first (what `--map col=field` names), then any header spelling. */
function targetIndex(kind: ImportKind): Map<string, FieldDef> {
  const index = new Map<string, FieldDef>(FIELDS[kind].map((f) => [normaliseHeader(f.key), f]));
  for (const [n, f] of headerIndex(kind)) if (!index.has(n)) index.set(n, f);
  return index;
}

const HEADERS = Object.fromEntries(IMPORT_KINDS.map((k) => [k, headerIndex(k)])) as Record<
  ImportKind,
  Map<string, FieldDef>
>;
const TARGETS = Object.fromEntries(IMPORT_KINDS.map((k) => [k, targetIndex(k)])) as Record<
  ImportKind,
  Map<string, FieldDef>
>;

/** The field a header suggests, if any. */
export function suggestField(kind: ImportKind, header: string): FieldDef | undefined {
  return HEADERS[kind].get(normaliseHeader(header));
}

function targetOf(
  kind: ImportKind,
  name: string,
  index: Map<string, FieldDef>,
): ColumnTarget | null {
  const trait = TRAIT_PREFIX_RE.exec(name.trim());
  if (trait) {
    return keepsTraits(kind)
      ? { kind: 'trait', key: trait[1]!.trim() }
      : { kind: 'ignore', reason: `${kind} have no custom traits` };
  }
  const field = index.get(normaliseHeader(name));
  return field ? { kind: 'field', field } : null;
}

/**
 * Parse `--map "Column Name=field"` arguments (also `col=` or `col=-` to ignore).
 * The last `=` splits, so column names may contain one.
 */
export function parseMapArgs(args: readonly string[]): {
  overrides: MappingOverrides;
  problems: string[];
} {
  const overrides: MappingOverrides = {};
  const problems: string[] = [];
  for (const arg of args) {
    const at = arg.lastIndexOf('=');
    if (at <= 0) {
      problems.push(`map "${arg}": expected "Column Name=field" (or "Column Name=" to ignore it)`);
      continue;
    }
    const column = arg.slice(0, at).trim();
    const field = arg.slice(at + 1).trim();
    overrides[column] = field === '' || field === '-' ? null : field;
  }
  return { overrides, problems };
}

/** Query-string form: repeated `map=` values, each possibly a comma list of `col=field`. */
export function splitMapParam(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    let pending = '';
    for (const part of v.split(',')) {
      // A part without "=" is the start of a column name that contains a comma.
      if (!part.includes('=')) pending += `${part},`;
      else {
        out.push(pending + part);
        pending = '';
      }
    }
    if (pending) out.push(pending.slice(0, -1));
  }
  return out;
}

function findColumn(headers: readonly string[], name: string): number {
  const exact = headers.findIndex((h) => h.trim() === name);
  if (exact >= 0) return exact;
  const n = normaliseHeader(name);
  return headers.findIndex((h) => normaliseHeader(h) === n);
}

function targetKey(t: ColumnTarget): string | null {
  return t.kind === 'field' ? `f:${t.field.key}` : t.kind === 'trait' ? `t:${t.key}` : null;
}

/**
 * Decide every column's target: user overrides first, then suggestions from header names;
 * on account imports the rest become custom traits, elsewhere they are ignored.
 */
export function resolveMapping(
  kind: ImportKind,
  headers: readonly string[],
  overrides: MappingOverrides = {},
): { columns: ColumnPlan[]; problems: string[]; warnings: string[] } {
  const problems: string[] = [];
  const warnings: string[] = [];
  const chosen = new Map<number, ColumnPlan>();
  const taken = new Map<string, string>();
  for (const [column, to] of Object.entries(overrides)) {
    const index = findColumn(headers, column);
    if (index < 0) {
      problems.push(
        `map "${column}": no such column (columns: ${headers.map((h) => `"${h}"`).join(', ')})`,
      );
      continue;
    }
    const header = headers[index]!;
    let target: ColumnTarget | null;
    if (to === null) target = { kind: 'ignore', reason: 'ignored by mapping' };
    else {
      target = targetOf(kind, to, TARGETS[kind]);
      if (!target) {
        const known = FIELDS[kind].filter((f) => !f.derived).map((f) => f.key);
        problems.push(
          `map "${column}=${to}": unknown ${kind} field "${to}" (fields: ${known.join(', ')}${keepsTraits(kind) ? ', traits.<key>' : ''})`,
        );
        continue;
      }
    }
    const key = targetKey(target);
    if (key && taken.has(key)) {
      problems.push(`map: columns "${taken.get(key)}" and "${header}" both map to ${to}`);
      continue;
    }
    if (key) taken.set(key, header);
    chosen.set(index, { index, header, target, source: 'map' });
  }
  const columns: ColumnPlan[] = headers.map((header, index) => {
    const explicit = chosen.get(index);
    if (explicit) return explicit;
    if (header.trim() === '')
      return { index, header, target: { kind: 'ignore', reason: 'no header' }, source: 'auto' };
    let target = targetOf(kind, header, HEADERS[kind]);
    let key = target ? targetKey(target) : null;
    if (target && key && taken.has(key)) {
      warnings.push(
        `"${header}" also looks like ${key.slice(2)}, which "${taken.get(key)}" already fills`,
      );
      target = null;
    }
    if (!target) {
      if (keepsTraits(kind)) {
        let traitKey = traitKeyOf(header);
        for (let n = 2; taken.has(`t:${traitKey}`); n++) traitKey = `${traitKeyOf(header)}_${n}`;
        target = { kind: 'trait', key: traitKey };
      } else {
        target = { kind: 'ignore', reason: `not a ${kind} field` };
      }
      key = targetKey(target);
    }
    if (key) taken.set(key, header);
    return { index, header, target, source: 'auto' };
  });
  if (taken.has('f:mrr') && taken.has('f:arr') && kind === 'subscriptions') {
    problems.push(
      `map: both "${taken.get('f:mrr')}" (MRR) and "${taken.get('f:arr')}" (ARR) are mapped; ignore one with --map "${taken.get('f:arr')}="`,
    );
  }
  return { columns, problems, warnings };
}
