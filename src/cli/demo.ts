import cliProgress from 'cli-progress';
import { formatMinor } from '../core/money.js';
import {
  buildDemo,
  DEFAULT_DEMO_ACCOUNTS,
  DEFAULT_DEMO_SEED,
  hasAnyAccount,
  type DemoSummary,
} from '../demo/service.js';
import { printJson, withCtx, type RegisterVerb } from './shared.js';

function intOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new Error(`${name}: expected a whole number, got "${value}"`);
  return Number(value);
}

function printSummary(s: DemoSummary, seconds: number): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const kinds = ['new', 'expansion', 'contraction', 'churn', 'reactivation']
    .map((k) => `${k} ${s.movementsByKind[k] ?? 0}`)
    .join(', ');
  const mrr = s.mrrByCurrency.map((m) => `${formatMinor(m.mrrMinor, m.currency)} ${m.currency}`);
  out(`Demo company loaded in ${seconds.toFixed(1)} s (seed ${s.seed}, today ${s.today}).`);
  out(`  accounts        ${s.accounts} (${s.churnedAccounts} churned)`);
  out(`  contacts        ${s.contacts}`);
  out(`  subscriptions   ${s.subscriptions}`);
  out(`  movements       ${s.movements} (${kinds})`);
  out(`  timeline        ${s.timelineEntries} entries`);
  out(
    `  usage           ${s.productUsers} product users; ${s.usageUserDays} user-days, ` +
      `${s.usageEventDays} event-days, ${s.usageUserEventDays} user-event-days`,
  );
  out(`  tickets         ${s.tickets}`);
  out(`  surveys         ${s.surveyResponses} NPS responses`);
  out(`  MRR             ${mrr.join(' · ')}`);
  out('Users:');
  const width = Math.max(...s.users.map((u) => u.name.length));
  for (const u of s.users) out(`  ${u.name.padEnd(width)}  ${u.role.padEnd(7)}  ${u.email}`);
  if (s.password) out(`Every demo user signs in with the password ${s.password}`);
}

/** `tenure demo`: build the deterministic demo company into an empty database. */
export const registerDemo: RegisterVerb = (program) => {
  program
    .command('demo')
    .description('load the deterministic demo company into an empty database')
    .option('--seed <n>', `random seed (default ${DEFAULT_DEMO_SEED})`)
    .option('--accounts <n>', `number of accounts (default ${DEFAULT_DEMO_ACCOUNTS})`)
    .option('--json', 'print the summary as JSON')
    .action(async (o: { seed?: string; accounts?: string; json?: boolean }) => {
      const seed = intOption(o.seed, '--seed', DEFAULT_DEMO_SEED);
      const accounts = intOption(o.accounts, '--accounts', DEFAULT_DEMO_ACCOUNTS);
      await withCtx(async (ctx) => {
        if (await hasAnyAccount(ctx)) {
          throw new Error(
            'the database already has accounts; the demo loads only into an empty database',
          );
        }
        const bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: 'Building demo company |{bar}| {value}/{total} {phase} | {duration}s',
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(accounts, 0, { phase: 'accounts' });
        const started = performance.now();
        let summary: DemoSummary;
        try {
          summary = await buildDemo(ctx, {
            seed,
            accounts,
            onProgress: (done, _total, phase) =>
              bar.update(done, {
                phase: phase === 'accounts' ? 'accounts' : 'accounts: usage, tickets, NPS',
              }),
            password: process.env.TENURE_DEMO_PASSWORD || undefined,
          });
        } finally {
          bar.stop();
        }
        const seconds = (performance.now() - started) / 1000;
        if (o.json) printJson({ ...summary, seconds: Math.round(seconds * 10) / 10 });
        else printSummary(summary, seconds);
      });
    });
};
