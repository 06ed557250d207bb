import { AppError } from '../../core/errors.js';
import {
  detectEncoding,
  headText,
  readBatches,
  type CsvRecord,
  type CsvSource,
  type Encoding,
} from './csv.js';
import {
  decideDateOrder,
  detectType,
  emptyProfile,
  profileCell,
  sniffDelimiter,
  type ColumnProfile,
  type DateDecision,
  type DetectedType,
} from './detect.js';
import type { ImportKind } from './fields.js';
import { resolveMapping, type ColumnPlan } from './mapping.js';
import type { ColumnReport, ImportOptions, NeedsInput } from './model.js';
import { unguard, type DateFormat } from './values.js';

/** What the profiling pass learns about a file before any row is checked. */
export interface Analysis {
  kind: ImportKind;
  fileName: string | null;
  delimiter: string;
  encoding: Encoding;
  headers: string[];
  columns: ColumnPlan[];
  /** Columns whose values decide how they are read: traits (type) and dates (day/month order). */
  profiled: boolean[];
  types: DetectedType[];
  /** Day/month decisions for columns read as dates (mapped date fields and date-typed traits). */
  dates: Map<number, DateDecision>;
  dateFormat: DateFormat | null;
  /** Decisions come from the first rows only; the row pass must confirm them on every row. */
  sampled: boolean;
  rows: number;
  problems: string[];
  /** Warnings about the file and mapping; `warnings` adds those about its values. */
  fileWarnings: string[];
  warnings: string[];
  needsInput: NeedsInput[];
  report: ColumnReport[];
}

const DELIMITER_WORDS: Record<string, string> = {
  comma: ',',
  semicolon: ';',
  tab: '\t',
  '\\t': '\t',
  pipe: '|',
};

export function parseDelimiter(v: string | undefined): string | null {
  if (v === undefined || v === '') return null;
  const d = DELIMITER_WORDS[v.toLowerCase()] ?? v;
  if (d.length !== 1 || d === '"' || d === '\n' || d === '\r') {
    throw new AppError(
      'validation',
      `delimiter: expected one character such as "," ";" or tab, got "${v}"`,
      {
        issues: [{ path: 'delimiter', message: 'expected one character' }],
      },
    );
  }
  return d;
}

/** A cell as the importer sees it: trimmed, with an export's formula guard taken off. */
export function cleanCell(raw: string | undefined): string {
  if (raw === undefined) return '';
  const v = raw.trim();
  return v.charCodeAt(0) === 39 ? unguard(v) : v;
}

function isDateTarget(c: ColumnPlan, type: DetectedType): boolean {
  if (c.target.kind === 'field')
    return (
      (c.target.field.type === 'date' || c.target.field.type === 'instant') &&
      !c.target.field.derived
    );
  return c.target.kind === 'trait' && type === 'date';
}

/** Only traits (typed by their values) and dates (ordered by their values) need every value seen. */
function needsProfile(c: ColumnPlan): boolean {
  if (c.target.kind === 'trait') return true;
  return (
    c.target.kind === 'field' &&
    !c.target.field.derived &&
    (c.target.field.type === 'date' || c.target.field.type === 'instant')
  );
}

/** What a mapped column holds, from its field: its cells are read as that type. */
function declaredType(c: ColumnPlan): DetectedType {
  if (c.target.kind !== 'field') return 'text';
  const t = c.target.field.type;
  return t === 'boolean' || t === 'integer' || t === 'money'
    ? t
    : t === 'date' || t === 'instant'
      ? 'date'
      : 'text';
}

function targetLabel(c: ColumnPlan): string | null {
  if (c.target.kind === 'field') return c.target.field.derived ? null : c.target.field.key;
  return c.target.kind === 'trait' ? `traits.${c.target.key}` : null;
}

export function profilesFor(a: Analysis): ColumnProfile[] {
  return a.headers.map(() => emptyProfile());
}

/** Add one record's profiled cells. */
export function profileRecord(a: Analysis, profiles: ColumnProfile[], rec: CsvRecord): void {
  const n = Math.min(rec.cells.length, profiles.length);
  for (let i = 0; i < n; i++) {
    if (!a.profiled[i]) continue;
    const v = cleanCell(rec.cells[i]);
    if (v !== '') profileCell(profiles[i]!, v, rec.line);
  }
}

/** Decide types and date orders from the profiles, and describe every column for the report. */
export function decide(a: Analysis, profiles: ColumnProfile[], rows: number): void {
  a.rows = rows;
  a.types = [];
  a.dates = new Map();
  a.needsInput = [];
  a.report = [];
  a.warnings = [...a.fileWarnings];
  if (rows === 0 && !a.sampled) a.warnings.push('the file has a header but no data rows');
  for (const c of a.columns) {
    const type = a.profiled[c.index] ? detectType(profiles[c.index]!) : declaredType(c);
    a.types.push(type);
    let note: string | null = null;
    if (c.target.kind === 'ignore') note = c.target.reason;
    else if (c.target.kind === 'field' && c.target.field.derived)
      note = `ignored: ${c.target.field.derived}`;
    if (isDateTarget(c, type)) {
      const d = decideDateOrder(profiles[c.index]!, a.dateFormat);
      a.dates.set(c.index, d);
      note = d.note;
      if (d.needsChoice) {
        a.needsInput.push({
          column: c.header,
          reason: d.note ?? 'day/month order is ambiguous',
          choices: ['d/m/yyyy', 'm/d/yyyy'],
        });
      }
    }
    a.report.push({ column: c.header, target: targetLabel(c), source: c.source, type, note });
  }
}

/** What the row pass depends on: equal keys mean every cell is read the same way. */
export function decisionKey(a: Analysis): string {
  const dates = [...a.dates.entries()].map(
    ([i, d]) => `${i}:${d.order}:${d.expectIso}:${d.needsChoice}`,
  );
  return `${a.types.join(',')}|${dates.join(',')}`;
}

export interface AnalyzeOptions {
  /** Profile only the first rows; the row pass then confirms the decisions on all of them. */
  sampleRows?: number;
  onProgress?: (done: number) => void;
}

/**
 * Pass one: sniff delimiter and encoding, read the header, map columns, and profile the
 * columns whose values decide how they are read, so date orders and trait types come
 * from all values, not the first few. With `sampleRows` it stops early (see runPass).
 */
export async function analyze(
  kind: ImportKind,
  source: CsvSource,
  options: ImportOptions,
  opts: AnalyzeOptions = {},
): Promise<Analysis> {
  const head = await source.head(64 * 1024);
  const encoding = detectEncoding(head, source.decoded);
  const delimiter = parseDelimiter(options.delimiter) ?? sniffDelimiter(headText(head, encoding));
  const a: Analysis = {
    kind,
    fileName: source.name,
    delimiter,
    encoding,
    headers: [],
    columns: [],
    profiled: [],
    types: [],
    dates: new Map(),
    dateFormat: options.dateFormat ?? null,
    sampled: false,
    rows: 0,
    problems: [],
    fileWarnings: [],
    warnings: [],
    needsInput: [],
    report: [],
  };
  if (encoding === 'latin1')
    a.fileWarnings.push(
      'the file is not UTF-8; it was read as Latin-1 (save as "CSV UTF-8" to avoid this)',
    );
  let profiles: ColumnProfile[] = [];
  let header = true;
  let rows = 0;
  const limit = opts.sampleRows ?? Number.POSITIVE_INFINITY;
  read: for await (const batch of readBatches(source, {
    delimiter,
    encoding,
    onSkip: () => undefined,
    onProgress: opts.onProgress,
  })) {
    for (const rec of batch) {
      if (header) {
        header = false;
        a.headers = rec.cells.map((c) => c.trim());
        const mapping = resolveMapping(kind, a.headers, options.mapping ?? {});
        a.columns = mapping.columns;
        a.problems.push(...mapping.problems);
        a.fileWarnings.push(...mapping.warnings);
        a.profiled = a.columns.map(needsProfile);
        profiles = profilesFor(a);
        // Nothing to decide from values: the header is all this pass needs.
        if (!a.profiled.some(Boolean) && opts.sampleRows !== undefined) {
          a.sampled = true;
          break read;
        }
        continue;
      }
      if (rows >= limit) {
        a.sampled = true;
        break read;
      }
      rows++;
      profileRecord(a, profiles, rec);
    }
  }
  if (header) {
    a.problems.push('file: empty; expected a header row and at least one data row');
    return a;
  }
  decide(a, profiles, rows);
  return a;
}

export function traitKeys(a: Analysis): string[] {
  return a.columns.flatMap((c) => (c.target.kind === 'trait' ? [c.target.key] : []));
}
