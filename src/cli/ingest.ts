import cliProgress from 'cli-progress';
import { ingestFile } from '../usage/intake/file.js';
import { intakeStats, listDeadLetters, replayDeadLetters } from '../usage/intake/admin.js';
import { purgeRawEvents } from '../usage/retention.js';
import { printJson, printTable, withCtx, type RegisterVerb } from './shared.js';

export const registerIngest: RegisterVerb = (program) => {
  const ingest = program
    .command('ingest')
    .description('product events: backfill from a file, intake status, dead letters');
  ingest
    .command('send')
    .description('store events from a JSON Lines file (one Segment call with its "type" per line)')
    .argument('<file>', 'a .jsonl file')
    .option(
      '--source <name>',
      'the source these events come from (de-duplication is per source)',
      'cli',
    )
    .option('--json', 'print the result as JSON')
    .action(async (file: string, o: { source: string; json?: boolean }) => {
      await withCtx(async (ctx) => {
        const bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: 'Sending |{bar}| {percentage}% | {duration}s',
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(100, 0);
        let result;
        try {
          result = await ingestFile(ctx, file, {
            sourceId: `cli:${o.source}`,
            onProgress: (done, total) => bar.update(Math.floor((done / Math.max(total, 1)) * 100)),
          });
          bar.update(100);
        } finally {
          bar.stop();
        }
        if (o.json) return printJson(result);
        process.stdout.write(
          `${result.lines} lines: ${result.accepted} stored, ${result.duplicates} duplicates, ${result.rejected} refused.\n`,
        );
        for (const p of result.problems.slice(0, 20))
          process.stdout.write(`  line ${p.line}: ${p.reason}\n`);
        if (result.rejected > 0)
          process.stdout.write(
            'Refused lines are in the dead letters: tenure ingest dead-letters\n',
          );
      });
    });
  ingest
    .command('stats')
    .description(
      'what the intake has stored: events, last event, unattributed, dead letters, per day',
    )
    .option('--days <n>', 'days of history', '14')
    .option('--json', 'print JSON')
    .action(async (o: { days: string; json?: boolean }) => {
      const days = Number(o.days);
      if (!Number.isInteger(days) || days < 1 || days > 400)
        throw new Error(`--days: expected 1–400, got "${o.days}"`);
      await withCtx(async (ctx) => {
        const s = await intakeStats(ctx, days);
        if (o.json) return printJson(s);
        process.stdout.write(
          `events stored ${s.events} · last received ${s.lastReceivedAt ?? 'never'} · unattributed ${s.unattributed}\n` +
            `open dead letters ${s.deadLettersOpen} · catalogued events ${s.catalogEvents} · product users ${s.productUsers}\n` +
            (s.rollupBacklog.events > 0
              ? `rollups to write ${s.rollupBacklog.events} (waiting since ${s.rollupBacklog.oldestAt})\n`
              : ''),
        );
        printTable(
          s.perDay.map((d) => ({ day: d.day, events: d.events, active_users: d.activeUsers })),
          ['day', 'events', 'active_users'],
        );
      });
    });
  ingest
    .command('dead-letters')
    .description('events the intake refused, with the reason')
    .option('--all', 'include replayed ones')
    .option('--limit <n>', 'how many (default 100)', '100')
    .option('--json', 'print JSON')
    .action(async (o: { all?: boolean; limit: string; json?: boolean }) => {
      await withCtx(async (ctx) => {
        const items = await listDeadLetters(ctx, {
          status: o.all ? undefined : 'open',
          limit: Number(o.limit) || 100,
        });
        if (o.json) return printJson({ items });
        printTable(
          items.map((d) => ({
            id: d.id,
            received: d.receivedAt.slice(0, 19),
            message_id: d.messageId,
            status: d.status,
            reason: d.reason,
          })),
          ['id', 'received', 'message_id', 'status', 'reason'],
        );
      });
    });
  ingest
    .command('replay')
    .description('check refused events again and store those that now pass')
    .argument('[ids...]', 'dead letter ids (dlq_…)')
    .option('--all', 'every open dead letter')
    .option('--json', 'print JSON')
    .action(async (ids: string[], o: { all?: boolean; json?: boolean }) => {
      if (!o.all && ids.length === 0) throw new Error('give dead letter ids or --all');
      await withCtx(async (ctx) => {
        const items = await replayDeadLetters(ctx, o.all ? 'all' : ids);
        if (o.json) return printJson({ items });
        const stored = items.filter((i) => i.status !== 'rejected').length;
        process.stdout.write(
          `${items.length} replayed: ${stored} stored, ${items.length - stored} still refused.\n`,
        );
        for (const i of items.filter((x) => x.status === 'rejected').slice(0, 20))
          process.stdout.write(`  ${i.id}: ${i.reason}\n`);
      });
    });
  ingest
    .command('purge')
    .description('delete raw events older than the retention window (rollups are kept forever)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await withCtx(async (ctx) => {
        ctx.can('write', 'setting');
        const deleted = await purgeRawEvents(ctx);
        if (o.json) return printJson({ deleted });
        process.stdout.write(`Deleted ${deleted} raw events past the retention window.\n`);
      });
    });
};
