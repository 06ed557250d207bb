import { Command, CommanderError } from 'commander';
import { AppError } from '../core/errors.js';
import { mapDbError } from '../db/errors.js';
import { registerAccounts } from './accounts.js';
import { registerDemo } from './demo.js';
import { registerExport } from './export.js';
import { registerImport } from './import.js';
import { registerMigrate, registerOpenApi, registerServe } from './serve.js';
import { registerUsers } from './users.js';
import { registerKeys } from './keys.js';
import { registerAudit } from './audit.js';
import { registerJobs } from './jobs.js';
import { registerTasks } from './tasks.js';
import { registerRenewals } from './renewals.js';
import { registerPlaybooks } from './playbooks.js';
import { registerOutbound } from './outbound.js';
import { registerRules } from './rules.js';
import { registerIngest } from './ingest.js';
import { registerHealth } from './health.js';
import { registerHealthAlerts } from './health-alerts.js';
import { registerHealthReviews } from './health-reviews.js';

export function buildProgram(): Command {
  const program = new Command('tenure')
    .description('Tenure: the open-source customer success platform')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nData lives in $TENURE_DATA_DIR (default ./data) as SQLite, or in PostgreSQL when DATABASE_URL is set.',
    );
  program.exitOverride();
  for (const register of [
    registerServe,
    registerMigrate,
    registerOpenApi,
    registerDemo,
    registerImport,
    registerExport,
    registerAccounts,
    registerUsers,
    registerKeys,
    registerAudit,
    registerJobs,
    registerTasks,
    registerRenewals,
    registerPlaybooks,
    registerOutbound,
    registerRules,
    registerIngest,
    registerHealth,
    registerHealthAlerts,
    registerHealthReviews,
  ]) {
    register(program);
  }
  return program;
}

/** One-line reason on stderr and a non-zero exit for every failure. */
export async function main(argv: string[]): Promise<void> {
  // `tenure accounts list | head` closes the pipe early; that is not a failure.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are "errors" to commander; they already printed.
      process.exitCode = err.exitCode;
      return;
    }
    const known = err instanceof AppError ? err : mapDbError(err);
    const message = known
      ? detailLine(known)
      : err instanceof Error
        ? err.message.split('\n')[0]
        : String(err);
    process.stderr.write(`tenure: ${message}\n`);
    process.exitCode = 1;
  }
}

function detailLine(err: AppError): string {
  return err.message.split('\n')[0] ?? err.code;
}
