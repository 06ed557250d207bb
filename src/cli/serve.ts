import type { Command } from 'commander';
import { loadConfig } from '../core/config.js';
import { makeCtx } from '../core/context.js';
import { migrateToLatest, openDatabase } from '../db/database.js';
import { loadDemoIfEmpty } from '../demo/service.js';
import { buildServer } from '../server/app.js';
import { printJson } from './shared.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the API server (migrates the database first)')
    .option('-p, --port <port>', 'port to listen on (default $PORT or 3000)')
    .option('--host <host>', 'interface to bind (default $HOST or 127.0.0.1)')
    .option('--demo-if-empty', 'load the demo company when the database has no accounts')
    .action(async (opts: { port?: string; host?: string; demoIfEmpty?: boolean }) => {
      const config = loadConfig();
      const port = opts.port ? Number(opts.port) : config.port;
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new Error(`--port: not a port number: ${opts.port}`);
      const handle = openDatabase(config);
      await migrateToLatest(handle.db);
      if (opts.demoIfEmpty) {
        const ctx = makeCtx(handle.db, handle.dialect);
        process.stderr.write('Checking for data…\n');
        const summary = await loadDemoIfEmpty(ctx);
        if (summary) {
          process.stderr.write(`Loaded the demo company: ${summary.accounts} accounts.\n`);
        }
      }
      const app = await buildServer({ handle, config, logger: false });
      const address = await app.listen({ port, host: opts.host ?? config.host });
      const where = config.databaseUrl ? 'PostgreSQL' : `${config.dataDir}/tenure.db`;
      process.stdout.write(`Tenure is listening on ${address} (data: ${where})\n`);
      process.stdout.write(
        `API docs: ${address}/api/docs   OpenAPI: ${address}/api/openapi.json\n`,
      );
      const stop = async () => {
        await app.close();
        await handle.destroy();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
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
