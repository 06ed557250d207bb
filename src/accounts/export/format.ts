import { FIELDS, type ImportKind } from '../importer/fields.js';
import { guard } from '../importer/values.js';

/** Pure CSV formatting for exports: RFC 4180 quoting, CRLF, and values the importer reads back. */

export const BOM = '\ufeff';
export const CRLF = '\r\n';

export type ExportValue =
  string | number | boolean | null | undefined | Record<string, unknown> | unknown[];

/** Quote a field when it holds a quote, comma, semicolon or line break (RFC 4180). */
export function csvField(v: string): string {
  return /[",;\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * A value as a cell: TRUE/FALSE for booleans (what Excel and Sheets write), numbers as
 * plain decimals, objects as JSON, and text guarded against spreadsheet formulas.
 */
export function cellText(v: ExportValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'object') return guard(JSON.stringify(v));
  return guard(v);
}

export function csvLine(values: readonly ExportValue[]): string {
  return values.map((v) => csvField(cellText(v))).join(',') + CRLF;
}

/** A header cell written with the importer's own label for the field, so re-imports map back. */
export function label(kind: ImportKind, key: string): string {
  const f = FIELDS[kind].find((x) => x.key === key);
  if (!f) throw new Error(`no ${kind} field ${key}`);
  return f.label;
}

export function traitHeader(key: string): string {
  return `traits.${key}`;
}
