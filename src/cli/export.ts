import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { z } from 'zod';
import { AppError } from '../core/errors.js';
import { BOOK_KINDS, type BookKind } from '../accounts/importer/fields.js';
import {
  AccountExportQuery,
  ContactExportQuery,
  SubscriptionExportQuery,
} from '../accounts/export/schemas.js';
import { exportCsv, type ExportFilter } from '../accounts/export/service.js';
import { withCtx, type RegisterVerb } from './shared.js';

interface ExportOpts {
  out?: string;
  owner?: string;
  segment?: string;
  stage?: string;
  q?: string;
  includeArchived?: boolean;
  account?: string;
  status?: string;
  excludeLeft?: boolean;
}

function parse<T extends z.ZodType>(schema: T, raw: Record<string, unknown>): z.output<T> {
  const clean = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  const r = schema.safeParse(clean);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new AppError('validation', `--${String(i.path[0] ?? 'option')}: ${i.message}`);
  }
  return r.data;
}

/** Validate options with the HTTP query schemas, so both report the same errors. */
function filterOf(kind: BookKind, o: ExportOpts): ExportFilter {
  if (kind === 'accounts') {
    return parse(AccountExportQuery, {
      owner: o.owner,
      segment: o.segment,
      stage: o.stage,
      q: o.q,
      includeArchived: o.includeArchived ? 'true' : undefined,
    });
  }
  if (kind === 'contacts')
    return parse(ContactExportQuery, {
      accountId: o.account,
      includeLeft: o.excludeLeft ? 'false' : undefined,
    });
  return parse(SubscriptionExportQuery, { accountId: o.account, status: o.status });
}

async function writeAll(out: Writable, chunks: AsyncIterable<string>): Promise<void> {
  for await (const chunk of chunks) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
}

export const registerExport: RegisterVerb = (program) => {
  program
    .command('export')
    .description(
      'export accounts, contacts or subscriptions as CSV (UTF-8 with BOM, CRLF; opens in Excel and Google Sheets)',
    )
    .argument('<kind>', BOOK_KINDS.join(' | '))
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--owner <user>', 'accounts: owner user id or email, or "none"')
    .option('--segment <segment>', 'accounts: segment')
    .option('--stage <stage>', 'accounts: lifecycle stage')
    .option('--q <text>', 'accounts: search name, domain, CRM or billing id')
    .option('--include-archived', 'accounts: include archived accounts')
    .option('--account <id>', 'contacts, subscriptions: one account (Tenure id)')
    .option('--status <status>', 'subscriptions: status')
    .option('--exclude-left', 'contacts: leave out people who left')
    .addHelpText(
      'after',
      "\nThe headers are the importer's own, so `tenure import <kind> FILE` reads an export back into the same records.",
    )
    .action(async (kindArg: string, o: ExportOpts) => {
      if (!(BOOK_KINDS as readonly string[]).includes(kindArg)) {
        throw new AppError(
          'validation',
          `kind: expected one of ${BOOK_KINDS.join(', ')}, got "${kindArg}"`,
        );
      }
      const kind = kindArg as BookKind;
      const filter = filterOf(kind, o);
      await withCtx(async (ctx) => {
        const lines = await exportCsv(ctx, kind, filter);
        if (!o.out) return writeAll(process.stdout, lines);
        const file = createWriteStream(o.out);
        const failed = once(file, 'error').then(([err]) => {
          throw new AppError(
            'validation',
            `--out: cannot write ${o.out} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
          );
        });
        failed.catch(() => undefined);
        await Promise.race([writeAll(file, lines), failed]);
        file.end();
        await Promise.race([once(file, 'finish'), failed]);
      });
    });
};
