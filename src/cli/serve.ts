import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../core/config.js';
import { makeCtx, SYSTEM } from '../core/context.js';
import { migrateToLatest, openDatabase } from '../db/database.js';
import { startWalCheckpointer } from '../db/checkpointer.js';
import { startRunner } from './jobs.js';
import { loadDemoIfEmpty, type DemoSummary } from '../demo/service.js';
import { setupNeeded } from '../identity/setup.js';
import { buildServer } from '../server/app.js';
import { openApiDocument } from '../server/openapi.js';
import { printJson } from './shared.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the API server (migrates the database first)')
    .option('-p, --port <port>', 'port to listen on (default $PORT or 3000)')
    .option('--host <host>', 'interface to bind (default $HOST or 127.0.0.1)')
    .option('--demo-if-empty', 'load the demo company when the database has no accounts')
    .option('--no-jobs', 'do not run scheduled jobs here (leave them to `tenure worker`)')
    .action(
      async (opts: { port?: string; host?: string; demoIfEmpty?: boolean; jobs: boolean }) => {
        const config = loadConfig();
        const port = opts.port ? Number(opts.port) : config.port;
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw new Error(`--port: not a port number: ${opts.port}`);
        const handle = openDatabase(config);
        await migrateToLatest(handle.db);
        let demoLogins: DemoSummary | null = null;
        if (opts.demoIfEmpty) {
          const ctx = makeCtx(handle.db, handle.dialect);
          process.stderr.write('Checking for data…\n');
          const summary = await loadDemoIfEmpty(ctx, {
            password: process.env.TENURE_DEMO_PASSWORD || undefined,
          });
          if (summary) {
            process.stderr.write(`Loaded the demo company: ${summary.accounts} accounts.\n`);
            demoLogins = summary;
          }
        }
        const checkpointer = startWalCheckpointer(handle, {
          onError: (m) => process.stderr.write(`WAL checkpoint failed: ${m}\n`),
        });
        const app = await buildServer({ handle, config, logger: false });
        const address = await app.listen({ port, host: opts.host ?? config.host });
        const where = config.databaseUrl ? 'PostgreSQL' : `${config.dataDir}/tenure.db`;
        process.stdout.write(`Tenure is listening on ${address} (data: ${where})\n`);
        process.stdout.write(
          `API docs: ${address}/api/docs   OpenAPI: ${address}/api/openapi.json\n`,
        );
        if (demoLogins?.password) printDemoLogins(demoLogins);
        else if (await setupNeeded(handle.db)) {
          process.stdout.write(
            `No admin yet: open ${address}/setup, or run \`tenure users create --admin --email you@example.com --name "Your Name"\`.\n`,
          );
        }
        // Scoring, alerts, retention and the rest run here unless workers take them.
        const runner = opts.jobs
          ? startRunner(makeCtx(handle.db, handle.dialect, { actor: SYSTEM }), {
              log: (line) => {
                if (!line.includes(' succeeded in ')) process.stderr.write(`${line}\n`);
              },
            })
          : null;
        const stop = async () => {
          await app.close();
          await runner?.stop();
          await checkpointer?.stop();
          await handle.destroy();
          process.exit(0);
        };
        process.once('SIGINT', () => void stop());
        process.once('SIGTERM', () => void stop());
      },
    );
}

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations')
    .option('--json', 'print machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const handle = openDatabase(loadConfig());
      try {
        const applied = await migrateToLatest(handle.db);
        if (opts.json) printJson({ applied, dialect: handle.dialect });
        else
          process.stdout.write(
            applied.length ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date.\n',
          );
      } finally {
        await handle.destroy();
      }
    });
}

export function registerOpenApi(program: Command): void {
  program
    .command('openapi')
    .description('print the OpenAPI document of the HTTP API (no server or database needed)')
    .option('--out <file>', 'write it to a file instead')
    .action(async (opts: { out?: string }) => {
      const text = `${JSON.stringify(await openApiDocument(), null, 2)}\n`;
      if (opts.out) writeFileSync(opts.out, text);
      else process.stdout.write(text);
    });
}

/** The demo users and their shared password, so whoever started Tenure can sign in. */
export function printDemoLogins(s: DemoSummary): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out('Demo sign-ins (password for every demo user, shown only now):');
  out(`  password  ${s.password}`);
  const shown = [...s.users].sort((a, b) => a.role.localeCompare(b.role)).slice(0, 4);
  for (const u of shown) out(`  ${u.role.padEnd(8)}  ${u.email}`);
  if (s.users.length > shown.length)
    out(`  … and ${s.users.length - shown.length} more: tenure users list`);
}
