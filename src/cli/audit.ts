import type { Command } from 'commander';
import { exportAuditCsv, listAudit, type AuditQuery } from '../audit/service.js';
import { printJson, printTable, withCtx, type RegisterVerb } from './shared.js';

function summarise(changes: Record<string, [unknown, unknown]>): string {
  const text = Object.entries(changes)
    .map(
      ([k, [a, b]]) => `${k}: ${a === null ? '' : JSON.stringify(a) + ' → '}${JSON.stringify(b)}`,
    )
    .join('; ');
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export const registerAudit: RegisterVerb = (program: Command) => {
  program
    .command('audit')
    .description('read the audit log: every write, who made it, and what changed')
    .option('--entity <entity>', 'account, contact, subscription, user, api_key, session, import…')
    .option('--id <id>', 'one record: the entity id')
    .option('--actor <actor>', 'user id or email, operator, system, or an API key id')
    .option('--action <action>', 'create, update, archive, login, revoke…')
    .option('--since <when>', 'from this date or instant')
    .option('--until <when>', 'before this date or instant')
    .option('--limit <n>', 'entries to show (default 50)', '50')
    .option('--csv', 'write every matching entry as CSV')
    .option('--json', 'print JSON')
    .action(
      async (o: {
        entity?: string;
        id?: string;
        actor?: string;
        action?: string;
        since?: string;
        until?: string;
        limit: string;
        csv?: boolean;
        json?: boolean;
      }) => {
        const limit = Number(o.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 500)
          throw new Error(`--limit: expected 1–500, got "${o.limit}"`);
        const instant = (v: string | undefined, name: string) => {
          if (v === undefined) return undefined;
          const d = new Date(v);
          if (Number.isNaN(d.getTime())) throw new Error(`${name}: not a date, got "${v}"`);
          return d.toISOString();
        };
        const q: AuditQuery = {
          entity: o.entity,
          entityId: o.id,
          actor: o.actor,
          action: o.action,
          from: instant(o.since, '--since'),
          to: instant(o.until, '--until'),
          limit,
        };
        await withCtx(async (ctx) => {
          if (o.csv) {
            for await (const line of await exportAuditCsv(ctx, q)) process.stdout.write(line);
            return;
          }
          const page = await listAudit(ctx, q);
          if (o.json) return printJson(page);
          printTable(
            page.items.map((e) => ({
              at: e.at.replace('T', ' ').slice(0, 19),
              actor: `${e.actor.kind}:${e.actor.name}`,
              action: e.action,
              entity: `${e.entity} ${e.entityId}`,
              changes: summarise(e.changes),
            })),
            ['at', 'actor', 'action', 'entity', 'changes'],
          );
        });
      },
    );
};
