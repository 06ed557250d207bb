import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { findAccountByRef } from '../accounts/account/service.js';
import {
  cancelRun,
  getPlaybook,
  listPlaybooks,
  listRuns,
  savePlaybook,
  startPlaybook,
} from '../playbooks/service.js';
import type { PlaybookInput } from '../playbooks/model.js';
import { printJson, printTable, withCtx, type RegisterVerb } from './shared.js';

export const registerPlaybooks: RegisterVerb = (program: Command) => {
  const pb = program
    .command('playbooks')
    .description('the playbook library and the plays running on accounts (docs/playbooks.md)');

  pb.command('list', { isDefault: true })
    .description('every playbook with its steps count')
    .option('--archived', 'include archived playbooks')
    .option('--json', 'print JSON')
    .action(async (o: { archived?: boolean; json?: boolean }) =>
      withCtx(async (ctx) => {
        const items = await listPlaybooks(ctx, o.archived ?? false);
        if (o.json) return printJson({ items });
        printTable(
          items.map((p) => ({
            key: p.key,
            name: p.name,
            category: p.category,
            steps: p.steps.length,
            days: Math.max(...p.steps.map((s) => s.dueAfterDays)),
            version: p.version,
          })),
          ['key', 'name', 'category', 'steps', 'days', 'version'],
        );
      }),
    );

  pb.command('show <key>')
    .description('one playbook with its steps')
    .action(async (key: string) => withCtx(async (ctx) => printJson(await getPlaybook(ctx, key))));

  pb.command('save <file>')
    .description('add or change a playbook from a YAML or JSON file (a known key is updated)')
    .action(async (file: string) =>
      withCtx(async (ctx) => {
        const text = readFileSync(file, 'utf8');
        const input = (/\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text)) as PlaybookInput;
        const p = await savePlaybook(ctx, input);
        process.stdout.write(`Saved ${p.key} (version ${p.version}, ${p.steps.length} steps).\n`);
      }),
    );

  pb.command('start <key>')
    .description("start a playbook on an account: one task per step for the account's owner")
    .requiredOption('--account <account>', 'id, CRM id or billing id')
    .option('--json', 'print JSON')
    .action(async (key: string, o: { account: string; json?: boolean }) =>
      withCtx(async (ctx) => {
        const account = await findAccountByRef(ctx, o.account);
        const run = await startPlaybook(ctx, key, account.id);
        if (o.json) return printJson(run);
        process.stdout.write(
          `Started ${run.playbook.name} on ${account.name} (${run.id}): ${run.progress.total} tasks.\n`,
        );
      }),
    );

  pb.command('runs')
    .description('plays on accounts, newest first, with progress')
    .option('--account <account>', 'id, CRM id or billing id')
    .option('--status <status>', 'running, completed or cancelled')
    .option('--json', 'print JSON')
    .action(async (o: { account?: string; status?: string; json?: boolean }) =>
      withCtx(async (ctx) => {
        if (o.status && !['running', 'completed', 'cancelled'].includes(o.status))
          throw new Error(`--status: running, completed or cancelled, got "${o.status}"`);
        const accountId = o.account ? (await findAccountByRef(ctx, o.account)).id : undefined;
        const items = await listRuns(ctx, { accountId, status: o.status });
        if (o.json) return printJson({ items });
        printTable(
          items.map((r) => ({
            id: r.id,
            playbook: r.playbook.name,
            account: r.accountId,
            status: r.status,
            progress: `${r.progress.done}/${r.progress.total}`,
            started: r.startedAt.slice(0, 10),
          })),
          ['id', 'playbook', 'account', 'status', 'progress', 'started'],
        );
      }),
    );

  pb.command('cancel <run>')
    .description('stop a running play; its open tasks are cancelled')
    .action(async (id: string) =>
      withCtx(async (ctx) => {
        const r = await cancelRun(ctx, id);
        process.stdout.write(`Stopped ${r.playbook.name} (${r.id}).\n`);
      }),
    );
};
