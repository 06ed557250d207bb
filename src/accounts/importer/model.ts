import type { DetectedType } from './detect.js';
import type { ImportKind } from './fields.js';
import type { DateFormat } from './values.js';

/** Pure shapes of an import: its options, the report a dry run or apply produces, and its status. */

export const IMPORT_STATUSES = ['dry_run', 'needs_input', 'invalid', 'applied'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export interface ImportOptions {
  /** Column → field overrides (`null` ignores the column). */
  mapping?: Record<string, string | null>;
  dateFormat?: DateFormat;
  delimiter?: string;
}

/** One bad cell (or row, when column is empty). Lines are the physical line the record starts on. */
export interface RowIssue {
  line: number;
  column: string;
  value: string;
  reason: string;
}

export interface ColumnReport {
  column: string;
  /** Field key, `traits.<key>`, or null when ignored. */
  target: string | null;
  source: 'auto' | 'map';
  type: DetectedType;
  /** Date order used (or why one is needed), why a column is ignored, and similar. */
  note: string | null;
}

export interface NeedsInput {
  column: string;
  reason: string;
  choices: string[];
}

export interface ImportCounts {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
}

export interface ImportReport extends ImportCounts {
  kind: ImportKind;
  mode: 'dry_run' | 'apply';
  fileName: string | null;
  delimiter: string;
  encoding: 'utf-8' | 'utf-16le' | 'latin1';
  columns: ColumnReport[];
  /** Trait keys filled from columns no field claimed (account imports). */
  traits: string[];
  needsInput: NeedsInput[];
  /** Problems with the file or mapping as a whole; nothing can be imported until they are fixed. */
  problems: string[];
  warnings: string[];
  /** Rows with at least one issue, and the number of issues (bad cells) in all. */
  badRows: number;
  errorCount: number;
  errors: RowIssue[];
  errorsTruncated: boolean;
}

export const DEFAULT_MAX_ERRORS = 10_000;

export function emptyReport(kind: ImportKind, fileName: string | null): ImportReport {
  return {
    kind,
    mode: 'dry_run',
    fileName,
    delimiter: ',',
    encoding: 'utf-8',
    rows: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    columns: [],
    traits: [],
    needsInput: [],
    problems: [],
    warnings: [],
    badRows: 0,
    errorCount: 0,
    errors: [],
    errorsTruncated: false,
  };
}

/** Collects row issues: counts all of them, keeps the first `max`. */
export class IssueSink {
  readonly errors: RowIssue[] = [];
  count = 0;
  constructor(private readonly max: number = DEFAULT_MAX_ERRORS) {}

  add(issue: RowIssue): void {
    this.count++;
    if (this.errors.length < this.max) this.errors.push(issue);
  }

  get truncated(): boolean {
    return this.count > this.errors.length;
  }
}

export function statusOf(
  r: Pick<ImportReport, 'problems' | 'needsInput' | 'errorCount'>,
): Exclude<ImportStatus, 'applied'> {
  if (r.problems.length) return 'invalid';
  if (r.needsInput.length) return 'needs_input';
  return r.errorCount > 0 ? 'invalid' : 'dry_run';
}

/** One line saying why an import cannot go ahead, for CLI exits and API errors. */
export function blockingReason(
  r: Pick<ImportReport, 'problems' | 'needsInput' | 'errorCount' | 'badRows' | 'errors'>,
): string | null {
  if (r.problems.length) return r.problems[0]!;
  if (r.needsInput.length) {
    const n = r.needsInput[0]!;
    return `column "${n.column}": ${n.reason}; choose with --date-format (${n.choices.join(', ')})`;
  }
  if (r.errorCount > 0) {
    const first = r.errors[0];
    const where = first
      ? ` (first: line ${first.line}${first.column ? `, column "${first.column}"` : ''}: ${first.reason})`
      : '';
    const rows = Math.max(r.badRows, 1);
    return `${rows} bad ${rows === 1 ? 'row' : 'rows'}${where}; nothing was written`;
  }
  return null;
}

export function sortIssues(issues: RowIssue[]): RowIssue[] {
  return issues.sort((a, b) => a.line - b.line || a.column.localeCompare(b.column));
}
