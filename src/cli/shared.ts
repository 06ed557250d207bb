import type { Command } from 'commander';
import type { z } from 'zod';
import { AppError } from '../core/errors.js';
import { loadConfig, type Config } from '../core/config.js';
import { makeCtx, type Ctx } from '../core/context.js';
import { migrateToLatest, openDatabase, type DbHandle } from '../db/database.js';

/** Open the configured database (DATABASE_URL or the data dir), migrate it, and run `fn` as the operator. */
export async function withCtx<T>(
  fn: (ctx: Ctx, handle: DbHandle, config: Config) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  const handle = openDatabase(config);
  try {
    await migrateToLatest(handle.db);
    return await fn(makeCtx(handle.db, handle.dialect), handle, config);
  } finally {
    await handle.destroy();
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Fixed-width table for human output. */
export function printTable(
  rows: Record<string, string | number | null>[],
  columns: string[],
): void {
  const widths = columns.map((c) =>
    Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((s, i) => s.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${line(columns)}\n`);
  for (const r of rows) process.stdout.write(`${line(columns.map((c) => String(r[c] ?? '')))}\n`);
}

/** Each verb module exports one of these and main.ts registers it. */
export type RegisterVerb = (program: Command) => void;

/** Collect repeatable options such as `--map a=b --map c=d`. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * Check CLI options against an API schema; an error names the option the user typed
 * (`names` maps schema fields to options where they differ, e.g. day → --date).
 */
export function parseOptions<T extends z.ZodType>(
  schema: T,
  raw: Record<string, unknown>,
  names: Record<string, string> = {},
): z.output<T> {
  const clean = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  const r = schema.safeParse(clean);
  if (r.success) return r.data;
  const i = r.error.issues[0]!;
  const key = String(i.path[0] ?? 'option');
  throw new AppError('validation', `${names[key] ?? `--${key}`}: ${i.message}`);
}
