import type { Command } from 'commander';
import { formatMinor } from '../core/money.js';
import { csvLine } from '../accounts/export/format.js';
import { MEASURES } from '../health/measures/registry.js';
import { BacktestCreate } from '../health/backtest/schemas.js';
import * as backtests from '../health/backtest/service.js';
import { riskReport } from '../health/scoring/risk.js';
import { parseOptions, printJson, printTable, withCtx } from './shared.js';

/** `tenure health backtest …` and `tenure risk`: thin verbs over the backtest and risk services. */

const out = (s: string) => process.stdout.write(s);
/** The option each request field comes from, for error messages. */
const OPTION: Record<string, string> = {
  modelKey: '--model',
  version: '--model-version',
  horizonDays: '--horizon',
  from: '--from',
  to: '--to',
  trainUntil: '--train-until',
};
const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
const auc = (r: { auc: number; ci: readonly [number, number] | null } | null) =>
  r ? `${r.auc.toFixed(3)}${r.ci ? ` (${r.ci[0].toFixed(2)}–${r.ci[1].toFixed(2)})` : ''}` : '—';

function printReport(bt: backtests.Backtest): void {
  const r = bt.report;
  out(
    `Backtest ${bt.id}: ${bt.model.name} (${bt.model.key} v${bt.model.version}), ` +
      `${bt.params.horizonDays} days ahead, outcomes ${bt.params.from} → ${bt.params.to}\n`,
  );
  out(
    `Outcomes: ${r.counts.samples} (${r.counts.churned} churned, ${r.counts.retained} retained); ` +
      `scored ahead: ${r.counts.scored.churned} churned, ${r.counts.scored.retained} retained\n\n`,
  );
  out(`${r.verdict.text}\n`);
  if (r.auc) out(`AUC ${auc(r.auc)}\n`);
  out('\nRenewal rate by tier\n');
  printTable(
    r.tiers.map((t) => ({
      tier: t.tier,
      outcomes: t.n,
      renewed: t.renewed,
      churned: t.churned,
      'renewal rate': pct(t.renewalRate),
    })),
    ['tier', 'outcomes', 'renewed', 'churned', 'renewal rate'],
  );
  if (r.lowestTierLift)
    out(
      `\nLift of ${r.lowestTierLift.tier}: ${r.lowestTierLift.lift.toFixed(2)}× the overall churn rate ` +
        `(${pct(r.lowestTierLift.churnRate)} vs ${pct(r.lowestTierLift.overallChurnRate)})\n`,
    );
  for (const f of r.flaggedArr)
    out(
      `Churned ARR flagged ahead (${r.flaggedTiers.join(' or ')}): ` +
        `${formatMinor(f.flaggedArrMinor, f.currency)} of ${formatMinor(f.churnedArrMinor, f.currency)} (${pct(f.share)})\n`,
    );
  if (r.calibration) {
    out(`\nCalibration (held out): ${r.calibration.text}\n`);
    printTable(
      r.calibration.rows.map((c) => ({
        composite: `${c.compositeMin.toFixed(1)}–${c.compositeMax.toFixed(1)}`,
        outcomes: c.n,
        predicted: pct(c.meanPredicted),
        observed: pct(c.observedRate),
      })),
      ['composite', 'outcomes', 'predicted', 'observed'],
    );
  }
  out(`\nFitted weights: ${r.fitted.text}\n`);
  if (r.fitted.weights.length > 0) {
    printTable(
      r.fitted.weights.map((w) => ({
        measure: MEASURES[w.measure].label,
        'fitted weight': w.weight,
        coefficient: w.coefficient === null ? '—' : w.coefficient.toFixed(3),
        observed: pct(w.observedShare),
      })),
      ['measure', 'fitted weight', 'coefficient', 'observed'],
    );
    if (r.fitted.status === 'fitted')
      out(`\nAdopt them as a new model version: tenure health backtest adopt ${bt.id}\n`);
  }
}

export function registerBacktestVerbs(health: Command, program: Command): void {
  const bt = health
    .command('backtest')
    .description('how well a health model predicted the renewals and churns in history (C4)')
    .option('--model <key>', 'the model to test (default: the default active model)')
    .option('--model-version <n>', 'a version of that model (default the latest)')
    .option('--horizon <days>', 'score each account this many days before its outcome', '90')
    .option('--from <date>', 'first outcome day (default: where usage is recorded + horizon)')
    .option('--to <date>', 'last outcome day (default today)')
    .option('--train-until <date>', 'fit weights up to this day and test them after it')
    .option('--json', 'print the whole report as JSON')
    .addHelpText(
      'after',
      '\nEach outcome is scored with only the data of its as-of day. When the AUC interval includes\n' +
        '0.5 the report says the score shows no usable signal; below 20 churned and 20 retained\n' +
        'outcomes it reports no AUC at all.',
    )
    .action(
      async (o: {
        model?: string;
        modelVersion?: string;
        horizon: string;
        from?: string;
        to?: string;
        trainUntil?: string;
        json?: boolean;
      }) => {
        const params = parseOptions(
          BacktestCreate,
          {
            modelKey: o.model,
            version: o.modelVersion === undefined ? undefined : Number(o.modelVersion),
            horizonDays: Number(o.horizon),
            from: o.from,
            to: o.to,
            trainUntil: o.trainUntil,
          },
          OPTION,
        );
        await withCtx(async (ctx) => {
          const result = await backtests.runBacktest(ctx, params);
          if (o.json) printJson(result);
          else printReport(result);
        });
      },
    );
  bt.command('adopt')
    .description("adopt a backtest's fitted weights as the next version of its model")
    .argument('<id>', 'the backtest id (btr_…)')
    .action(async (id: string) => {
      await withCtx(async (ctx) => {
        const r = await backtests.adoptFittedWeights(ctx, id);
        out(
          r.created
            ? `Saved ${r.model.key} v${r.model.version} with the fitted weights; accounts are rescored.\n`
            : `${r.model.key} v${r.model.version} already has these weights.\n`,
        );
      });
    });

  program
    .command('risk')
    .description('accounts below the top health tier, worst first, with what pulled them down')
    .option('--owner <userId>', "only this owner's accounts")
    .option('--limit <n>', 'at most this many rows')
    .option('--csv', 'print CSV')
    .option('--json', 'print JSON')
    .action(async (o: { owner?: string; limit?: string; csv?: boolean; json?: boolean }) => {
      const limit = o.limit === undefined ? undefined : Number(o.limit);
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
        throw new Error(`--limit: expected a whole number ≥ 1, got ${o.limit}`);
      await withCtx(async (ctx) => {
        const rows = await riskReport(ctx, { ownerId: o.owner, limit });
        if (o.json) return printJson({ items: rows });
        const cells = rows.map((r) => ({
          account: r.name,
          id: r.accountId,
          tier: r.tier,
          score: r.composite === null ? '' : r.composite.toFixed(1),
          '30d': r.change30 === null ? '' : `${r.change30 > 0 ? '+' : ''}${r.change30.toFixed(1)}`,
          arr: formatMinor(r.arrMinor, r.currency),
          renewal: r.renewalDate ?? '',
          'biggest drag': r.topDriver
            ? `${r.topDriver.label} ${r.topDriver.points.toFixed(1)}`
            : '',
        }));
        const columns = ['account', 'id', 'tier', 'score', '30d', 'arr', 'renewal', 'biggest drag'];
        if (o.csv) {
          out(csvLine(columns));
          for (const c of cells) out(csvLine(columns.map((k) => c[k as keyof typeof c])));
          return;
        }
        if (rows.length === 0)
          return out('No account is below its top tier (or nothing is scored yet).\n');
        printTable(cells, columns);
      });
    });
}
