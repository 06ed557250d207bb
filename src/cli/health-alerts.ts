import type { Command } from 'commander';
import { toIsoDate } from '../core/clock.js';
import { AppError } from '../core/errors.js';
import { findAccountByRef } from '../accounts/account/service.js';
import { csvLine } from '../accounts/export/format.js';
import { AlertListQuery, EvaluateBody, ResolveBody, SnoozeBody } from '../health/alerts/schemas.js';
import * as alerts from '../health/alerts/service.js';
import { parseOptions, printJson, printTable, withCtx, type RegisterVerb } from './shared.js';

const out = (s: string) => void process.stdout.write(s);
/** CLI option names of the API's fields, so errors name what the user typed. */
const OPTION: Record<string, string> = { day: '--date' };
const PAGE = 500;

interface ListOpts {
  status?: string;
  kind?: string;
  severity?: string;
  owner?: string;
  mine?: boolean;
  account?: string;
  limit?: string;
  csv?: boolean;
  json?: boolean;
}

/** --mine: the CLI acts as the operator, who owns no accounts, so it names the user. */
function ownerOption(o: ListOpts): string | undefined {
  if (!o.mine) return o.owner;
  if (o.owner) throw new AppError('validation', '--mine: give --mine or --owner, not both');
  const me = process.env.TENURE_USER?.trim();
  if (!me)
    throw new AppError(
      'validation',
      '--mine: set TENURE_USER to your user id or email (the CLI acts as the operator)',
    );
  return me;
}

async function listVerb(o: ListOpts): Promise<void> {
  const max = o.limit === undefined ? Infinity : Number(o.limit);
  if (!(Number.isInteger(max) || max === Infinity) || max < 1)
    throw new AppError('validation', `--limit: expected a positive whole number, got "${o.limit}"`);
  const q = parseOptions(
    AlertListQuery,
    {
      status: o.status,
      kind: o.kind,
      severity: o.severity,
      owner: ownerOption(o),
      limit: Math.min(PAGE, max),
    },
    OPTION,
  );
  await withCtx(async (ctx) => {
    const accountId = o.account ? (await findAccountByRef(ctx, o.account)).id : undefined;
    const items: alerts.Alert[] = [];
    let cursor: string | undefined;
    do {
      const page = await alerts.listAlerts(ctx, { ...q, accountId, cursor });
      items.push(...page.items.slice(0, max - items.length));
      cursor = page.nextCursor ?? undefined;
    } while (cursor && items.length < max);
    if (o.json) return printJson({ items });
    if (o.csv) {
      const cols = ['id', 'created_at', 'day', 'account_id', 'account_name', 'kind'] as const;
      out(csvLine([...cols, 'severity', 'status', 'title', 'reason', 'evidence']));
      for (const a of items)
        out(
          csvLine([
            a.id,
            a.createdAt,
            a.day,
            a.accountId,
            a.accountName,
            a.kind,
            a.severity,
            a.status,
            a.title,
            a.reason,
            JSON.stringify(a.evidence),
          ]),
        );
      return;
    }
    if (items.length === 0) return out(`No ${q.status === 'all' ? '' : `${q.status} `}alerts.\n`);
    printTable(
      items.map((a) => ({
        id: a.id,
        day: a.day,
        severity: a.severity,
        account: a.accountName ?? a.accountId,
        title: a.title,
        status: a.status,
      })),
      ['id', 'day', 'severity', 'account', 'title', 'status'],
    );
  });
}

/**
 * Commander gives `alerts`'s own options (--json) to it wherever they are typed, so a verb
 * reads them merged with its own: `alerts evaluate --json` and `alerts --json evaluate` agree.
 */
const jsonOf = (cmd: Command) => cmd.optsWithGlobals<{ json?: boolean }>().json === true;

async function evaluateVerb(o: { date?: string }, cmd: Command) {
  const v = parseOptions(EvaluateBody, { day: o.date }, OPTION);
  await withCtx(async (ctx) => {
    const run = await alerts.evaluateAlerts(ctx, v.day ?? toIsoDate(ctx.now()));
    if (jsonOf(cmd)) return printJson(run);
    const kinds = Object.entries(run.byKind)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(' · ');
    out(
      run.created === 0
        ? `${run.day}: no new alerts.\n`
        : `${run.day}: raised ${run.created} alert${run.created === 1 ? '' : 's'} (${kinds}).\n`,
    );
  });
}

/** The one-line answer to acknowledge, snooze and resolve. */
function done(a: alerts.Alert, json?: boolean): void {
  if (json) return printJson(a);
  const until = a.snoozedUntil ? ` until ${a.snoozedUntil}` : '';
  out(`${a.id} is ${a.status}${until}: ${a.title} (${a.accountName ?? a.accountId})\n`);
}

function registerActions(cmd: Command): void {
  cmd
    .command('acknowledge')
    .alias('ack')
    .description('someone is on it: the alert leaves the open list')
    .argument('<id>', 'alert id')
    .option('--json', 'print the alert as JSON')
    .action(async (id: string, _o: unknown, c: Command) => {
      await withCtx(async (ctx) => done(await alerts.acknowledgeAlert(ctx, id), jsonOf(c)));
    });
  cmd
    .command('snooze')
    .description('hide an alert until a date (its start, UTC) or instant; then it is open again')
    .argument('<id>', 'alert id')
    .requiredOption('--until <when>', 'YYYY-MM-DD or an ISO instant, at most 366 days ahead')
    .option('--json', 'print the alert as JSON')
    .action(async (id: string, o: { until: string }, c: Command) => {
      const v = parseOptions(SnoozeBody, { until: o.until }, OPTION);
      await withCtx(async (ctx) => done(await alerts.snoozeAlert(ctx, id, v.until), jsonOf(c)));
    });
  cmd
    .command('resolve')
    .description('close an alert for good; its cause never raises it again')
    .argument('<id>', 'alert id')
    .option('--note <text>', 'what was done; kept on the timeline')
    .option('--json', 'print the alert as JSON')
    .action(async (id: string, o: { note?: string }, c: Command) => {
      const v = parseOptions(ResolveBody, { note: o.note }, OPTION);
      await withCtx(async (ctx) => done(await alerts.resolveAlert(ctx, id, v.note), jsonOf(c)));
    });
}

/** `tenure health alerts …`, under the health verbs (register them first). */
export const registerHealthAlerts: RegisterVerb = (program) => {
  const health = program.commands.find((c) => c.name() === 'health');
  if (!health) throw new Error('register the health verbs before their alerts');
  const cmd = health
    .command('alerts')
    .description('the alert inbox (open alerts by default); evaluate a day; act on an alert')
    .option('--status <status>', 'open (default), acknowledged, snoozed, resolved or all')
    .option('--kind <kind>', 'e.g. score_drop, tier_change, champion_left')
    .option('--severity <severity>', 'critical, high, medium or low')
    .option('--owner <user>', "a user id or email: that user's accounts; none: nobody's")
    .option('--mine', 'the accounts of the user in $TENURE_USER')
    .option('--account <account>', 'one account: id, CRM id or billing id')
    .option('--limit <n>', 'at most this many, newest first (default all)')
    .option('--csv', 'write CSV (evidence as JSON text)')
    .option('--json', 'print JSON ({ items })')
    .action(listVerb);
  cmd
    .command('evaluate')
    .description('evaluate the alert rules for a day and raise the alerts that are new')
    .option('--date <date>', 'YYYY-MM-DD (default today)')
    .option('--json', 'print the run as JSON')
    .addHelpText(
      'after',
      '\nScore the day first (`tenure health score --date D`): the score rules read its snapshots.\n' +
        'An alert is raised once per cause; evaluating again never duplicates or reopens one.',
    )
    .action(evaluateVerb);
  registerActions(cmd);
};
