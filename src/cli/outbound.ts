import type { Command } from 'commander';
import { makeCtx, SYSTEM } from '../core/context.js';
import {
  createEndpoint,
  deliverDue,
  listEndpoints,
  listOutbox,
  removeEndpoint,
  retryMessage,
} from '../outbound/service.js';
import { mailSettings, realTransports } from '../outbound/transports.js';
import { printJson, printTable, withCtx, type RegisterVerb } from './shared.js';

export const registerOutbound: RegisterVerb = (program: Command) => {
  const outbox = program
    .command('outbox')
    .description('outbound email, Slack and webhook messages: the log, sending, retries');

  outbox
    .command('list', { isDefault: true })
    .description('messages, newest first, with what the provider answered')
    .option('--status <status>', 'pending, sending, sent or failed')
    .option('--channel <channel>', 'email, slack or webhook')
    .option('--limit <n>', 'messages to show (default 50)', '50')
    .option('--json', 'print JSON')
    .action(async (o: { status?: string; channel?: string; limit: string; json?: boolean }) =>
      withCtx(async (ctx) => {
        const limit = Number(o.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 500)
          throw new Error(`--limit: expected 1–500, got "${o.limit}"`);
        const items = await listOutbox(ctx, { status: o.status, channel: o.channel, limit });
        if (o.json) return printJson({ items });
        printTable(
          items.map((m) => ({
            id: m.id,
            channel: m.channel,
            to: m.recipient,
            status: m.status,
            tries: `${m.attempts}/${m.maxAttempts}`,
            subject: (m.subject ?? m.body).slice(0, 40),
            answer: (m.lastError ?? m.response ?? '').slice(0, 50),
          })),
          ['id', 'channel', 'to', 'status', 'tries', 'subject', 'answer'],
        );
      }),
    );

  outbox
    .command('send')
    .description('send every due message now (servers and workers do this every minute)')
    .option(
      '--lease-seconds <n>',
      'how long a message being sent is held before another sender may retry it',
      '120',
    )
    .option('--json', 'print JSON')
    .action(async (o: { leaseSeconds: string; json?: boolean }) =>
      withCtx(async (ctx) => {
        const lease = Number(o.leaseSeconds);
        if (!Number.isFinite(lease) || lease <= 0)
          throw new Error(`--lease-seconds: expected a positive number, got "${o.leaseSeconds}"`);
        const mail = mailSettings();
        const sys = makeCtx(ctx.db, ctx.dialect, { actor: SYSTEM });
        const r = await deliverDue(sys, realTransports(mail), mail, { leaseMs: lease * 1000 });
        if (o.json) return printJson(r);
        process.stdout.write(`Sent ${r.sent}, retrying ${r.retrying}, failed ${r.failed}.\n`);
      }),
    );

  outbox
    .command('retry <id>')
    .description('queue a failed message again')
    .action(async (id: string) =>
      withCtx(async (ctx) => {
        const m = await retryMessage(ctx, id);
        process.stdout.write(`Queued ${m.id} again.\n`);
      }),
    );

  const endpoints = program
    .command('endpoints')
    .description('where Slack messages and webhooks go');
  endpoints
    .command('list', { isDefault: true })
    .description('Slack incoming webhooks and signed webhook endpoints')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) =>
      withCtx(async (ctx) => {
        const items = await listEndpoints(ctx);
        if (o.json) return printJson({ items });
        printTable(
          items.map((e) => ({ id: e.id, kind: e.kind, name: e.name, url: e.url })),
          ['id', 'kind', 'name', 'url'],
        );
      }),
    );
  endpoints
    .command('add')
    .description('add one; a webhook gets a signing secret, shown once')
    .requiredOption('--kind <kind>', 'slack or webhook')
    .requiredOption('--name <name>', 'what to call it, e.g. "#cs-alerts"')
    .requiredOption('--url <url>', 'the Slack incoming-webhook URL or your endpoint')
    .option('--json', 'print JSON')
    .action(async (o: { kind: string; name: string; url: string; json?: boolean }) =>
      withCtx(async (ctx) => {
        if (o.kind !== 'slack' && o.kind !== 'webhook')
          throw new Error(`--kind: slack or webhook, got "${o.kind}"`);
        const e = await createEndpoint(ctx, { kind: o.kind, name: o.name, url: o.url });
        if (o.json) return printJson(e);
        process.stdout.write(`Added ${e.kind} ${e.name} (${e.id}).\n`);
        if (e.secret)
          process.stdout.write(`Signing secret (shown once; see docs/outbound.md): ${e.secret}\n`);
      }),
    );
  endpoints
    .command('remove <id>')
    .description('stop sending to an endpoint')
    .action(async (id: string) =>
      withCtx(async (ctx) => {
        await removeEndpoint(ctx, id);
        process.stdout.write(`Removed ${id}.\n`);
      }),
    );
};
