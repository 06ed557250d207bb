import type { Command } from 'commander';
import { listUsers } from '../identity/service.js';
import { printJson, printTable, withCtx } from './shared.js';

export function registerUsers(program: Command): void {
  const users = program.command('users').description('people who own accounts and use Tenure');
  users
    .command('list')
    .description('list users')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await withCtx(async (ctx) => {
        const items = await listUsers(ctx);
        if (o.json) return printJson({ items });
        printTable(
          items.map((u) => ({ id: u.id, name: u.name, email: u.email, role: u.role })),
          ['id', 'name', 'email', 'role'],
        );
      });
    });
}
