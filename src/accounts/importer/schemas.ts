import { z } from 'zod';
import { ENCODINGS } from './csv.js';
import { DETECTED_TYPES } from './detect.js';
import { IMPORT_KINDS } from './fields.js';
import { IMPORT_STATUSES } from './model.js';
import { DATE_FORMATS } from './values.js';

export const ImportKindSchema = z.enum(IMPORT_KINDS);
export const DateFormatSchema = z.enum(DATE_FORMATS);

export const CreateImportQuery = z
  .object({
    kind: ImportKindSchema,
    dateFormat: DateFormatSchema.optional().describe(
      'day/month order for dates the file leaves ambiguous',
    ),
    map: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .describe(
        'column=field overrides, repeatable or comma-separated; "column=" ignores a column',
      ),
    delimiter: z
      .string()
      .max(9)
      .optional()
      .describe('force the delimiter: "," ";" or "tab" (detected otherwise)'),
    filename: z.string().max(255).optional(),
  })
  .strict();

export const CsvBody = z.string().meta({ description: 'the CSV file (Content-Type: text/csv)' });

export const ApplyImportBody = z
  .object({
    mapping: z
      .record(z.string(), z.string().nullable())
      .optional()
      .describe(
        'column → field; null or "" ignores the column; replaces the mapping given at upload',
      ),
    dateFormat: DateFormatSchema.optional(),
  })
  .strict()
  .meta({ id: 'ApplyImport' });

const RowIssueOut = z
  .object({ line: z.number().int(), column: z.string(), value: z.string(), reason: z.string() })
  .meta({ id: 'ImportRowIssue' });

export const ImportReportOut = z
  .object({
    kind: ImportKindSchema,
    mode: z.enum(['dry_run', 'apply']),
    fileName: z.string().nullable(),
    delimiter: z.string(),
    encoding: z.enum(ENCODINGS),
    rows: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    columns: z.array(
      z.object({
        column: z.string(),
        target: z.string().nullable().describe('field key, traits.<key>, or null when ignored'),
        source: z.enum(['auto', 'map']),
        type: z.enum(DETECTED_TYPES),
        note: z.string().nullable(),
      }),
    ),
    traits: z.array(z.string()),
    needsInput: z.array(
      z.object({ column: z.string(), reason: z.string(), choices: z.array(z.string()) }),
    ),
    problems: z.array(z.string()),
    warnings: z.array(z.string()),
    badRows: z.number().int(),
    errorCount: z.number().int(),
    errors: z
      .array(RowIssueOut)
      .describe(
        'every bad cell with its line (the line the record starts on) and column; capped at 10,000',
      ),
    errorsTruncated: z.boolean(),
  })
  .meta({ id: 'ImportReport' });

export const ImportOut = z
  .object({
    id: z.string(),
    kind: ImportKindSchema,
    status: z.enum(IMPORT_STATUSES),
    fileName: z.string().nullable(),
    createdAt: z.string(),
    appliedAt: z.string().nullable(),
    options: z.object({
      mapping: z.record(z.string(), z.string().nullable()).optional(),
      dateFormat: DateFormatSchema.optional(),
      delimiter: z.string().optional(),
    }),
    report: ImportReportOut,
  })
  .meta({ id: 'Import' });
