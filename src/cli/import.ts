import cliProgress from 'cli-progress';
import { AppError } from '../core/errors.js';
import { FIELDS, IMPORT_KINDS, keepsTraits, type ImportKind } from '../accounts/importer/fields.js';
import { parseMapArgs } from '../accounts/importer/mapping.js';
import { blockingReason } from '../accounts/importer/model.js';
import { formatReport } from '../accounts/importer/report-text.js';
import { importFile, type ImportPhase } from '../accounts/importer/service.js';
import { DATE_FORMATS, type DateFormat } from '../accounts/importer/values.js';
import { collect, printJson, withCtx, type RegisterVerb } from './shared.js';

interface ImportOpts {
  map: string[];
  dateFormat?: string;
  dryRun?: boolean;
  json?: boolean;
  delimiter?: string;
}

function fieldHelp(): string {
  const lines = IMPORT_KINDS.map((k) => {
    const keys = FIELDS[k].filter((f) => !f.derived).map((f) => f.key);
    return `  ${k}: ${keys.join(', ')}${keepsTraits(k) ? ', traits.<key>' : ''}`;
  });
  return [
    '',
    'Fields (headers are matched ignoring case, spaces and underscores; common synonyms such as',
    '"Company", "Salesforce ID", "Stripe Customer ID", "CSM" or "Renewal Date" are recognised, and',
    'the columns of Zendesk, Intercom and Freshdesk ticket exports and of NPS/CSAT survey exports):',
    ...lines,
    '',
    'Rows update existing records matched by Tenure ID, CRM/billing ID (accounts) or external ID',
    '(the ticket or response id for tickets and surveys);',
    'everything else is created. Empty cells mean "no value": on an update they leave the field',
    'as it is. Unmapped columns become custom traits on accounts. All rows are checked first;',
    'nothing is written unless every row is good, and then all of it is written in one transaction.',
    '',
    'Examples:',
    '  tenure import accounts accounts.csv --dry-run',
    '  tenure import accounts export.csv --map "Customer=name" --map "Internal notes=" --date-format d/m/yyyy',
    '  tenure import subscriptions stripe.csv --map "Customer=accountBillingId" --json',
    '  tenure import tickets zendesk-tickets.csv --dry-run',
    '  tenure import surveys nps-responses.csv --map "Account=accountCrmId"',
  ].join('\n');
}

/** A progress bar on stderr when it is a terminal; stdout stays clean for --json. */
function progressBar(): {
  update: (phase: ImportPhase, done: number, total: number) => void;
  stop: () => void;
} {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: '{phase} [{bar}] {percentage}%',
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let current: ImportPhase | null = null;
  return {
    update(phase, done, total) {
      if (phase !== current) {
        if (current) bar.stop();
        bar.start(Math.max(total, 1), 0, { phase: phase.padEnd(8) });
        current = phase;
      }
      bar.update(Math.min(done, total), { phase: phase.padEnd(8) });
    },
    stop: () => current && bar.stop(),
  };
}

export const registerImport: RegisterVerb = (program) => {
  program
    .command('import')
    .description(
      'import accounts, contacts, subscriptions, support tickets or survey responses from a CSV file (dry run first; applies only when every row is good)',
    )
    .argument('<kind>', IMPORT_KINDS.join(' | '))
    .argument('<file>', 'CSV file: comma, semicolon or tab separated, UTF-8 (BOM optional)')
    .option(
      '--map <column=field>',
      'map a column to a field (repeatable); "column=" ignores the column',
      collect,
      [],
    )
    .option(
      '--date-format <format>',
      `day/month order when the file does not show it: ${DATE_FORMATS.join(', ')}`,
    )
    .option('--dry-run', 'check every row and report; write nothing')
    .option('--json', 'print the report as JSON on stdout')
    .option('--delimiter <char>', 'force the delimiter instead of detecting it: "," ";" or "tab"')
    .addHelpText('after', fieldHelp())
    .action(async (kindArg: string, file: string, o: ImportOpts) => {
      if (!(IMPORT_KINDS as readonly string[]).includes(kindArg)) {
        throw new AppError(
          'validation',
          `kind: expected one of ${IMPORT_KINDS.join(', ')}, got "${kindArg}"`,
        );
      }
      const kind = kindArg as ImportKind;
      if (
        o.dateFormat !== undefined &&
        !(DATE_FORMATS as readonly string[]).includes(o.dateFormat)
      ) {
        throw new AppError(
          'validation',
          `--date-format: expected one of ${DATE_FORMATS.join(', ')}, got "${o.dateFormat}"`,
        );
      }
      const { overrides, problems } = parseMapArgs(o.map);
      if (problems.length) throw new AppError('validation', `--${problems[0]!}`);
      const bar = progressBar();
      const result = await withCtx(async (ctx) => {
        try {
          return await importFile(ctx, kind, file, {
            mapping: overrides,
            dateFormat: o.dateFormat as DateFormat | undefined,
            delimiter: o.delimiter,
            dryRun: o.dryRun,
            onProgress: bar.update,
          });
        } finally {
          bar.stop();
        }
      });
      if (o.json) printJson(result);
      else process.stdout.write(formatReport(result.report, result.status, result.id));
      const reason =
        result.status === 'applied' || result.status === 'dry_run'
          ? null
          : blockingReason(result.report);
      if (reason) throw new AppError('validation', reason);
    });
};
